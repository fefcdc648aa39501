// synthetic_pool.hpp - a small stand-in for pooled MNIST (tests need no download):
// 28x28 images of a bright bar at a varying position on black, labels i mod 10.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "generate.hpp"

namespace sfl_variations_test {

inline sfl_variations::Pool synthetic_pool(int32_t n_train, int32_t n_test) {
    sfl_variations::Pool p;
    p.n_train = n_train;
    p.n = n_train + n_test;
    p.rows = p.cols = 28;
    p.pixels.assign(size_t(p.n) * 784, 0);
    p.labels.resize(size_t(p.n));
    for (int32_t i = 0; i < p.n; ++i) {
        p.labels[size_t(i)] = uint8_t(i % 10);
        uint8_t *img = p.pixels.data() + size_t(i) * 784;
        const int32_t c0 = 6 + i % 13, r0 = 4 + (i / 13) % 7;
        for (int32_t r = r0; r < r0 + 16; ++r)
            for (int32_t c = c0; c < c0 + 3; ++c) img[r * 28 + c] = uint8_t(255 - (r - r0) * 7 - (i % 5) * 3);
    }
    return p;
}

/** A grey image of w x h: the left half flat at 100, the right half a ramp with
 *  stripes (textured), so some windows pass a standard-deviation threshold and some do not. */
inline sfl_variations::GreyImage half_flat_image(const char *name, int32_t w, int32_t h) {
    sfl_variations::GreyImage g;
    g.name = name;
    g.width = w;
    g.height = h;
    g.pixels.resize(size_t(w) * size_t(h));
    for (int32_t y = 0; y < h; ++y)
        for (int32_t x = 0; x < w; ++x)
            g.pixels[size_t(y) * size_t(w) + size_t(x)] =
                x < w / 2 ? 100 : uint8_t((x * 37 + y * 11 + ((x / 3 + y / 2) % 2) * 90) % 256);
    return g;
}

/** Population standard deviation of a rows x cols window of g at (x, y), grey/255, two passes. */
inline double window_std_two_pass(const sfl_variations::GreyImage &g, int32_t x, int32_t y, int32_t rows, int32_t cols) {
    double sum = 0.0;
    for (int32_t r = 0; r < rows; ++r)
        for (int32_t c = 0; c < cols; ++c) sum += g.pixels[size_t(y + r) * size_t(g.width) + size_t(x + c)] / 255.0;
    const double mean = sum / (rows * cols);
    double ss = 0.0;
    for (int32_t r = 0; r < rows; ++r)
        for (int32_t c = 0; c < cols; ++c) {
            const double d = g.pixels[size_t(y + r) * size_t(g.width) + size_t(x + c)] / 255.0 - mean;
            ss += d * d;
        }
    return std::sqrt(ss / (rows * cols));
}

} // namespace sfl_variations_test
