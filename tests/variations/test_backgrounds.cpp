// MNIST-rand and the max combination (backgrounds.hpp): the noise rounding written
// out, digits never lowered, and the noise distribution (mean, histogram).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "backgrounds.hpp"
#include "draw.hpp"

using namespace sfl_variations;

TEST_CASE("combine_noise is max(digit, floor(255 u + 0.5)) and never lowers a digit pixel") {
    // Every digit value, many times, against its own replayed noise.
    std::vector<uint8_t> digit(256 * 40);
    for (size_t i = 0; i < digit.size(); ++i) digit[i] = uint8_t(i % 256);
    std::vector<uint8_t> out(digit.size());
    Stream a(21, Purpose::rand), b(21, Purpose::rand);
    combine_noise(digit.data(), int32_t(digit.size()), a, out.data());
    for (size_t i = 0; i < digit.size(); ++i) {
        const double u = double(b.word() >> 8) / 16777216.0;
        const double noise = std::floor(255.0 * u + 0.5);
        REQUIRE(out[i] >= digit[i]);
        REQUIRE(double(out[i]) == std::max(double(digit[i]), noise));
    }
    // Both streams have used exactly one word per pixel.
    CHECK(a.word() == b.word());
}

TEST_CASE("combine_noise keeps 255 and works in place") {
    std::vector<uint8_t> im(784, 255);
    Stream s(2, Purpose::rand);
    combine_noise(im.data(), 784, s, im.data());
    CHECK(std::count(im.begin(), im.end(), uint8_t(255)) == 784);
}

TEST_CASE("noise on a black digit: mean 1/2 and the rounded-uniform histogram") {
    const int32_t n = 784 * 1000;
    std::vector<uint8_t> black(static_cast<size_t>(n), 0), out(static_cast<size_t>(n));
    Stream s(1, Purpose::rand);
    combine_noise(black.data(), n, s, out.data());
    std::vector<double> count(256, 0.0);
    double sum = 0.0;
    for (uint8_t v : out) {
        count[v] += 1.0;
        sum += v / 255.0;
    }
    // Mean of the rounded noise is exactly 1/2; std of the sample mean sqrt(1/12/n) = 3.3e-4.
    CHECK(std::fabs(sum / n - 0.5) < 0.0015);
    // floor(255 u + 0.5): levels 1..254 have probability 1/255, levels 0 and 255 half that.
    double chi2 = 0.0;
    for (int k = 0; k < 256; ++k) {
        const double p = (k == 0 || k == 255) ? 0.5 / 255.0 : 1.0 / 255.0;
        chi2 += (count[size_t(k)] - n * p) * (count[size_t(k)] - n * p) / (n * p);
    }
    CHECK(chi2 < 347.0); // P(chi2_255 > 347) ~ 1e-4
}

TEST_CASE("combine_max is the pixelwise maximum") {
    std::vector<uint8_t> d(256 * 256), b(256 * 256), out(256 * 256);
    for (int i = 0; i < 256; ++i)
        for (int j = 0; j < 256; ++j) {
            d[size_t(i) * 256 + size_t(j)] = uint8_t(i);
            b[size_t(i) * 256 + size_t(j)] = uint8_t(j);
        }
    combine_max(d.data(), b.data(), 256 * 256, out.data());
    for (int i = 0; i < 256; ++i)
        for (int j = 0; j < 256; ++j) REQUIRE(out[size_t(i) * 256 + size_t(j)] == std::max(i, j));
}
