#include "kernels/model/model_forward.hpp"

#include "sfl/sfl_layers.h"
#include "sfl/sfl_nn.h"
#include "kernels/model/model_check.hpp"

namespace sfl {
namespace model {

ForwardNeeds forward_needs(const sfl_model &model, int32_t n) {
    ForwardNeeds r;
    const int32_t L = model.n_layers;
    r.buffers = L - 1 < 2 ? L - 1 : 2;
    for (int32_t i = 0; i < L; ++i) {
        LayerInfo info;
        const sfl_model_layer &ly = model.layers[i];
        check_layer(ly, &info); // checked by the caller: cannot fail
        if (ly.kind == SFL_MODEL_CONV2D) {
            // The convolution's im2col tile grows with the batch (up to SFL_CONV2D_BLOCK
            // patches); n is checked by the caller, so this cannot fail either.
            const sfl_dims4 batch = {n, ly.in.h, ly.in.w, ly.in.c};
            sfl_conv2d_forward_workspace_size(&ly.geom, &batch, ly.out.c, &info.workspace_bytes);
        }
        if (info.workspace_bytes > r.layer_ws) r.layer_ws = info.workspace_bytes;
        const uint64_t f = static_cast<uint64_t>(sample_floats(model.layers[i].out));
        if (i < L - 1 && f > r.act_floats) r.act_floats = f;
    }
    return r;
}

ForwardBuffers ForwardBuffers::carve(Arena &arena, const ForwardNeeds &needs, int32_t n) {
    ForwardBuffers b;
    const size_t floats = static_cast<size_t>(needs.act_floats) * static_cast<size_t>(n);
    for (int32_t k = 0; k < 2; ++k) b.act[k] = k < needs.buffers ? arena.take<float>(floats) : nullptr;
    b.layer.buf = arena.take<unsigned char>(needs.layer_ws);
    b.layer.size = needs.layer_ws;
    return b;
}

sfl_status forward_bytes(const ForwardNeeds &needs, int32_t n, size_t *bytes) {
    // Bound first in 64 bits (a 32-bit size_t can overflow), then the arena's exact sum.
    const uint64_t act = 4 * needs.act_floats * static_cast<uint64_t>(n);
    if (act > SIZE_MAX / 4 || needs.layer_ws > SIZE_MAX / 4) return SFL_ERR_BAD_DIMS;
    Arena count;
    ForwardBuffers::carve(count, needs, n);
    *bytes = count.used();
    return SFL_OK;
}

namespace {

sfl_status run_layer(const sfl_workspace *ws, const sfl_model_layer &L, int32_t n, const float *X, float *Y) {
    const sfl_range all = {0, n};
    const sfl_dims4 in = {n, L.in.h, L.in.w, L.in.c};
    const int64_t in_floats = sample_floats(L.in);
    switch (L.kind) {
    case SFL_MODEL_CONV2D: return sfl_conv2d_forward(ws, &L.geom, &in, all, X, L.out.c, L.weight, L.bias, Y);
    case SFL_MODEL_CSF:
        return sfl_csf_forward(ws, &L.enet, &L.geom, L.plan, L.weight, &in, all, X, Y, nullptr, nullptr, nullptr);
    case SFL_MODEL_MAXPOOL2D: return sfl_maxpool2d_forward(&L.geom, &in, all, X, Y, nullptr);
    case SFL_MODEL_RELU: return sfl_relu_forward(static_cast<size_t>(in_floats) * static_cast<size_t>(n), X, Y);
    case SFL_MODEL_LINEAR: {
        const sfl_linear_dims dims = {static_cast<int32_t>(in_floats), L.out.c};
        return sfl_linear_forward(&dims, n, all, X, L.weight, L.bias, Y);
    }
    case SFL_MODEL_SF:
        return sfl_sf_forward(ws, &L.enet, L.plan, L.weight, n, all, X, Y, nullptr, nullptr, nullptr);
    default: return SFL_ERR_BAD_PARAM; // not reached: the model is checked
    }
}

} // namespace

sfl_status run_forward(const ForwardBuffers &buf, const sfl_model &model, int32_t n, const float *X, float *Y) {
    sfl_status kept = SFL_OK;
    const float *src = X;
    for (int32_t i = 0; i < model.n_layers; ++i) {
        float *dst = i == model.n_layers - 1 ? Y : buf.act[i % 2];
        const sfl_status st = run_layer(&buf.layer, model.layers[i], n, src, dst);
        if (st == SFL_WARN_NOT_CONVERGED || st == SFL_ERR_SINGULAR) {
            if (kept == SFL_OK) kept = st; // the layer wrote its output: go on
        } else if (st != SFL_OK) {
            return st; // checked before writing: Y untouched (the last layer writes it)
        }
        src = dst;
    }
    return kept;
}

} // namespace model
} // namespace sfl
