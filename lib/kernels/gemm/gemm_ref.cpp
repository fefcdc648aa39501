#include "kernels/gemm/gemm.hpp"

namespace sfl {
namespace kernels {

void gemm_f32_ref(int32_t M, int32_t N, int32_t Kd, const float *A, int32_t lda, bool trans_a, const float *B,
                  int32_t ldb, float *C, int32_t ldc, bool accumulate) {
    for (int32_t i = 0; i < M; ++i) {
        float *c = C + (int64_t)i * ldc;
        if (!accumulate)
            for (int32_t j = 0; j < N; ++j) c[j] = 0.0f;
        for (int32_t p = 0; p < Kd; ++p) {
            const float a = trans_a ? A[(int64_t)p * lda + i] : A[(int64_t)i * lda + p];
            const float *b = B + (int64_t)p * ldb;
            for (int32_t j = 0; j < N; ++j) c[j] += a * b[j];
        }
    }
}

} // namespace kernels
} // namespace sfl
