// Single-precision GEMM, row-major: C (M x N) = op(A) * B (+ C if accumulate),
// op(A) = A (A stored M x Kd, row stride lda) or A^T (A stored Kd x M, row
// stride lda). B stored Kd x N (row stride ldb), C row stride ldc. Uses no
// workspace (register-blocked micro-kernel on unpacked operands).
//   encode:  C = X P      -> gemm_f32(n, K, m, X, m, false, P, K, C, K, false)
//   Gram:    G = P^T P    -> gemm_f32(K, K, m, P, K, true,  P, K, G, K, false)
#pragma once

#include <cstdint>

namespace sfl {
namespace kernels {

void gemm_f32_ref(int32_t M, int32_t N, int32_t Kd, const float *A, int32_t lda, bool trans_a, const float *B,
                  int32_t ldb, float *C, int32_t ldc, bool accumulate);
void gemm_f32(int32_t M, int32_t N, int32_t Kd, const float *A, int32_t lda, bool trans_a, const float *B,
              int32_t ldb, float *C, int32_t ldc, bool accumulate);

} // namespace kernels
} // namespace sfl
