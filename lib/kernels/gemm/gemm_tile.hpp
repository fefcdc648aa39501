// Tile sizes of the SIMD GEMM (gemm_simd.cpp), in one place so tests can sweep
// every edge: kGemmMR rows of C by kGemmNV vectors (kGemmNR columns) are held in
// registers by the micro-kernel; B is packed kGemmKC rows at a time into a
// kGemmPackFloats stack buffer (12 KiB).
#pragma once

#include <cstdint>

#include "simd/simd.hpp"

// Register budget: MR*NV accumulators + NV B vectors + 1 broadcast of A.
// 32 vector registers (AVX-512, AArch64): 8 x 3 -> 28 live registers;
// 16 registers (SSE2, AVX2, ARMv7 NEON): 6 x 2 -> 15. Overridable for tuning.
#ifndef SFL_GEMM_MR
#  if defined(__AVX512F__) || defined(__aarch64__)
#    define SFL_GEMM_MR 8
#    define SFL_GEMM_NV 3
#  else
#    define SFL_GEMM_MR 6
#    define SFL_GEMM_NV 2
#  endif
#endif

namespace sfl {
namespace kernels {

constexpr int32_t kGemmMR = SFL_GEMM_MR;
constexpr int32_t kGemmNV = SFL_GEMM_NV;
constexpr int32_t kGemmNR = kGemmNV * simd::lanes;
#ifndef SFL_GEMM_PACK_FLOATS
#  define SFL_GEMM_PACK_FLOATS 3072
#endif
constexpr int32_t kGemmPackFloats = SFL_GEMM_PACK_FLOATS;
constexpr int32_t kGemmKC = kGemmPackFloats / kGemmNR;
static_assert(kGemmKC >= 16, "pack buffer too small for the tile");
// Rows of C up to which a full panel of B is read in place rather than packed: a
// packed panel is copied once and read by ceil(M / kGemmMR) row blocks.
constexpr int32_t kGemmPackMinRows = 4 * kGemmMR;

} // namespace kernels
} // namespace sfl
