// The double-precision linear algebra under LARS, CD and the layers' backward
// (lib/kernels/linalg): dot_f64 / axpy_f64 against exact sums, the triangular solves
// and the Cholesky updates against their definitions, forward_sub_from against
// forward_sub bit for bit, and the plan's Gram (upper blocks, mirrored) against the
// full product P^T P bit for bit.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <utility>
#include <random>
#include <vector>

#include <sfl/sfl.h>

#include "kernels/enet/plan.hpp"
#include "kernels/gemm/gemm.hpp"
#include "kernels/linalg/cholesky.hpp"
#include "kernels/linalg/dot_f64.hpp"
#include "support/aligned_buffer.hpp"

using namespace sfl::linalg;

#ifndef SFL_TESTS_SHORT
#  define SFL_TESTS_SHORT 0 // set by tests/CMakeLists.txt under emulators, valgrind, sanitizers
#endif

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

std::vector<double> uniform(int32_t n, std::mt19937 &rng, double guard_value = 0.0, int32_t guards = 0) {
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<double> v(size_t(n + guards), guard_value);
    for (int32_t i = 0; i < n; ++i) v[size_t(i)] = u(rng);
    return v;
}

// G = B B^T + n I (n x n, well conditioned) and its row-major lower factor (ld = n),
// grown by chol_append.
struct Spd {
    int32_t n;
    std::vector<double> G, L;
    Spd(int32_t n_, std::mt19937 &rng) : n(n_), G(size_t(n_) * n_), L(size_t(n_) * n_, 0.0) {
        const std::vector<double> B = uniform(n * n, rng);
        for (int32_t i = 0; i < n; ++i)
            for (int32_t j = 0; j < n; ++j) {
                double s = i == j ? n : 0.0;
                for (int32_t k = 0; k < n; ++k) s += B[size_t(i * n + k)] * B[size_t(j * n + k)];
                G[size_t(i * n + j)] = s;
            }
        for (int32_t i = 0; i < n; ++i) {
            for (int32_t k = 0; k < i; ++k) L[size_t(i * n + k)] = G[size_t(i * n + k)];
            REQUIRE(chol_append(L.data(), n, i, G[size_t(i * n + i)]));
        }
    }
    double g(int32_t i, int32_t j) const { return G[size_t(i * n + j)]; }
};

} // namespace

TEST_CASE("dot_f64 and axpy_f64: exact sums within gamma_n, nothing read or written past n") {
    std::mt19937 rng(7);
    for (int32_t n = 0; n <= 70; ++n) {
        CAPTURE(n);
        const std::vector<double> x = uniform(n, rng, std::nan(""), 3), y = uniform(n, rng, std::nan(""), 3);
        long double exact = 0.0L;
        double mag = 0.0;
        for (int32_t i = 0; i < n; ++i) {
            exact += static_cast<long double>(x[size_t(i)]) * y[size_t(i)];
            mag += std::fabs(x[size_t(i)] * y[size_t(i)]);
        }
        const double got = dot_f64(n, x.data(), y.data());
        CHECK(std::fabs(got - static_cast<double>(exact)) <= (n + 1) * kEps * mag + 1e-300);

        std::vector<double> z = uniform(n, rng, 99.0, 3);
        const std::vector<double> z0 = z;
        axpy_f64(n, -0.75, x.data(), z.data());
        for (int32_t i = 0; i < n; ++i) {
            const double want = z0[size_t(i)] - 0.75 * x[size_t(i)];
            CHECK(std::fabs(z[size_t(i)] - want) <= 2 * kEps * (std::fabs(z0[size_t(i)]) + 1.0));
        }
        for (int32_t i = n; i < n + 3; ++i) CHECK(z[size_t(i)] == 99.0);
    }
}

