// Packs a kc x w panel of B (row stride ldb) into dst with row stride ldd >= w,
// zero-filling columns w..ldd-1, so the micro-kernel reads only full vectors,
// never past the end of B, and from a contiguous buffer free of the cache-set
// conflicts a power-of-two ldb causes.
#pragma once

#include <cstdint>

namespace sfl {
namespace kernels {
namespace gemm_detail {

inline void pack_b(int32_t kc, int32_t w, const float *b, int32_t ldb, float *dst, int32_t ldd) {
    for (int32_t p = 0; p < kc; ++p) {
        const float *src = b + (int64_t)p * ldb;
        float *d = dst + (int64_t)p * ldd;
        int32_t j = 0;
        for (; j < w; ++j) d[j] = src[j];
        for (; j < ldd; ++j) d[j] = 0.0f;
    }
}

} // namespace gemm_detail
} // namespace kernels
} // namespace sfl
