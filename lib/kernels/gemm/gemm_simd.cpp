// Placeholder dispatch until the blocked SIMD GEMM lands: forwards to the reference.
#include "kernels/gemm/gemm.hpp"

namespace sfl {
namespace kernels {

void gemm_f32(int32_t M, int32_t N, int32_t Kd, const float *A, int32_t lda, bool trans_a, const float *B,
              int32_t ldb, float *C, int32_t ldc, bool accumulate) {
    gemm_f32_ref(M, N, Kd, A, lda, trans_a, B, ldb, C, ldc, accumulate);
}

} // namespace kernels
} // namespace sfl
