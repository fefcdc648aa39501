// Patch bank of MNIST-img (patch_bank.hpp): integral images of g and g^2 in
// 64-bit integers give every window's variance exactly, so the set of passing
// windows does not depend on floating-point details.
#include "patch_bank.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <stb/stb_image.h>

#include "draw.hpp"

namespace sfl_variations {

GreyImage load_grey(const std::string &path, const std::string &name) {
    int w = 0, h = 0, n = 0;
    unsigned char *data = stbi_load(path.c_str(), &w, &h, &n, 0);
    if (!data) {
        const char *why = stbi_failure_reason();
        throw std::runtime_error(path + ": cannot read the image (stb_image: " + (why ? why : "unknown") + ")");
    }
    GreyImage g;
    g.name = name;
    g.width = w;
    g.height = h;
    g.pixels.resize(size_t(w) * size_t(h));
    for (size_t i = 0; i < g.pixels.size(); ++i) {
        const unsigned char *p = data + i * size_t(n);
        g.pixels[i] = n >= 3 ? luma601(p[0], p[1], p[2]) : p[0];
    }
    stbi_image_free(data);
    return g;
}

PatchBank::PatchBank(std::vector<GreyImage> images, int32_t rows, int32_t cols, double min_std)
    : images_(std::move(images)), rows_(rows), cols_(cols), windows_(images_.size()) {
    const int64_t n = int64_t(rows) * cols;
    const double t = 255.0 * double(n) * min_std;
    const double need = t * t; // compared with an exact integer below
    for (size_t k = 0; k < images_.size(); ++k) {
        const GreyImage &g = images_[k];
        if (g.width < cols || g.height < rows)
            throw std::runtime_error(g.name + ": " + std::to_string(g.width) + "x" + std::to_string(g.height) +
                                     " is smaller than a " + std::to_string(cols) + "x" + std::to_string(rows) +
                                     " patch");
        // Integral images, (height+1) x (width+1), of g and g^2.
        const size_t W = size_t(g.width) + 1;
        std::vector<int64_t> s1(W * (size_t(g.height) + 1), 0), s2(s1.size(), 0);
        for (int32_t y = 0; y < g.height; ++y)
            for (int32_t x = 0; x < g.width; ++x) {
                const int64_t v = g.pixels[size_t(y) * size_t(g.width) + size_t(x)];
                const size_t i = (size_t(y) + 1) * W + size_t(x) + 1;
                s1[i] = v + s1[i - 1] + s1[i - W] - s1[i - W - 1];
                s2[i] = v * v + s2[i - 1] + s2[i - W] - s2[i - W - 1];
            }
        auto box = [&](const std::vector<int64_t> &s, size_t y, size_t x) {
            return s[(y + size_t(rows)) * W + x + size_t(cols)] - s[y * W + x + size_t(cols)] -
                   s[(y + size_t(rows)) * W + x] + s[y * W + x];
        };
        for (int32_t y = 0; y + rows <= g.height; ++y)
            for (int32_t x = 0; x + cols <= g.width; ++x) {
                const int64_t a = box(s1, size_t(y), size_t(x)), b = box(s2, size_t(y), size_t(x));
                const int64_t scaled_var = n * b - a * a; // n^2 * variance, exact
                if (double(scaled_var) >= need) windows_[k].push_back(uint32_t(y) * uint32_t(g.width) + uint32_t(x));
            }
        if (!windows_[k].empty()) usable_.push_back(int32_t(k));
    }
    if (usable_.empty())
        throw std::runtime_error("no " + std::to_string(cols) + "x" + std::to_string(rows) +
                                 " window of any background image has a standard deviation of at least " +
                                 std::to_string(min_std) + " (lower --min-std)");
}

int64_t PatchBank::windows(size_t i) const {
    const GreyImage &g = images_[i];
    return int64_t(g.width - cols_ + 1) * int64_t(g.height - rows_ + 1);
}

PatchPick PatchBank::draw(Stream &s, uint8_t *out) const {
    const int32_t k = usable_[s.below(uint32_t(usable_.size()))];
    const std::vector<uint32_t> &w = windows_[size_t(k)];
    const uint32_t at = w[s.below(uint32_t(w.size()))];
    const uint32_t width = uint32_t(images_[size_t(k)].width);
    PatchPick pick;
    pick.image = k;
    pick.x = int32_t(at % width);
    pick.y = int32_t(at / width);
    cut(pick, out);
    return pick;
}

void PatchBank::cut(const PatchPick &pick, uint8_t *out) const {
    const GreyImage &g = images_[size_t(pick.image)];
    for (int32_t r = 0; r < rows_; ++r)
        for (int32_t c = 0; c < cols_; ++c)
            out[r * cols_ + c] = g.pixels[size_t(pick.y + r) * size_t(g.width) + size_t(pick.x + c)];
}

double PatchBank::window_std(const PatchPick &pick) const {
    const GreyImage &g = images_[size_t(pick.image)];
    double sum = 0.0, sq = 0.0;
    const double n = double(rows_) * cols_;
    for (int32_t r = 0; r < rows_; ++r)
        for (int32_t c = 0; c < cols_; ++c) {
            const double v = g.pixels[size_t(pick.y + r) * size_t(g.width) + size_t(pick.x + c)] / 255.0;
            sum += v;
            sq += v * v;
        }
    const double mean = sum / n;
    return std::sqrt(std::max(0.0, sq / n - mean * mean));
}

} // namespace sfl_variations
