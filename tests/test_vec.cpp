// Level-1 kernels: SIMD dot / axpy / soft_threshold against their *_ref and a
// double-precision oracle, for every n from 0 to 2*lanes*4+1 plus multiples,
// with pointers offset by one float (unaligned), soft threshold also in place.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/vec/vec.hpp"
#include "simd/simd.hpp"

namespace {

using namespace sfl::kernels;

std::vector<int32_t> sizes() {
    const int32_t L = sfl::simd::lanes;
    std::vector<int32_t> n;
    for (int32_t i = 0; i <= 2 * L * 4 + 1; ++i) n.push_back(i);
    for (int32_t k : {3, 5, 8, 16, 25}) {
        n.push_back(k * 4 * L - 1);
        n.push_back(k * 4 * L);
        n.push_back(k * 4 * L + 1);
    }
    n.push_back(800);
    n.push_back(1001);
    return n;
}

// n random floats in [-1, 1] after `offset` guard floats, followed by guards.
struct Buf {
    std::vector<float> v;
    int32_t offset;
    Buf(int32_t n, int32_t offset_, std::mt19937 &rng, float guard = 99.0f)
        : v((size_t)n + offset_ + 4, guard), offset(offset_) {
        std::uniform_real_distribution<float> u(-1.0f, 1.0f);
        for (int32_t i = 0; i < n; ++i) v[(size_t)offset + i] = u(rng);
    }
    float *p() { return v.data() + offset; }
};

constexpr float kEps = 1.1920929e-7f;

} // namespace

TEST_CASE("dot_f32 matches dot_f32_ref and the exact sum within gamma_n") {
    std::mt19937 rng(42);
    for (int32_t off = 0; off <= 1; ++off) {
        for (int32_t n : sizes()) {
            CAPTURE(n);
            CAPTURE(off);
            Buf x(n, off, rng), y(n, 1 - off, rng);
            double exact = 0.0, mag = 0.0;
            for (int32_t i = 0; i < n; ++i) {
                exact += (double)x.p()[i] * y.p()[i];
                mag += std::fabs((double)x.p()[i] * y.p()[i]);
            }
            const double tol = (n + 1) * kEps * mag + 1e-30;
            const float s = dot_f32(n, x.p(), y.p());
            const float r = dot_f32_ref(n, x.p(), y.p());
            CHECK(std::fabs(s - exact) <= tol);
            CHECK(std::fabs(r - exact) <= tol);
            CHECK(std::fabs(s - r) <= 2 * tol);
        }
    }
}

TEST_CASE("axpy_f32 matches axpy_f32_ref and leaves memory past n untouched") {
    std::mt19937 rng(7);
    for (int32_t off = 0; off <= 1; ++off) {
        for (int32_t n : sizes()) {
            CAPTURE(n);
            CAPTURE(off);
            const float alpha = -0.75f;
            Buf x(n, 1 - off, rng), y(n, off, rng);
            Buf y_ref = y;
            const std::vector<float> y0 = y.v;
            axpy_f32(n, alpha, x.p(), y.p());
            axpy_f32_ref(n, alpha, x.p(), y_ref.p());
            for (int32_t i = 0; i < n; ++i) {
                const double exact = (double)y0[(size_t)off + i] + (double)alpha * x.p()[i];
                const double tol = 2 * kEps * (std::fabs(y0[(size_t)off + i]) + std::fabs(alpha * x.p()[i]));
                CHECK(std::fabs(y.p()[i] - exact) <= tol);
                CHECK(std::fabs(y.p()[i] - y_ref.p()[i]) <= 2 * tol);
            }
            for (size_t k = 0; k < y.v.size(); ++k)
                if (k < (size_t)off || k >= (size_t)off + n) CHECK(y.v[k] == y0[k]);
        }
    }
}

TEST_CASE("soft_threshold_f32: sign(x) max(|x| - t, 0), out of place and in place") {
    std::mt19937 rng(3);
    for (float t : {0.0f, 0.25f, 0.5f, 2.0f}) {
        for (int32_t off = 0; off <= 1; ++off) {
            for (int32_t n : sizes()) {
                CAPTURE(n);
                CAPTURE(off);
                CAPTURE(t);
                Buf x(n, off, rng);
                // Put exact ties |x| == t and zeros in the input.
                if (n > 0) x.p()[0] = t;
                if (n > 1) x.p()[n - 1] = -t;
                if (n > 2) x.p()[n / 2] = 0.0f;
                Buf y(n, 1 - off, rng, -7.0f), y_ref(n, 1 - off, rng, -7.0f);
                soft_threshold_f32(n, x.p(), t, y.p());
                soft_threshold_f32_ref(n, x.p(), t, y_ref.p());
                for (int32_t i = 0; i < n; ++i) {
                    const float v = x.p()[i];
                    const float expect = std::fabs(v) <= t ? 0.0f : (v > 0 ? v - t : v + t);
                    CHECK(y.p()[i] == expect);
                    CHECK(y_ref.p()[i] == expect);
                }
                for (size_t k = 0; k < y.v.size(); ++k)
                    if (k < (size_t)(1 - off) || k >= (size_t)(1 - off) + n) CHECK(y.v[k] == -7.0f);

                std::vector<float> copy = x.v;
                soft_threshold_f32(n, x.p(), t, x.p()); // in place
                for (int32_t i = 0; i < n; ++i) CHECK(x.p()[i] == y_ref.p()[i]);
                for (size_t k = 0; k < x.v.size(); ++k)
                    if (k < (size_t)off || k >= (size_t)off + n) CHECK(x.v[k] == copy[k]);
            }
        }
    }
}
