// sfl_model_forward: the layers in order, each through its kernel on the whole
// batch, ping-ponging between two activation buffers of the
// workspace (the first layer reads X, the last writes Y). Its workspace is
// carved by the same code in counting mode for the size query.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sfl/sfl_model.h"
#include "common/arena.hpp"
#include "kernels/patch/geometry.hpp"

namespace sfl {
namespace model {

// What the forward pass needs per sample, from the shapes and solvers only.
struct ForwardNeeds {
    int32_t buffers = 0;      // activation buffers: min(2, n_layers - 1)
    uint64_t act_floats = 0;  // floats per sample of the largest output that lands in a buffer
    size_t layer_ws = 0;      // the largest layer workspace (conv2d, csf, sf)
};

// The needs of a checked model.
ForwardNeeds forward_needs(const sfl_model &model, int32_t n);

struct ForwardBuffers {
    float *act[2];
    sfl_workspace layer;
    static ForwardBuffers carve(Arena &arena, const ForwardNeeds &needs, int32_t n);
};

// Workspace bytes for batches of n; SFL_ERR_BAD_DIMS if it would not fit a size_t.
sfl_status forward_bytes(const ForwardNeeds &needs, int32_t n, size_t *bytes);

// Runs the layers (arguments checked, plans present and matching the weights, X
// finite). Returns SFL_OK, SFL_WARN_NOT_CONVERGED or SFL_WARN_ROWS_FAILED (the worst
// over the layers' solves) with Y written, or SFL_ERR_NOT_FINITE with Y untouched
// when the input of a factorization layer is not finite.
sfl_status run_forward(const ForwardBuffers &buf, const sfl_model &model, int32_t n, const float *X, float *Y);

// The patch geometry of a conv2d or csf layer (checked) on a batch of n.
patch::Geometry batch_geometry(const sfl_model_layer &L, int32_t n);

} // namespace model
} // namespace sfl
