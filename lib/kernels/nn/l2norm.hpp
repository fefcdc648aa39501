// Per-sample L2 normalisation (sfl_nn.h): for each row x of length m,
//     r = max(||x||_2, eps),   y = (scale / r) x,
// and its backward
//     ||x|| >= eps:  dx = (scale / r) (dy - u (u . dy)),  u = x / ||x||;
//     ||x|| <  eps:  dx = (scale / eps) dy   (the clamp makes y linear in x).
// Sums of squares and dot products are accumulated in double: a float squared is
// below 1.2e77 and at least 2e-90, so up to SFL_NN_MAX_DIM of them neither
// overflow nor underflow, for every finite float (1e30 and 1e-30 rows alike).
// Scalar code: the layer is O(m) per row next to the O(m k) layers around it.
#pragma once

#include <cmath>
#include <cstdint>

namespace sfl {
namespace nn {

// The parameter rule of sfl_l2norm_forward/backward and of a model's l2norm layer.
inline bool l2norm_params_ok(float scale, float eps) {
    return std::isfinite(scale) && scale > 0.0f && std::isfinite(eps) && eps > 0.0f;
}

// Rows [r0, r1) of X (n x m, row-major): Y = (scale / max(||x||, eps)) x per row.
// A zero row gives a zero row. Y may equal X (each row is read in full before
// it is written).
void l2norm_forward(int32_t m, int32_t r0, int32_t r1, float scale, float eps, const float *X, float *Y);

// Rows [r0, r1): dX = the gradient above. dX may equal dY or X (each row's sums
// are taken before it is written).
void l2norm_backward(int32_t m, int32_t r0, int32_t r1, float scale, float eps, const float *X, const float *dY,
                     float *dX);

} // namespace nn
} // namespace sfl
