#include "kernels/model/model_forward.hpp"

#include "common/check.hpp"
#include "common/outcome.hpp"
#include "kernels/enet/params.hpp"
#include "kernels/layers/forward.hpp"
#include "kernels/model/model_check.hpp"
#include "kernels/nn/conv2d.hpp"
#include "kernels/nn/l2norm.hpp"
#include "kernels/nn/linear.hpp"
#include "kernels/nn/maxpool.hpp"
#include "kernels/nn/relu.hpp"

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
            // patches); n is checked by the caller, so the geometry is valid.
            info.workspace_bytes = nn::conv2d_forward_bytes(batch_geometry(ly, n));
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

// One layer on the whole batch through its kernel (the model is checked, so every
// shape and parameter is valid). Returns the layer's call-level status.
sfl_status run_layer(const sfl_workspace &ws, const sfl_model_layer &L, int32_t n, const float *X, float *Y) {
    const int64_t in_floats = sample_floats(L.in);
    Arena arena(ws.buf, ws.size);
    Outcome out;
    switch (L.kind) {
    case SFL_MODEL_CONV2D: {
        const patch::Geometry g = batch_geometry(L, n);
        nn::conv2d_forward(g, nn::conv2d_forward_carve(arena, g), 0, n, X, L.out.c, L.weight, L.bias, Y);
        break;
    }
    case SFL_MODEL_CSF: {
        const patch::Geometry g = batch_geometry(L, n);
        const enet::SolverConfig cfg = enet::make_solver_config(L.enet, L.out.c);
        const layers::ForwardBuffers fb = layers::ForwardBuffers::carve(arena, cfg, g.m, L.out.c, true);
        layers::csf_forward(fb, cfg, g, L.plan, L.weight, 0, n, X, Y, nullptr,
                            nullptr, nullptr, &out);
        break;
    }
    case SFL_MODEL_MAXPOOL2D: {
        const sfl_dims4 in = {n, L.in.h, L.in.w, L.in.c};
        nn::PoolGeometry g;
        nn::make_pool_geometry(&L.geom, &in, &g);
        nn::maxpool_forward(g, 0, n, X, Y, nullptr);
        break;
    }
    case SFL_MODEL_RELU: nn::relu_forward_f32(static_cast<size_t>(in_floats) * static_cast<size_t>(n), X, Y); break;
    case SFL_MODEL_LINEAR:
        nn::linear_forward(static_cast<int32_t>(in_floats), L.out.c, 0, n, X, L.weight, L.bias, Y);
        break;
    case SFL_MODEL_L2NORM: nn::l2norm_forward(static_cast<int32_t>(in_floats), 0, n, L.norm.scale, L.norm.eps, X, Y); break;
    case SFL_MODEL_SF: {
        const int32_t m = static_cast<int32_t>(in_floats);
        const enet::SolverConfig cfg = enet::make_solver_config(L.enet, L.out.c);
        const layers::ForwardBuffers fb = layers::ForwardBuffers::carve(arena, cfg, m, L.out.c, false);
        layers::sf_forward(fb, cfg, L.plan, L.weight, 0, n, X, Y, nullptr,
                           nullptr, nullptr, &out);
        break;
    }
    default: break; // not reached: the model is checked
    }
    return out.status();
}

} // namespace

sfl_status run_forward(const ForwardBuffers &buf, const sfl_model &model, int32_t n, const float *X, float *Y) {
    Outcome out;
    const float *src = X;
    for (int32_t i = 0; i < model.n_layers; ++i) {
        const sfl_model_layer &L = model.layers[i];
        // A factorization layer's input must be finite (the model's input is checked by the
        // caller; a layer below can still overflow): stop before Y is written.
        if (i > 0 && is_factor_kind(L.kind) &&
            !all_finite(src, static_cast<size_t>(sample_floats(L.in)) * static_cast<size_t>(n)))
            return SFL_ERR_NOT_FINITE;
        float *dst = i == model.n_layers - 1 ? Y : buf.act[i % 2];
        out.add(run_layer(buf.layer, L, n, src, dst));
        src = dst;
    }
    return out.status();
}

patch::Geometry batch_geometry(const sfl_model_layer &L, int32_t n) {
    const sfl_dims4 in = {n, L.in.h, L.in.w, L.in.c};
    patch::Geometry g;
    patch::make_geometry(&L.geom, &in, &g); // checked layer, n in range: cannot fail
    return g;
}

} // namespace model
} // namespace sfl
