// Level-1 kernels on float vectors: dot, axpy, soft-threshold. Each has a
// scalar *_ref (the fallback, the tail helper and the test oracle) and a SIMD
// version used when SFL_HAS_SIMD. No reads or writes past n.
#pragma once

#include <cstdint>

namespace sfl {
namespace kernels {

float dot_f32_ref(int32_t n, const float *x, const float *y);
float dot_f32(int32_t n, const float *x, const float *y);

// y += alpha * x
void axpy_f32_ref(int32_t n, float alpha, const float *x, float *y);
void axpy_f32(int32_t n, float alpha, const float *x, float *y);

// y = sign(x) * max(|x| - t, 0), t >= 0; y may alias x.
void soft_threshold_f32_ref(int32_t n, const float *x, float t, float *y);
void soft_threshold_f32(int32_t n, const float *x, float t, float *y);

} // namespace kernels
} // namespace sfl
