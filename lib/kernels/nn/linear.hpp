// Fully connected layer Y = X W + b on a row range (sfl_nn.h), as GEMMs.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/arena.hpp"

namespace sfl {
namespace nn {

struct LinearBackwardBuffers {
    float *WT; // out x in: W transposed (once per call; the GEMM never transposes B)
    static LinearBackwardBuffers carve(Arena &arena, int32_t in, int32_t out);
};

// Bytes of the backward buffers (== SFL_LINEAR_BACKWARD_WORKSPACE_BYTES(in, out)).
size_t linear_backward_bytes(int32_t in, int32_t out);

// Rows [r0, r1) of Y (n x out) = X W + b; b may be null.
void linear_forward(int32_t in, int32_t out, int32_t r0, int32_t r1, const float *X, const float *W, const float *b,
                    float *Y);

// Rows [r0, r1): dW += X^T dY, db += column sums of dY (db may be null),
// dX = dY W^T when dX is not null.
void linear_backward(const LinearBackwardBuffers &buf, int32_t in, int32_t out, int32_t r0, int32_t r1,
                     const float *X, const float *W, const float *dY, float *dX, float *dW, float *db);

} // namespace nn
} // namespace sfl
