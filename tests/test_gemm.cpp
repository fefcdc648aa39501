// gemm_f32 (blocked SIMD) and gemm_f32_ref against a double-precision triple
// loop: every edge of the register tile, the paper's shapes, both op(A), both
// accumulate modes, padded leading dimensions. Padding of A and B is NaN (a
// read of it poisons C), C starts as NaN when it must be overwritten, and the
// padding of C must come back untouched.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/gemm_tile.hpp"


#ifndef SFL_TESTS_SHORT
#  define SFL_TESTS_SHORT 0 // set by tests/CMakeLists.txt under emulators, valgrind, sanitizers
#endif

namespace {

using sfl::kernels::gemm_f32;
using sfl::kernels::gemm_f32_ref;
using sfl::kernels::kGemmKC;
using sfl::kernels::kGemmMR;
using sfl::kernels::kGemmNR;

using GemmFn = void (*)(int32_t, int32_t, int32_t, const float *, int32_t, bool, const float *, int32_t, float *,
                        int32_t, bool);

constexpr float kSentinel = -1234.5f;

// rows x cols matrix with row stride ld, stored in exactly (rows-1)*ld + cols
// floats (nothing to read past the last element); padding set to `pad`.
std::vector<float> make_matrix(int32_t rows, int32_t cols, int32_t ld, float pad, std::mt19937 &rng) {
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<float> m(rows > 0 ? (size_t)(rows - 1) * ld + cols : 0, pad);
    for (int32_t i = 0; i < rows; ++i)
        for (int32_t j = 0; j < cols; ++j) m[(size_t)i * ld + j] = u(rng);
    return m;
}

struct Case {
    int32_t M, N, Kd;
    bool trans_a, accumulate;
    int32_t pad = 0; // extra elements per row in lda, ldb, ldc
};

// Runs fn on one case and checks every element of C against a double triple
// loop within the summation error bound gamma_{Kd+1} * (|C0| + sum |a b|),
// and that the padding of C is untouched. Returns the number of failures.
int run_case(GemmFn fn, const Case &t, uint32_t seed, bool report = true) {
    std::mt19937 rng(seed);
    const float nan = std::nanf("");
    const int32_t arows = t.trans_a ? t.Kd : t.M, acols = t.trans_a ? t.M : t.Kd;
    const int32_t lda = acols + t.pad, ldb = t.N + t.pad, ldc = t.N + t.pad + 1;
    const std::vector<float> A = make_matrix(arows, acols, lda, nan, rng);
    const std::vector<float> Bm = make_matrix(t.Kd, t.N, ldb, nan, rng);
    std::vector<float> C = make_matrix(t.M, t.N, ldc, kSentinel, rng);
    C.push_back(kSentinel); // one guard element past the last row
    if (!t.accumulate)
        for (int32_t i = 0; i < t.M; ++i)
            for (int32_t j = 0; j < t.N; ++j) C[(size_t)i * ldc + j] = nan; // must be overwritten, not read
    const std::vector<float> C0 = C;

    fn(t.M, t.N, t.Kd, A.data(), lda, t.trans_a, Bm.data(), ldb, C.data(), ldc, t.accumulate);

    int failures = 0;
    const double gamma = (t.Kd + 2) * 0.5 * std::ldexp(1.0, -23) * 1.01;
    for (int32_t i = 0; i < t.M; ++i) {
        for (int32_t j = 0; j < t.N; ++j) {
            double exact = t.accumulate ? (double)C0[(size_t)i * ldc + j] : 0.0;
            double mag = std::fabs(exact);
            for (int32_t p = 0; p < t.Kd; ++p) {
                const double a = t.trans_a ? A[(size_t)p * lda + i] : A[(size_t)i * lda + p];
                const double prod = a * Bm[(size_t)p * ldb + j];
                exact += prod;
                mag += std::fabs(prod);
            }
            const double got = C[(size_t)i * ldc + j];
            if (!(std::fabs(got - exact) <= gamma * mag + 1e-30)) {
                if (report && failures < 3)
                    MESSAGE("M=" << t.M << " N=" << t.N << " Kd=" << t.Kd << " trans_a=" << t.trans_a
                                 << " acc=" << t.accumulate << " pad=" << t.pad << " C[" << i << "," << j
                                 << "]=" << got << " expected " << exact);
                ++failures;
            }
        }
    }
    for (size_t k = 0; k < C.size(); ++k) {
        const bool inside = t.M > 0 && (int64_t)(k / ldc) < t.M && (int32_t)(k % ldc) < t.N;
        if (!inside && C[k] != kSentinel) {
            if (report && failures < 3) MESSAGE("padding of C written at offset " << k);
            ++failures;
        }
    }
    return failures;
}

// Values around each multiple of the tile size up to twice it.
std::vector<int32_t> around(int32_t tile) {
    std::set<int32_t> s{1, 2, 3};
    for (int32_t k = 1; k <= 2; ++k)
        for (int32_t d = -1; d <= 1; ++d)
            if (k * tile + d >= 1) s.insert(k * tile + d);
    return {s.begin(), s.end()};
}

void check_both(const Case &t, uint32_t seed) {
    CHECK(run_case(gemm_f32, t, seed) == 0);
    CHECK(run_case(gemm_f32_ref, t, seed) == 0);
}

} // namespace

