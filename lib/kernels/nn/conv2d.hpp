// 2-D convolution as im2col + GEMM (sfl_nn.h). The patches of an image range
// are numbered globally (image i, patch p) -> i*oh*ow + p, which is also the
// row of that patch's output in Y (n x oh x ow x cout). Tiles of at most
// SFL_CONV2D_BLOCK consecutive patches may cross image boundaries, so small
// images still give full GEMM tiles.
#pragma once

#include <cstdint>

#include "sfl/sfl_nn.h"
#include "common/arena.hpp"
#include "kernels/patch/geometry.hpp"

namespace sfl {
namespace nn {

struct Conv2dForwardBuffers {
    float *cols;  // rows x m: one im2col tile
    int32_t rows; // patches per tile: min(SFL_CONV2D_BLOCK, patches of the batch)
    static Conv2dForwardBuffers carve(Arena &arena, int32_t m, int32_t rows);
};

// Patches per forward tile for a batch of `patches` patches: a small batch (firmware:
// one image) needs only its own patches, not a whole SFL_CONV2D_BLOCK.
int32_t conv2d_forward_tile_rows(int64_t patches);

// The forward buffers of geometry g (its whole batch) and their bytes
// (== SFL_CONV2D_FORWARD_WORKSPACE_BYTES_FOR(g.m, g.n * g.patches())).
Conv2dForwardBuffers conv2d_forward_carve(Arena &arena, const patch::Geometry &g);
size_t conv2d_forward_bytes(const patch::Geometry &g);

struct Conv2dBackwardBuffers {
    float *cols;  // SFL_CONV2D_BLOCK x m: im2col tile of X
    float *dcols; // SFL_CONV2D_BLOCK x m: its gradient dY_tile W^T
    float *WT;    // cout x m: W transposed (once per call; the GEMM never transposes B)
    static Conv2dBackwardBuffers carve(Arena &arena, int32_t m, int32_t cout);
};

// Bytes of the backward buffers (== SFL_CONV2D_BACKWARD_WORKSPACE_BYTES(m, cout)).
size_t conv2d_backward_bytes(int32_t m, int32_t cout);

// Y (images [i0, i1)) = im2col(X) W + b; b may be null.
void conv2d_forward(const patch::Geometry &g, const Conv2dForwardBuffers &buf, int32_t i0, int32_t i1,
                    const float *X, int32_t cout, const float *W, const float *b, float *Y);

// dW += im2col(X)^T dY, db += column sums of dY (db may be null), and when dX
// is not null: dX (images [i0, i1)) = col2im(dY W^T).
void conv2d_backward(const patch::Geometry &g, const Conv2dBackwardBuffers &buf, int32_t i0, int32_t i1,
                     const float *X, int32_t cout, const float *W, const float *dY, float *dX, float *dW, float *db);

} // namespace nn
} // namespace sfl
