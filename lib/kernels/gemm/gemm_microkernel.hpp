// GEMM micro-kernel: C[0:MR, 0:NV*lanes] (+)= op(A)[0:MR, 0:kc] * Bp[0:kc, 0:NV*lanes]
// with the MR x NV accumulators in vector registers. op(A) row r, column p is
// a[r*lda + p] (TransA false) or a[p*lda + r] (TransA true: MR contiguous
// floats per p, so no packing is needed). Bp rows have stride ldb and hold NV
// full vectors (the driver zero-pads a packed partial panel). Only the first
// `last` columns of the last vector are read from / written to C.
#pragma once

#include <cstdint>

#include "simd/simd.hpp"

#if SFL_HAS_SIMD
namespace sfl {
namespace kernels {
namespace gemm_detail {

using B = simd::fbatch;
constexpr int32_t L = simd::lanes;

inline B load_c(const float *c, int32_t n) {
    if (n == L) return B::load_unaligned(c);
    alignas(64) float t[L] = {};
    for (int32_t j = 0; j < n; ++j) t[j] = c[j];
    return B::load_aligned(t);
}

inline void store_c(const B &v, float *c, int32_t n) {
    if (n == L) {
        v.store_unaligned(c);
        return;
    }
    alignas(64) float t[L];
    v.store_aligned(t);
    for (int32_t j = 0; j < n; ++j) c[j] = t[j];
}

template <int MR, int NV, bool TransA>
void micro_kernel(int32_t kc, const float *a, int32_t lda, const float *b, int32_t ldb, float *c, int32_t ldc,
                  bool accumulate, int32_t last) {
    B acc[MR][NV];
    if (accumulate) {
        for (int r = 0; r < MR; ++r)
            for (int v = 0; v < NV; ++v)
                acc[r][v] = load_c(c + (int64_t)r * ldc + v * L, v == NV - 1 ? last : L);
    } else {
        for (int r = 0; r < MR; ++r)
            for (int v = 0; v < NV; ++v) acc[r][v] = B(0.0f);
    }
    for (int32_t p = 0; p < kc; ++p) {
        const float *bp = b + (int64_t)p * ldb;
        B bv[NV];
        for (int v = 0; v < NV; ++v) bv[v] = B::load_unaligned(bp + v * L);
        for (int r = 0; r < MR; ++r) {
            const B ar(TransA ? a[(int64_t)p * lda + r] : a[(int64_t)r * lda + p]);
            for (int v = 0; v < NV; ++v) acc[r][v] = xsimd::fma(ar, bv[v], acc[r][v]);
        }
    }
    for (int r = 0; r < MR; ++r)
        for (int v = 0; v < NV; ++v) store_c(acc[r][v], c + (int64_t)r * ldc + v * L, v == NV - 1 ? last : L);
}

} // namespace gemm_detail
} // namespace kernels
} // namespace sfl
#endif