TEST_CASE("dot_f64 and axpy_f64 give their scalar oracle's floats bit for bit, unaligned too") {
    // n >= 8: the SIMD kernels against the scalar ones, both compiled in the library (a
    // multiply-add the compiler fuses, it fuses in both). Under 8 terms dot_f64 is one
    // inline serial sum, compiled where it is called.
    std::mt19937 rng(5);
    for (int32_t off = 0; off <= 1; ++off)
        for (int32_t n = 8; n <= 70; ++n) {
            CAPTURE(n);
            CAPTURE(off);
            const std::vector<double> x = uniform(n + off, rng), y = uniform(n + 1, rng);
            const double a = dot_f64(n, x.data() + off, y.data() + 1 - off);
            const double b = dot_f64_ref(n, x.data() + off, y.data() + 1 - off);
            CHECK(std::memcmp(&a, &b, sizeof a) == 0);
            std::vector<double> z1 = uniform(n + 1, rng), z2 = z1;
            axpy_f64(n, 0.3, x.data() + off, z1.data() + 1 - off);
            axpy_f64_ref(n, 0.3, x.data() + off, z2.data() + 1 - off);
            CHECK(std::memcmp(z1.data(), z2.data(), z1.size() * sizeof(double)) == 0);
        }
}

TEST_CASE("dot_f64: the eight partial sums make the result independent of where the terms fall") {
    // Terms 1, 2^-60 (15 times), -1: a serial sum loses every 2^-60 against the 1 and
    // returns 0; the eight partial sums lose only the one that shares sum 0 with the 1.
    // The value is fixed by the rule "term k into sum k mod 8, then the fixed tree",
    // whatever the SIMD width.
    std::vector<double> x(17, 1.0), y(17, std::ldexp(1.0, -60));
    y[0] = 1.0;
    y[16] = -1.0;
    // Sum 0 gets 1 + 2^-60 - 1 = 0 (2^-60 is lost against 1); sums 1..7 get 2^-60 + 2^-60.
    const double expect = 14.0 * std::ldexp(1.0, -60);
    CHECK(dot_f64(17, x.data(), y.data()) == expect);
}

TEST_CASE("forward_sub / backward_sub / chol_solve solve the factor's systems, in place too") {
    std::mt19937 rng(11);
    for (int32_t n : {1, 2, 7, 8, 9, 31, 64, 130}) {
        CAPTURE(n);
        const Spd a(n, rng);
        const std::vector<double> b = uniform(n, rng);
        // L L^T = G
        for (int32_t i = 0; i < n; ++i)
            for (int32_t j = 0; j <= i; ++j) {
                double s = 0.0;
                for (int32_t k = 0; k <= j; ++k) s += a.L[size_t(i * n + k)] * a.L[size_t(j * n + k)];
                CHECK(std::fabs(s - a.g(i, j)) <= 1e-12 * n * n);
            }
        std::vector<double> y(static_cast<size_t>(n)), x(static_cast<size_t>(n));
        forward_sub(a.L.data(), n, n, b.data(), y.data());
        for (int32_t i = 0; i < n; ++i) {
            double s = 0.0;
            for (int32_t k = 0; k <= i; ++k) s += a.L[size_t(i * n + k)] * y[size_t(k)];
            CHECK(std::fabs(s - b[size_t(i)]) <= 1e-12 * n);
        }
        backward_sub(a.L.data(), n, n, y.data(), x.data());
        for (int32_t i = 0; i < n; ++i) {
            double s = 0.0;
            for (int32_t k = i; k < n; ++k) s += a.L[size_t(k * n + i)] * x[size_t(k)];
            CHECK(std::fabs(s - y[size_t(i)]) <= 1e-12 * n);
        }
        std::vector<double> v = b; // in place: G v = b
        chol_solve(a.L.data(), n, n, v.data());
        for (int32_t i = 0; i < n; ++i) CHECK(v[size_t(i)] == x[size_t(i)]);
        std::vector<double> w = y; // backward_sub in place gives the same floats
        backward_sub(a.L.data(), n, n, w.data(), w.data());
        for (int32_t i = 0; i < n; ++i) CHECK(w[size_t(i)] == x[size_t(i)]);
    }
}

TEST_CASE("forward_sub_from continues forward_sub after appended rows, bit for bit") {
    std::mt19937 rng(13);
    const int32_t n = 40;
    const Spd a(n, rng);
    const std::vector<double> b = uniform(n, rng);
    std::vector<double> full(static_cast<size_t>(n)), grown(static_cast<size_t>(n));
    forward_sub(a.L.data(), n, n, b.data(), full.data());
    int32_t done = 0;
    for (int32_t rows : {3, 4, 17, 31, 40}) {
        forward_sub_from(a.L.data(), n, done, rows, b.data(), grown.data());
        done = rows;
    }
    for (int32_t i = 0; i < n; ++i) CHECK(grown[size_t(i)] == full[size_t(i)]);
}

