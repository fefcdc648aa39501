#include "kernels/linalg/dot_f64.hpp"

#include "simd/simd.hpp"

namespace sfl {
namespace linalg {

namespace {

constexpr int32_t kSums = 8;

// Terms from k0 on, each into partial sum k mod 8 (k0 a multiple of 8), then the
// fixed tree that adds the eight.
inline double finish(int32_t n, int32_t k0, const double *x, const double *y, double *acc) {
    for (int32_t k = k0; k < n; ++k) acc[k - k0] += x[k] * y[k];
    return ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
}

// The scalar kernels (Cortex-M, 32-bit NEON, which has no double registers in xsimd).
// The SIMD ones are a partial specialization, so that they are only compiled for an
// architecture that has double registers.
template <bool Simd, class Arch>
struct Kernels {
    static double dot(int32_t n, const double *x, const double *y) {
        double acc[kSums] = {0, 0, 0, 0, 0, 0, 0, 0};
        int32_t k = 0;
        for (; k + kSums <= n; k += kSums)
            for (int32_t j = 0; j < kSums; ++j) acc[j] += x[k + j] * y[k + j];
        return finish(n, k, x, y, acc);
    }
    static void axpy(int32_t n, double alpha, const double *x, double *y) {
        for (int32_t k = 0; k < n; ++k) y[k] += alpha * x[k];
    }
};

#if SFL_HAS_SIMD
constexpr bool kDoubleSimd = simd::has_double;

template <class Arch>
struct Kernels<true, Arch> {
    using B = xsimd::batch<double, Arch>;
    static constexpr int32_t W = static_cast<int32_t>(B::size);
    static_assert(kSums % W == 0, "the eight partial sums fill whole registers");
    static constexpr int32_t R = kSums / W;

    static double dot(int32_t n, const double *x, const double *y) {
        B acc[R];
        for (int32_t r = 0; r < R; ++r) acc[r] = B(0.0);
        int32_t k = 0;
        for (; k + kSums <= n; k += kSums)
            for (int32_t r = 0; r < R; ++r)
                acc[r] = acc[r] + B::load_unaligned(x + k + r * W) * B::load_unaligned(y + k + r * W);
        alignas(64) double sums[kSums];
        for (int32_t r = 0; r < R; ++r) acc[r].store_aligned(sums + r * W);
        return finish(n, k, x, y, sums);
    }
    static void axpy(int32_t n, double alpha, const double *x, double *y) {
        const B va(alpha);
        int32_t k = 0;
        for (; k + W <= n; k += W)
            (B::load_unaligned(y + k) + va * B::load_unaligned(x + k)).store_unaligned(y + k);
        Kernels<false, Arch>::axpy(n - k, alpha, x + k, y + k);
    }
};
using DArch = simd::arch;
#else
constexpr bool kDoubleSimd = false;
using DArch = void;
#endif

} // namespace

double dot_f64_long(int32_t n, const double *x, const double *y) {
    return Kernels<kDoubleSimd, DArch>::dot(n, x, y);
}

void axpy_f64_long(int32_t n, double alpha, const double *x, double *y) {
    Kernels<kDoubleSimd, DArch>::axpy(n, alpha, x, y);
}

double dot_f64_ref(int32_t n, const double *x, const double *y) { return Kernels<false, void>::dot(n, x, y); }

void axpy_f64_ref(int32_t n, double alpha, const double *x, double *y) { Kernels<false, void>::axpy(n, alpha, x, y); }

} // namespace linalg
} // namespace sfl
