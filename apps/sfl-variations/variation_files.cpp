// Writing a variation (variation_files.hpp): idx files and a small JSON manifest.
#include "variation_files.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "draw.hpp"
#include "idx_write.hpp"
#include "json_string.hpp"

namespace sfl_variations {

const char *const kTrainImages = "train-images-idx3-ubyte";
const char *const kTrainLabels = "train-labels-idx1-ubyte";
const char *const kTestImages = "t10k-images-idx3-ubyte";
const char *const kTestLabels = "t10k-labels-idx1-ubyte";
const char *const kManifest = "manifest.json";

namespace {

struct Split {
    std::vector<uint8_t> pixels, labels;
};

Split split(const Variation &v, bool test) {
    const size_t px = size_t(v.rows) * size_t(v.cols);
    const size_t first = test ? size_t(v.train) : 0, count = test ? size_t(v.test) : size_t(v.train);
    Split s;
    s.pixels.assign(v.pixels.begin() + std::ptrdiff_t(first * px), v.pixels.begin() + std::ptrdiff_t((first + count) * px));
    s.labels.assign(v.labels.begin() + std::ptrdiff_t(first), v.labels.begin() + std::ptrdiff_t(first + count));
    return s;
}

std::string hex64(uint64_t h) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%016" PRIx64, h);
    return buf;
}

template <class T> std::string list(const std::vector<T> &v, size_t first, size_t count) {
    std::string out = "[";
    for (size_t i = 0; i < count && first + i < v.size(); ++i) out += (i ? ", " : "") + std::to_string(v[first + i]);
    return out + "]";
}

std::vector<int64_t> label_counts(const std::vector<uint8_t> &labels) {
    const uint8_t top = labels.empty() ? 0 : *std::max_element(labels.begin(), labels.end());
    std::vector<int64_t> c(std::max<size_t>(10, size_t(top) + 1), 0);
    for (uint8_t l : labels) ++c[l];
    return c;
}

// FNV-1a of the bytes an idx file holds (header included), as write_idx_* lays them out.
uint64_t idx_hash(const std::vector<uint8_t> &data, uint32_t magic, std::vector<uint32_t> dims) {
    std::vector<uint8_t> h;
    dims.insert(dims.begin(), magic);
    for (uint32_t d : dims)
        for (int sh = 24; sh >= 0; sh -= 8) h.push_back(uint8_t(d >> sh));
    return fnv1a(data.data(), data.size(), fnv1a(h.data(), h.size()));
}

std::string parameters_json(const Variation &v, const ManifestInputs &in) {
    std::ostringstream o;
    switch (v.kind) {
    case Kind::rot:
        o << "{\"angle\": \"2*pi*w/2^32, w one 32-bit word per digit\", "
             "\"interpolation\": \"bilinear about ((cols-1)/2, (rows-1)/2), outside = 0, round half up\", "
             "\"first_angle_words\": "
          << list(v.angles, 0, 10) << "}";
        break;
    case Kind::rand:
        o << "{\"noise\": \"u = (w >> 8) / 2^24 per pixel\", "
             "\"combine\": \"floor(255 * max(digit / 255, u) + 0.5)\"}";
        break;
    case Kind::img: {
        o << "{\"min_std\": " << in.min_std << ", \"grey\": \"(299 R + 587 G + 114 B + 500) / 1000\", "
          << "\"combine\": \"max(digit, patch)\", \"images\": [";
        const PatchBank &b = *in.bank;
        for (size_t i = 0; i < b.images().size(); ++i) {
            const GreyImage &g = b.images()[i];
            o << (i ? ", " : "") << "{\"name\": " << sfl_cli::json_string(g.name) << ", \"width\": " << g.width
              << ", \"height\": " << g.height << ", \"windows\": " << b.windows(i)
              << ", \"passing\": " << b.passing(i) << ", \"grey_fnv1a64\": \"" << hex64(fnv1a(g.pixels.data(), g.pixels.size()))
              << "\"}";
        }
        std::vector<int64_t> used(b.images().size(), 0);
        for (const PatchPick &p : v.patches) ++used[size_t(p.image)];
        o << "], \"patches_per_image\": " << list(used, 0, used.size()) << "}";
        break;
    }
    }
    return o.str();
}

} // namespace

std::string manifest_json(const Variation &v, const ManifestInputs &in) {
    const Split tr = split(v, false), te = split(v, true);
    const uint32_t r = uint32_t(v.rows), c = uint32_t(v.cols);
    std::ostringstream o;
    o << "{\n";
    o << "  \"generator\": \"sfl-variations (docs/variations.md)\",\n";
    o << "  \"variation\": \"mnist-" << kind_name(v.kind) << "\",\n";
    o << "  \"seed\": " << v.seed << ",\n";
    o << "  \"counts\": {\"train\": " << v.train << ", \"test\": " << v.test << "},\n";
    o << "  \"image_shape\": [" << v.rows << ", " << v.cols << "],\n";
    o << "  \"label_counts\": {\"train\": " << list(label_counts(tr.labels), 0, 256)
      << ", \"test\": " << list(label_counts(te.labels), 0, 256) << "},\n";
    if (in.pool) {
        o << "  \"pool\": {\"images\": " << in.pool->n << ", \"order\": \"MNIST train 0.." << in.pool->n_train - 1
          << ", then t10k as " << in.pool->n_train << ".." << in.pool->n - 1 << "\", \"pixels_fnv1a64\": \""
          << hex64(fnv1a(in.pool->pixels.data(), in.pool->pixels.size())) << "\"},\n";
    }
    o << "  \"source_indices\": {\"fnv1a64_le32\": \"" << hex64(fnv1a_le32(v.source)) << "\", \"first_train\": "
      << list(v.source, 0, 10) << ", \"first_test\": " << list(v.source, size_t(v.train), 10) << "},\n";
    o << "  \"parameters\": " << parameters_json(v, in) << ",\n";
    o << "  \"files_fnv1a64\": {\n";
    o << "    \"" << kTrainImages << "\": \"" << hex64(idx_hash(tr.pixels, 0x803u, {uint32_t(v.train), r, c})) << "\",\n";
    o << "    \"" << kTrainLabels << "\": \"" << hex64(idx_hash(tr.labels, 0x801u, {uint32_t(v.train)})) << "\",\n";
    o << "    \"" << kTestImages << "\": \"" << hex64(idx_hash(te.pixels, 0x803u, {uint32_t(v.test), r, c})) << "\",\n";
    o << "    \"" << kTestLabels << "\": \"" << hex64(idx_hash(te.labels, 0x801u, {uint32_t(v.test)})) << "\"\n";
    o << "  }\n}\n";
    return o.str();
}

void write_variation(const std::string &dir, const Variation &v, const ManifestInputs &in) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw std::runtime_error(dir + ": cannot create the output directory: " + ec.message());
    const std::string manifest = manifest_json(v, in);
    const Split tr = split(v, false), te = split(v, true);
    write_idx_images(dir + "/" + kTrainImages, v.train, v.rows, v.cols, tr.pixels);
    write_idx_labels(dir + "/" + kTrainLabels, tr.labels);
    write_idx_images(dir + "/" + kTestImages, v.test, v.rows, v.cols, te.pixels);
    write_idx_labels(dir + "/" + kTestLabels, te.labels);
    write_text_file(dir + "/" + kManifest, manifest);
}

} // namespace sfl_variations
