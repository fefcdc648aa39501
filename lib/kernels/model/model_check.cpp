#include "kernels/model/model_check.hpp"

#include "common/arena.hpp"
#include "common/check.hpp"
#include "kernels/enet/params.hpp"
#include "kernels/enet/plan.hpp"
#include "kernels/layers/forward.hpp"
#include "kernels/nn/conv2d.hpp"
#include "kernels/nn/l2norm.hpp"
#include "kernels/nn/maxpool.hpp"
#include "kernels/nn/rows.hpp"
#include "kernels/patch/geometry.hpp"

namespace sfl {
namespace model {

namespace {

bool dim_ok(int32_t v) { return v >= 1 && v <= SFL_PATCH_MAX_DIM; }

// One sample (n = 1) whose every extent is in range and whose float count fits
// an int32 (the maxpool index and the per-sample offsets of the layer calls).
sfl_status check_sample_dims(const sfl_dims4 &d) {
    if (d.n != 1 || !dim_ok(d.h) || !dim_ok(d.w) || !dim_ok(d.c)) return SFL_ERR_BAD_DIMS;
    return sample_floats(d) <= INT32_MAX ? SFL_OK : SFL_ERR_BAD_DIMS;
}

bool same_dims(const sfl_dims4 &a, const sfl_dims4 &b) { return a.n == b.n && a.h == b.h && a.w == b.w && a.c == b.c; }

bool geom_zero(const sfl_patch_params &g) {
    return g.kernel.h == 0 && g.kernel.w == 0 && g.stride.h == 0 && g.stride.w == 0 && g.padding.h == 0 &&
           g.padding.w == 0;
}

bool enet_zero(const sfl_enet_params &p) {
    return p.l1 == 0.0f && p.l2 == 0.0f && p.tol == 0.0f && p.max_iter == 0 && enet::solver_id(p) == 0 &&
           p.lanes == 0 && p.positive == 0;
}

// conv2d and csf: the patch geometry of `in` (sfl_patch.h rules), the output extent oh x ow.
sfl_status patch_shape(const sfl_model_layer &L, patch::Geometry *g) {
    SFL_RETURN_IF_ERROR(patch::make_geometry(&L.geom, &L.in, g));
    return L.out.h == g->oh && L.out.w == g->ow ? SFL_OK : SFL_ERR_BAD_DIMS;
}

sfl_status check_conv2d(const sfl_model_layer &L, LayerInfo *info) {
    patch::Geometry g;
    SFL_RETURN_IF_ERROR(patch_shape(L, &g));
    if (!nn::dim_ok(L.out.c)) return SFL_ERR_BAD_DIMS; // as sfl_conv2d_forward
    const int32_t m = g.m;
    info->workspace_bytes = nn::conv2d_forward_bytes(g);
    info->m = m;
    info->weight_floats = uint64_t(m) * uint64_t(L.out.c);
    info->bias_floats = uint64_t(L.out.c);
    return SFL_OK;
}

sfl_status check_factor(const sfl_model_layer &L, bool csf, LayerInfo *info) {
    int32_t m = 0;
    if (csf) {
        patch::Geometry g;
        SFL_RETURN_IF_ERROR(patch_shape(L, &g));
        m = g.m;
    } else {
        if (!geom_zero(L.geom)) return SFL_ERR_BAD_PARAM;
        if (L.out.h != 1 || L.out.w != 1) return SFL_ERR_BAD_DIMS;
        const int64_t mm = sample_floats(L.in);
        if (mm > SFL_ENET_MAX_DIM) return SFL_ERR_BAD_DIMS;
        m = static_cast<int32_t>(mm);
    }
    const int32_t K = L.out.c;
    if (m > SFL_ENET_MAX_DIM || K > SFL_ENET_MAX_DIM) return SFL_ERR_BAD_DIMS;
    SFL_RETURN_IF_ERROR(enet::check_params(L.enet)); // as the forward call
    info->workspace_bytes = layers::forward_bytes(enet::make_solver_config(L.enet, K), m, K, csf);
    info->m = m;
    info->K = K;
    info->weight_floats = uint64_t(m) * uint64_t(K);
    return SFL_OK;
}

sfl_status check_maxpool(const sfl_model_layer &L) {
    nn::PoolGeometry g;
    SFL_RETURN_IF_ERROR(nn::make_pool_geometry(&L.geom, &L.in, &g));
    const sfl_dims4 out = {g.n, g.oh, g.ow, g.c};
    return same_dims(out, L.out) ? SFL_OK : SFL_ERR_BAD_DIMS;
}

sfl_status check_linear(const sfl_model_layer &L, LayerInfo *info) {
    if (!geom_zero(L.geom)) return SFL_ERR_BAD_PARAM;
    if (L.out.h != 1 || L.out.w != 1) return SFL_ERR_BAD_DIMS;
    const int64_t in = sample_floats(L.in);
    if (in > SFL_NN_MAX_DIM) return SFL_ERR_BAD_DIMS;
    if (!nn::dim_ok(static_cast<int32_t>(in)) || !nn::dim_ok(L.out.c)) return SFL_ERR_BAD_DIMS; // as sfl_linear_forward
    info->weight_floats = uint64_t(in) * uint64_t(L.out.c);
    info->bias_floats = uint64_t(L.out.c);
    return SFL_OK;
}

// l2norm: out = in, m within the layer call's limit, scale and eps as sfl_l2norm_forward.
sfl_status check_l2norm(const sfl_model_layer &L) {
    if (!geom_zero(L.geom)) return SFL_ERR_BAD_PARAM;
    if (!same_dims(L.in, L.out)) return SFL_ERR_BAD_DIMS;
    if (sample_floats(L.in) > SFL_NN_MAX_DIM) return SFL_ERR_BAD_DIMS;
    return nn::l2norm_params_ok(L.norm.scale, L.norm.eps) ? SFL_OK : SFL_ERR_BAD_PARAM;
}

// Shapes and parameters of the kind.
sfl_status check_shapes(const sfl_model_layer &L, LayerInfo *info) {
    if (L.kind < SFL_MODEL_CONV2D || L.kind > SFL_MODEL_L2NORM) return SFL_ERR_BAD_PARAM;
    SFL_RETURN_IF_ERROR(check_sample_dims(L.in));
    SFL_RETURN_IF_ERROR(check_sample_dims(L.out));
    if (!is_factor_kind(L.kind) && !enet_zero(L.enet)) return SFL_ERR_BAD_PARAM;
    if (L.kind != SFL_MODEL_L2NORM && !(L.norm.scale == 0.0f && L.norm.eps == 0.0f)) return SFL_ERR_BAD_PARAM;
    switch (L.kind) {
    case SFL_MODEL_CONV2D: return check_conv2d(L, info);
    case SFL_MODEL_CSF: return check_factor(L, true, info);
    case SFL_MODEL_SF: return check_factor(L, false, info);
    case SFL_MODEL_MAXPOOL2D: return check_maxpool(L);
    case SFL_MODEL_LINEAR: return check_linear(L, info);
    case SFL_MODEL_L2NORM: return check_l2norm(L);
    default: // SFL_MODEL_RELU
        if (!geom_zero(L.geom)) return SFL_ERR_BAD_PARAM;
        return same_dims(L.in, L.out) ? SFL_OK : SFL_ERR_BAD_DIMS;
    }
}

// Weight, bias and plan pointers: there where the kind needs them, NULL where it has none.
sfl_status check_pointers(const sfl_model_layer &L, const LayerInfo &info) {
    if (info.weight_floats > 0 && !L.weight) return SFL_ERR_NULL_ARG;
    if (info.weight_floats == 0 && L.weight) return SFL_ERR_BAD_PARAM;
    if (info.bias_floats == 0 && L.bias) return SFL_ERR_BAD_PARAM;
    if (!is_factor_kind(L.kind) && L.plan) return SFL_ERR_BAD_PARAM;
    if (!L.plan) return SFL_OK;
    if (!is_aligned(L.plan)) return SFL_ERR_MISALIGNED;
    if (!enet::plan_valid(L.plan)) return SFL_ERR_BAD_PLAN;
    if (L.plan->m != info.m || L.plan->K != info.K || L.plan->l2 != L.enet.l2) return SFL_ERR_BAD_PLAN;
    return SFL_OK;
}

} // namespace

sfl_status check_layer(const sfl_model_layer &layer, LayerInfo *info) {
    LayerInfo r;
    SFL_RETURN_IF_ERROR(check_shapes(layer, &r));
    SFL_RETURN_IF_ERROR(check_pointers(layer, r));
    *info = r;
    return SFL_OK;
}

sfl_status check_model(const sfl_model *model) {
    if (!model) return SFL_ERR_NULL_ARG;
    const int32_t n = model->n_layers;
    if (n < 1 || n > SFL_MODEL_MAX_LAYERS) return SFL_ERR_BAD_DIMS;
    SFL_RETURN_IF_ERROR(check_sample_dims(model->in));
    SFL_RETURN_IF_ERROR(check_sample_dims(model->out));
    for (int32_t i = 0; i < n; ++i) {
        LayerInfo info;
        SFL_RETURN_IF_ERROR(check_layer(model->layers[i], &info));
        const sfl_dims4 &prev = i == 0 ? model->in : model->layers[i - 1].out;
        if (!same_dims(prev, model->layers[i].in)) return SFL_ERR_BAD_DIMS;
    }
    return same_dims(model->layers[n - 1].out, model->out) ? SFL_OK : SFL_ERR_BAD_DIMS;
}

} // namespace model
} // namespace sfl
