// MNIST-rot (rotate.hpp): the angle's cosine and sine, exact quarter turns, and the
// bilinear rotation against an independent tent-filter reference in long double.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

#include "rotate.hpp"

using namespace sfl_variations;

namespace {

std::vector<uint8_t> random_image(int32_t rows, int32_t cols, uint32_t seed) {
    std::mt19937 g(seed);
    std::vector<uint8_t> im(size_t(rows) * size_t(cols));
    for (auto &p : im) p = uint8_t(g() >> 24);
    return im;
}

// Reference: out(p) = sum over all input pixels q of in(q) * tent(x_s - x_q) * tent(y_s - y_q),
// tent(d) = max(0, 1 - |d|), with the source point from std::cos/std::sin in long double.
std::vector<long double> reference_rotation(const std::vector<uint8_t> &in, int32_t rows, int32_t cols,
                                            long double angle) {
    const long double cx = (cols - 1) / 2.0L, cy = (rows - 1) / 2.0L;
    const long double c = std::cos(angle), s = std::sin(angle);
    std::vector<long double> out(in.size());
    for (int32_t r = 0; r < rows; ++r)
        for (int32_t k = 0; k < cols; ++k) {
            // Turning the output point clockwise by the angle (y up) gives the source point.
            const long double x = k - cx, y = cy - r;
            const long double xs = c * x + s * y, ys = -s * x + c * y;
            const long double col = xs + cx, row = cy - ys;
            long double v = 0.0L;
            for (int32_t qr = 0; qr < rows; ++qr)
                for (int32_t qc = 0; qc < cols; ++qc) {
                    const long double wx = std::max(0.0L, 1.0L - std::fabs(col - qc));
                    const long double wy = std::max(0.0L, 1.0L - std::fabs(row - qr));
                    v += wx * wy * in[size_t(qr) * size_t(cols) + size_t(qc)];
                }
            out[size_t(r) * size_t(cols) + size_t(k)] = v;
        }
    return out;
}

} // namespace

TEST_CASE("angle_cos_sin(w) is cos and sin of 2 pi w / 2^32 to 1e-15") {
    std::mt19937 g(1);
    std::vector<uint32_t> words = {0u, 1u, (1u << 30) - 1u, 1u << 30, (1u << 30) + 1u, 1u << 31,
                                   3u << 30, 0xFFFFFFFFu, 0x2AAAAAABu};
    for (int i = 0; i < 20000; ++i) words.push_back(uint32_t(g()));
    double worst = 0.0;
    for (uint32_t w : words) {
        const long double a = 2.0L * 3.14159265358979323846264338327950288L * (long double)w / 4294967296.0L;
        const CosSin cs = angle_cos_sin(w);
        worst = std::max(worst, double(std::fabs(cs.c - std::cos(a))));
        worst = std::max(worst, double(std::fabs(cs.s - std::sin(a))));
        REQUIRE(std::fabs(angle_radians(w) - double(a)) < 1e-14);
    }
    CHECK(worst < 1e-15);
}

TEST_CASE("quarter turns have exact cosines and sines") {
    const CosSin q0 = angle_cos_sin(0), q1 = angle_cos_sin(1u << 30), q2 = angle_cos_sin(1u << 31),
                 q3 = angle_cos_sin(3u << 30);
    CHECK(q0.c == 1.0);
    CHECK(q0.s == 0.0);
    CHECK(q1.c == 0.0);
    CHECK(q1.s == 1.0);
    CHECK(q2.c == -1.0);
    CHECK(q2.s == 0.0);
    CHECK(q3.c == 0.0);
    CHECK(q3.s == -1.0);
}

TEST_CASE("rotation by 0 is the identity (square and non-square images)") {
    for (auto shape : {std::pair<int32_t, int32_t>{28, 28}, {5, 9}, {1, 1}}) {
        const int32_t rows = shape.first, cols = shape.second;
        const std::vector<uint8_t> in = random_image(rows, cols, 3);
        std::vector<uint8_t> out(in.size(), 7);
        rotate_bilinear(in.data(), rows, cols, angle_cos_sin(0), out.data());
        CHECK(out == in);
    }
}