TEST_CASE("forward_sub_from after a drop: the rows before it are kept, bit for bit") {
    // LARS keeps z = L^-1 sgn between steps; after chol_remove at position p it re-solves
    // from p on (z_rows = p in lars.cpp), with sgn shifted as the active set is.
    std::mt19937 rng(29);
    const int32_t n = 30;
    for (int32_t p : {0, 9, 29}) {
        CAPTURE(p);
        Spd a(n, rng);
        std::vector<double> sgn(static_cast<size_t>(n)), z(static_cast<size_t>(n)), full(static_cast<size_t>(n));
        for (int32_t i = 0; i < n; ++i) sgn[size_t(i)] = i % 3 == 0 ? -1.0 : 1.0;
        forward_sub(a.L.data(), n, n, sgn.data(), z.data());
        chol_remove(a.L.data(), n, n, p);
        sgn.erase(sgn.begin() + p);
        forward_sub_from(a.L.data(), n, p, n - 1, sgn.data(), z.data());
        forward_sub(a.L.data(), n, n - 1, sgn.data(), full.data());
        for (int32_t i = 0; i < n - 1; ++i) CHECK(z[size_t(i)] == full[size_t(i)]);
    }
}

TEST_CASE("chol_remove: the factor of G with one atom left out") {
    std::mt19937 rng(17);
    const int32_t n = 12;
    for (int32_t p : {0, 5, 11}) {
        CAPTURE(p);
        Spd a(n, rng);
        chol_remove(a.L.data(), n, n, p);
        std::vector<int32_t> keep;
        for (int32_t i = 0; i < n; ++i)
            if (i != p) keep.push_back(i);
        for (int32_t i = 0; i < n - 1; ++i)
            for (int32_t j = 0; j <= i; ++j) {
                double s = 0.0;
                for (int32_t k = 0; k <= j; ++k) s += a.L[size_t(i * n + k)] * a.L[size_t(j * n + k)];
                CHECK(std::fabs(s - a.g(keep[size_t(i)], keep[size_t(j)])) <= 1e-11 * n * n);
            }
    }
}

TEST_CASE("plan Gram: upper row blocks mirrored equal the full product P^T P + l2 I, bit for bit") {
    std::mt19937 rng(19);
    std::normal_distribution<float> nd;
#if SFL_TESTS_SHORT
    // Under qemu, valgrind, the sanitizers and on the boards: without the SF layer's shape.
    const std::initializer_list<std::pair<int32_t, int32_t>> shapes = {{25, 20}, {64, 256}, {30, 129}};
#else
    const std::initializer_list<std::pair<int32_t, int32_t>> shapes = {{25, 20}, {64, 256}, {30, 129}, {800, 500}};
#endif
    for (const auto &shape : shapes) {
        const int32_t m = shape.first, K = shape.second;
        CAPTURE(m);
        CAPTURE(K);
        std::vector<float> P(size_t(m) * size_t(K));
        for (float &v : P) v = nd(rng);
        const sfl_enet_dims dims{m, K};
        size_t bytes = 0;
        REQUIRE(sfl_enet_plan_size(&dims, &bytes) == SFL_OK);
        sfl_test::AlignedBuffer mem(bytes);
        sfl_enet_params params = sfl_enet_default_params();
        params.l2 = 0.25f;
        sfl_enet_plan *plan = nullptr;
        REQUIRE(sfl_enet_plan_init(mem.data(), bytes, &params, &dims, P.data(), &plan) == SFL_OK);
        const float *G = sfl::enet::plan_gram(plan);
        std::vector<float> ref(size_t(K) * size_t(K));
        sfl::kernels::gemm_f32(K, K, m, P.data(), K, true, P.data(), K, ref.data(), K, false);
        int64_t differ = 0;
        for (int32_t i = 0; i < K; ++i)
            for (int32_t j = 0; j < K; ++j) {
                const float want = ref[size_t(i) * K + j] + (i == j ? params.l2 : 0.0f);
                differ += G[size_t(i) * K + j] != want;
                differ += G[size_t(i) * K + j] != G[size_t(j) * K + i];
            }
        CHECK(differ == 0);
    }
}
