// ReLU forward and backward on float vectors, scalar *_ref twins and SIMD
// versions (used when SFL_HAS_SIMD). Elementwise, so in place is allowed.
#pragma once

#include <cstddef>

namespace sfl {
namespace nn {

// y = x < 0 ? 0 : x (a NaN stays NaN); y may equal x.
void relu_forward_f32_ref(size_t n, const float *x, float *y);
void relu_forward_f32(size_t n, const float *x, float *y);

// dx = y > 0 ? dy : 0; dx may equal dy.
void relu_backward_f32_ref(size_t n, const float *y, const float *dy, float *dx);
void relu_backward_f32(size_t n, const float *y, const float *dy, float *dx);

} // namespace nn
} // namespace sfl
