// Max pooling of HWC images (sfl_nn.h): per channel, over kh x kw windows
// with stride (sh, sw), no padding; windows that do not fit are dropped.
// The argmax of every output is kept as its offset inside its image
// (y*w*c + x*c + ch), an int32 - so an image may hold at most INT32_MAX floats.
#pragma once

#include <cstdint>

#include "sfl/sfl_nn.h"

namespace sfl {
namespace nn {

struct PoolGeometry {
    int32_t n, h, w, c; // input batch
    int32_t kh, kw;     // window
    int32_t sh, sw;     // stride
    int32_t oh, ow;     // outputs per image
    int64_t image_elems() const { return int64_t(h) * w * c; }
    int64_t out_elems() const { return int64_t(oh) * ow * c; }
};

// Validates pool and in (statuses as sfl_maxpool2d_out_dims) and fills g.
sfl_status make_pool_geometry(const sfl_patch_params *pool, const sfl_dims4 *in, PoolGeometry *g);

// Y (and index, may be null) of images [i0, i1). Ties go to the first maximum
// in row-major window order; a NaN is taken as the maximum (the first one).
void maxpool_forward(const PoolGeometry &g, int32_t i0, int32_t i1, const float *X, float *Y, int32_t *index);

// True iff every index of images [i0, i1) points inside its own output's
// window, at its own channel (as forward writes them).
bool maxpool_index_valid(const PoolGeometry &g, int32_t i0, int32_t i1, const int32_t *index);

// dX of images [i0, i1) = 0, then dX[index] += dY for every output. The
// indices must be valid (maxpool_index_valid).
void maxpool_backward(const PoolGeometry &g, int32_t i0, int32_t i1, const int32_t *index, const float *dY, float *dX);

} // namespace nn
} // namespace sfl