TEST_CASE("gemm_f32: every tile edge in M, N, Kd, both op(A), both accumulate modes") {
    std::vector<int32_t> ns = around(kGemmNR);
    for (int32_t v : around(sfl::simd::lanes)) ns.push_back(v);
    uint32_t seed = 1;
    std::vector<int32_t> ms = around(kGemmMR);
    for (int32_t v : around(sfl::kernels::kGemmPackMinRows)) ms.push_back(v); // B read in place / packed
    for (int32_t M : ms)
        for (int32_t N : ns)
            for (int32_t Kd : std::initializer_list<int32_t>{1, 2, 7, kGemmKC, kGemmKC + 1, 2 * kGemmKC + 3})
                for (int ta = 0; ta < 2; ++ta)
                    for (int acc = 0; acc < 2; ++acc) {
                        const Case t{M, N, Kd, ta == 1, acc == 1, (M + N) % 3};
                        const int f = run_case(gemm_f32, t, seed++);
                        if (f != 0) {
                            FAIL_CHECK("gemm_f32 failed: M=" << M << " N=" << N << " Kd=" << Kd << " trans_a=" << ta
                                                             << " acc=" << acc);
                        }
                    }
}

TEST_CASE("gemm_f32: full sweeps of each dimension up to 2*tile+1") {
    uint32_t seed = 1000;
    for (int ta = 0; ta < 2; ++ta) {
        for (int32_t M = 1; M <= 2 * kGemmMR + 1; ++M) check_both({M, kGemmNR + 3, 9, ta == 1, true, 2}, seed++);
        for (int32_t N = 1; N <= 2 * kGemmNR + 1; ++N) check_both({kGemmMR + 1, N, 9, ta == 1, false, 1}, seed++);
        for (int32_t Kd = 1; Kd <= 2 * kGemmKC + 1; ++Kd)
            CHECK(run_case(gemm_f32, {kGemmMR + 1, kGemmNR + 1, Kd, ta == 1, Kd % 2 == 0, 3}, seed++) == 0);
    }
}

TEST_CASE("gemm_f32: the paper's shapes (encode X P, Gram P^T P, fc 100x500x800)") {
    struct Shape {
        int32_t M, N, Kd;
        bool trans_a;
    };
    const Shape shapes[] = {
        {64, 20, 25, false},   {64, 256, 64, false}, {64, 500, 800, false}, // encode: n x K = (n x m)(m x K)
        {20, 20, 25, true},    {256, 256, 64, true}, {500, 500, 800, true}, // Gram: K x K = (m x K)^T (m x K)
        {100, 500, 800, false}, {100, 500, 800, true},
    };
    // Under valgrind, qemu or the sanitizers (SFL_TESTS_SHORT) one mode per shape and no fc
    // shapes (they repeat the encode path): the double reference of 500x500x800 costs a
    // minute there.
    const bool short_run = SFL_TESTS_SHORT != 0;
    uint32_t seed = 5000;
    for (const Shape &s : shapes) {
        CAPTURE(s.M);
        CAPTURE(s.N);
        CAPTURE(s.Kd);
        if (short_run && s.M == 100) break;
        CHECK(run_case(gemm_f32, {s.M, s.N, s.Kd, s.trans_a, true, 0}, seed++) == 0);
        if (!short_run) CHECK(run_case(gemm_f32, {s.M, s.N, s.Kd, s.trans_a, false, 5}, seed++) == 0);
    }
    CHECK(run_case(gemm_f32_ref, {64, 500, 800, false, true, 3}, seed++) == 0);
}

TEST_CASE("gemm_f32: Kd = 0 zeroes C or leaves it, M = 0 or N = 0 touch nothing") {
    for (int acc = 0; acc < 2; ++acc)
        for (int32_t M : std::initializer_list<int32_t>{0, 1, kGemmMR + 1})
            for (int32_t N : std::initializer_list<int32_t>{0, 1, kGemmNR + 1}) {
                check_both({M, N, 0, false, acc == 1, 2}, 77);
                check_both({M, N, 0, true, acc == 1, 2}, 78);
            }
}

TEST_CASE("gemm_f32: the checker catches a wrong product") {
    // A deliberately broken GEMM (drops the last term of every dot product)
    // must be reported: the tolerance is tight enough to see one missing term.
    GemmFn broken = [](int32_t M, int32_t N, int32_t Kd, const float *A, int32_t lda, bool ta, const float *B,
                       int32_t ldb, float *C, int32_t ldc, bool acc) {
        gemm_f32(M, N, Kd - 1, A, lda, ta, B, ldb, C, ldc, acc);
    };
    CHECK(run_case(broken, {kGemmMR + 1, kGemmNR + 1, 40, false, true, 1}, 9, false) > 0);
    CHECK(run_case(broken, {3, 5, 40, true, false, 0}, 10, false) > 0);
}
