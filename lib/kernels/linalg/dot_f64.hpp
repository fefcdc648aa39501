// Level-1 kernels in double for the triangular solves of the Cholesky factors
// (LARS's direction, its factor updates, the backward's G[S,S] solve).
//
// dot_f64 of n >= 8 terms sums in eight partial sums, term k into sum k mod 8, added
// at the end by one fixed tree: the same floats with or without SIMD and for every
// SIMD width. Both paths are written as a multiply then an add (not xsimd::fma, which
// xsimd 8.1 fuses on some instruction sets only), so the compiler fuses them alike or
// not at all: fused multiply-adds differ between builds, as everywhere in the library. A plain serial
// sum is one dependent add per term, a latency chain that made the substitutions of
// the SF layer's 100-200 atom factors half of its training time. Fewer than 8 terms
// (the CSF layer's 25x20 supports) are one serial sum, inline: a call and the tree
// would cost more than the chain.
// axpy_f64 is element-wise: every width gives the serial loop's floats.
#pragma once

#include <cstdint>

namespace sfl {
namespace linalg {

// The out-of-line kernels behind dot_f64 / axpy_f64, for n >= 8.
double dot_f64_long(int32_t n, const double *x, const double *y);
void axpy_f64_long(int32_t n, double alpha, const double *x, double *y);

// The same rule on the scalar path (the test oracle: for n >= 8 equal to dot_f64 /
// axpy_f64 bit for bit on every target).
double dot_f64_ref(int32_t n, const double *x, const double *y);
void axpy_f64_ref(int32_t n, double alpha, const double *x, double *y);

// sum_k x[k] y[k], k < n (n >= 0).
inline double dot_f64(int32_t n, const double *x, const double *y) {
    if (n >= 8) return dot_f64_long(n, x, y);
    double s = 0.0;
    for (int32_t k = 0; k < n; ++k) s += x[k] * y[k];
    return s;
}

// y[k] += alpha x[k], k < n.
inline void axpy_f64(int32_t n, double alpha, const double *x, double *y) {
    if (n >= 8) return axpy_f64_long(n, alpha, x, y);
    for (int32_t k = 0; k < n; ++k) y[k] += alpha * x[k];
}

} // namespace linalg
} // namespace sfl