TEST_CASE("quarter turns of a square image are exact pixel permutations, counter-clockwise") {
    for (int32_t n : {28, 5}) {
        CAPTURE(n);
        const std::vector<uint8_t> in = random_image(n, n, 4);
        auto px = [&](int32_t r, int32_t c) { return in[size_t(r) * size_t(n) + size_t(c)]; };
        std::vector<uint8_t> q1(in.size()), q2(in.size()), q3(in.size());
        rotate_bilinear(in.data(), n, n, angle_cos_sin(1u << 30), q1.data());
        rotate_bilinear(in.data(), n, n, angle_cos_sin(1u << 31), q2.data());
        rotate_bilinear(in.data(), n, n, angle_cos_sin(3u << 30), q3.data());
        for (int32_t r = 0; r < n; ++r)
            for (int32_t c = 0; c < n; ++c) {
                const size_t i = size_t(r) * size_t(n) + size_t(c);
                // Counter-clockwise by pi/2: the top row becomes the left column, read upwards.
                REQUIRE(q1[i] == px(c, n - 1 - r));
                REQUIRE(q2[i] == px(n - 1 - r, n - 1 - c));
                REQUIRE(q3[i] == px(n - 1 - c, r));
            }
    }
}

TEST_CASE("bilinear rotation matches a tent-filter reference within rounding") {
    const std::vector<uint8_t> in = random_image(28, 28, 5);
    std::mt19937 g(6);
    int off_by_one = 0, total = 0;
    for (int t = 0; t < 12; ++t) {
        const uint32_t w = uint32_t(g());
        const long double a = 2.0L * 3.14159265358979323846264338327950288L * (long double)w / 4294967296.0L;
        std::vector<uint8_t> out(in.size());
        rotate_bilinear(in.data(), 28, 28, angle_cos_sin(w), out.data());
        const std::vector<long double> ref = reference_rotation(in, 28, 28, a);
        for (size_t i = 0; i < out.size(); ++i) {
            const long double want = std::floor(ref[i] + 0.5L);
            const long double diff = std::fabs((long double)out[i] - want);
            REQUIRE(diff <= 1.0L);
            if (diff != 0.0L) {
                // Only where the reference lies within rounding error of a half.
                REQUIRE(std::fabs(ref[i] - std::floor(ref[i]) - 0.5L) < 1e-9L);
                ++off_by_one;
            }
            ++total;
        }
    }
    CHECK(off_by_one <= total / 1000);
}

TEST_CASE("rotation keeps a centred blob's mass and turns its centroid counter-clockwise") {
    // A smooth blob away from the centre, well inside the image for every angle.
    std::vector<uint8_t> in(784, 0);
    const double bx = 17.0, by = 10.0; // column, row
    for (int32_t r = 0; r < 28; ++r)
        for (int32_t c = 0; c < 28; ++c) {
            const double d2 = (c - bx) * (c - bx) + (r - by) * (r - by);
            in[size_t(r) * 28 + size_t(c)] = uint8_t(std::lround(250.0 * std::exp(-d2 / 4.0)));
        }
    auto moments = [](const std::vector<uint8_t> &im, double &mass, double &x, double &y) {
        mass = x = y = 0.0;
        for (int32_t r = 0; r < 28; ++r)
            for (int32_t c = 0; c < 28; ++c) {
                const double v = im[size_t(r) * 28 + size_t(c)];
                mass += v;
                x += v * (c - 13.5);
                y += v * (13.5 - r); // y up
            }
        x /= mass;
        y /= mass;
    };
    double m0, x0, y0;
    moments(in, m0, x0, y0);
    for (uint32_t w : {0x15555555u, 0x40000000u, 0x6AAAAAAAu, 0x9999999Au, 0xE0000000u}) {
        CAPTURE(w);
        std::vector<uint8_t> out(784);
        rotate_bilinear(in.data(), 28, 28, angle_cos_sin(w), out.data());
        double m, x, y;
        moments(out, m, x, y);
        const double a = angle_radians(w);
        CHECK(std::fabs(m - m0) < 0.02 * m0);
        CHECK(std::fabs(x - (std::cos(a) * x0 - std::sin(a) * y0)) < 0.1);
        CHECK(std::fabs(y - (std::sin(a) * x0 + std::cos(a) * y0)) < 0.1);
    }
}
