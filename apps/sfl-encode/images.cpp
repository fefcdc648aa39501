// Images for sfl-encode --model: format sniffing, shape matching against the
// model's input, idx scaling and the finiteness check, all before any work.
#include "images.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "inputs.hpp"
#include "options.hpp"
#include "sfl/idx.hpp"
#include "sfl/npy.hpp"

namespace sfl_encode {
namespace {

std::string quoted(const std::string &s) { return "'" + s + "'"; }

// First bytes of the file (fewer if it is shorter or cannot be read: the reader
// chosen then reports the problem itself).
std::string first_bytes(const std::string &path, size_t n) {
    std::string out(n, '\0');
    FILE *f = std::fopen(path.c_str(), "rb");
    if (!f) return std::string();
    out.resize(std::fread(&out[0], 1, n, f));
    std::fclose(f);
    return out;
}

bool looks_like_idx(const std::string &head) {
    // 00 00 starts every idx magic (0x00000803 for images); the idx reader then
    // tells a label file, another type or a short file apart. 1f 8b is gzip,
    // how MNIST is downloaded: the idx reader explains it.
    return head.size() >= 2 && ((head[0] == '\0' && head[1] == '\0') ||
                                (static_cast<unsigned char>(head[0]) == 0x1F &&
                                 static_cast<unsigned char>(head[1]) == 0x8B));
}

std::string model_shape_text(const sfl_dims4 &in) {
    return std::to_string(in.h) + "x" + std::to_string(in.w) + "x" + std::to_string(in.c);
}

// The shapes a .npy may have for `in` images, as the error message lists them.
std::string accepted_shapes(const sfl_dims4 &in) {
    const std::string h = std::to_string(in.h), w = std::to_string(in.w), c = std::to_string(in.c);
    const std::string flat = std::to_string(size_t(in.h) * size_t(in.w) * size_t(in.c));
    return "(N, " + flat + "), (N, " + h + ", " + w + ", " + c + ")" +
           (in.c == 1 ? " or (N, " + h + ", " + w + ")" : "");
}

bool npy_shape_fits(const std::vector<size_t> &s, const sfl_dims4 &in) {
    const size_t h = size_t(in.h), w = size_t(in.w), c = size_t(in.c);
    switch (s.size()) {
    case 2: return s[1] == h * w * c;
    case 3: return c == 1 && s[1] == h && s[2] == w;
    case 4: return s[1] == h && s[2] == w && s[3] == c;
    default: return false;
    }
}

void require_samples(const std::string &path, size_t n) {
    if (n < 1) throw InputError("--input " + quoted(path) + " holds no images (0 samples)");
    if (n > size_t(INT32_MAX))
        throw InputError("--input " + quoted(path) + " has more than " + std::to_string(INT32_MAX) + " samples");
}

ImageBatch from_npy(const std::string &path, const sfl_dims4 &in) {
    sfl::npy::Array a;
    try {
        a = sfl::npy::load_f32(path);
    } catch (const sfl::npy::Error &e) {
        throw InputError(std::string("--input: ") + e.what());
    }
    if (!npy_shape_fits(a.shape, in))
        throw InputError("shape mismatch: --input " + quoted(path) + " is " + shape_text(a.shape) +
                         " but the model takes " + model_shape_text(in) + " images (h x w x c): give " +
                         accepted_shapes(in));
    ImageBatch b;
    b.n = a.shape[0];
    require_samples(path, b.n);
    b.format = "npy";
    b.shape = std::move(a.shape);
    b.x = std::move(a.data);
    return b;
}

ImageBatch from_idx(const std::string &path, const sfl_dims4 &in) {
    sfl::idx::Images im;
    try {
        im = sfl::idx::load_images(path);
    } catch (const sfl::idx::Error &e) {
        throw InputError(std::string("--input: ") + e.what());
    }
    ImageBatch b;
    b.shape = {size_t(im.n), size_t(im.rows), size_t(im.cols)};
    if (im.rows != in.h || im.cols != in.w || in.c != 1)
        throw InputError("shape mismatch: --input " + quoted(path) + " holds " + std::to_string(im.n) +
                         " idx images of " + std::to_string(im.rows) + "x" + std::to_string(im.cols) +
                         "x1 but the model takes " + model_shape_text(in) + " images (h x w x c)");
    b.n = size_t(im.n);
    require_samples(path, b.n);
    b.format = "idx";
    b.x.resize(im.pixels.size());
    // The scaling of sfl-train (sfl::nn::load_idx_dataset): the features match training.
    for (size_t i = 0; i < im.pixels.size(); ++i) b.x[i] = float(im.pixels[i]) * (1.0f / 255.0f);
    return b;
}

void require_finite(const std::string &path, const ImageBatch &b) {
    const size_t per = b.x.size() / b.n;
    for (size_t i = 0; i < b.x.size(); ++i) {
        const float v = b.x[i];
        if (!std::isfinite(v))
            throw InputError("--input " + quoted(path) + " holds " + (std::isnan(v) ? "NaN" : "Inf") + " in sample " +
                             std::to_string(i / per) + " at element " + std::to_string(i % per) +
                             " (HWC order)");
    }
}

} // namespace

ImageBatch load_images(const std::string &path, const sfl_dims4 &in) {
    const std::string head = first_bytes(path, 6);
    ImageBatch b = looks_like_idx(head) ? from_idx(path, in) : from_npy(path, in);
    require_finite(path, b);
    return b;
}

} // namespace sfl_encode
