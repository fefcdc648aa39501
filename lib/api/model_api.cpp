// extern "C" entry points of sfl_model.h: argument checks (all before any
// output is written), then the model kernels of lib/kernels/model. Nothing
// here allocates or throws. sfl_crc32 is in lib/common/crc32.cpp.
#include <cstring>

#include "sfl/sfl_model.h"
#include "common/api_checks.hpp"
#include "common/arena.hpp"
#include "common/check.hpp"
#include "kernels/enet/plan.hpp"
#include "kernels/model/blob_format.hpp"
#include "kernels/model/blob_layout.hpp"
#include "kernels/model/blob_read.hpp"
#include "kernels/model/blob_write.hpp"
#include "kernels/model/model_check.hpp"
#include "kernels/model/model_forward.hpp"

using namespace sfl;
using namespace sfl::model;

namespace {

// Batches the forward pass takes: the layer calls' batch limit.
constexpr int32_t kMaxBatch = SFL_PATCH_MAX_DIM;

sfl_status blob_layout(const sfl_model *model, int32_t with_plans, BlobLayout *layout) {
    SFL_RETURN_IF_ERROR(check_model(model));
    return make_layout(*model, with_plans != 0, layout);
}

// Bytes of the plans a checked model lacks (its factorization layers with plan NULL).
size_t missing_plans_bytes(const sfl_model &model) {
    size_t sum = 0;
    for (int32_t i = 0; i < model.n_layers; ++i) {
        const sfl_model_layer &L = model.layers[i];
        if (is_factor_kind(L.kind) && !L.plan) sum += static_cast<size_t>(plan_image(L.out.c).bytes);
    }
    return sum;
}

} // namespace

extern "C" {

SFL_API sfl_status sfl_model_check(const sfl_model *model) {
    SFL_RETURN_IF_ERROR(check_model(model));
    // Each csf/sf weight against its plan (O(m K) each: here, not per forward call).
    for (int32_t i = 0; i < model->n_layers; ++i) {
        const sfl_model_layer &L = model->layers[i];
        if (is_factor_kind(L.kind) && L.plan) SFL_RETURN_IF_ERROR(enet::check_dictionary(L.plan, L.weight));
    }
    return SFL_OK;
}

/* ---- blob ---- */

SFL_API sfl_status sfl_model_blob_size(const sfl_model *model, int32_t with_plans, size_t *bytes) {
    BlobLayout layout;
    SFL_RETURN_IF_ERROR(blob_layout(model, with_plans, &layout));
    if (!bytes) return SFL_ERR_NULL_ARG;
    *bytes = static_cast<size_t>(layout.total);
    return SFL_OK;
}

SFL_API sfl_status sfl_model_write(const sfl_model *model, int32_t with_plans, void *buf, size_t size,
                                   size_t *written) {
    BlobLayout layout;
    SFL_RETURN_IF_ERROR(blob_layout(model, with_plans, &layout));
    if (!buf) return SFL_ERR_NULL_ARG;
    if (size < layout.total) return SFL_ERR_WORKSPACE_TOO_SMALL;
    SFL_RETURN_IF_ERROR(check_values(*model, layout));
    write_blob(*model, layout, static_cast<unsigned char *>(buf));
    if (written) *written = static_cast<size_t>(layout.total);
    return SFL_OK;
}

SFL_API sfl_status sfl_model_load(const void *blob, size_t size, sfl_model *model) {
    if (!blob || !model) return SFL_ERR_NULL_ARG;
    if (!is_aligned(blob)) return SFL_ERR_MISALIGNED;
    // The model's views read the blob's little-endian floats and plans in place.
    if (!host_little_endian()) return SFL_ERR_UNSUPPORTED;
    return load_blob(static_cast<const unsigned char *>(blob), size, model);
}

/* ---- plans ---- */

SFL_API sfl_status sfl_model_plans_size(const sfl_model *model, size_t *bytes) {
    SFL_RETURN_IF_ERROR(check_model(model));
    if (!bytes) return SFL_ERR_NULL_ARG;
    *bytes = missing_plans_bytes(*model);
    return SFL_OK;
}

SFL_API sfl_status sfl_model_build_plans(sfl_model *model, void *mem, size_t size) {
    SFL_RETURN_IF_ERROR(check_model(model));
    SFL_RETURN_IF_ERROR(check_memory(mem, size, missing_plans_bytes(*model)));
    // Build every missing plan first; point the layers at them only when all succeeded.
    const sfl_enet_plan *built[SFL_MODEL_MAX_LAYERS] = {};
    unsigned char *at = static_cast<unsigned char *>(mem);
    for (int32_t i = 0; i < model->n_layers; ++i) {
        const sfl_model_layer &L = model->layers[i];
        if (!is_factor_kind(L.kind) || L.plan) continue;
        LayerInfo info;
        SFL_RETURN_IF_ERROR(check_layer(L, &info));
        const size_t bytes = static_cast<size_t>(plan_image(info.K).bytes);
        if (!all_finite(L.weight, static_cast<size_t>(info.m) * static_cast<size_t>(info.K))) return SFL_ERR_NOT_FINITE;
        sfl_enet_plan *plan = nullptr;
        SFL_RETURN_IF_ERROR(enet::build_plan(at, bytes, L.enet.l2, info.m, info.K, L.weight, &plan));
        built[i] = plan;
        at += bytes;
    }
    for (int32_t i = 0; i < model->n_layers; ++i)
        if (built[i]) model->layers[i].plan = built[i];
    return SFL_OK;
}

/* ---- forward ---- */

SFL_API sfl_status sfl_model_forward_workspace_size(const sfl_model *model, int32_t n, size_t *bytes) {
    SFL_RETURN_IF_ERROR(check_model(model));
    if (n < 1 || n > kMaxBatch) return SFL_ERR_BAD_DIMS;
    if (!bytes) return SFL_ERR_NULL_ARG;
    return forward_bytes(forward_needs(*model, n), n, bytes);
}

SFL_API sfl_status sfl_model_forward(const sfl_workspace *ws, const sfl_model *model, int32_t n, const float *X,
                                     float *Y) {
    SFL_RETURN_IF_ERROR(check_model(model));
    if (n < 1 || n > kMaxBatch) return SFL_ERR_BAD_DIMS;
    if (!X || !Y) return SFL_ERR_NULL_ARG;
    for (int32_t i = 0; i < model->n_layers; ++i) {
        const sfl_model_layer &L = model->layers[i];
        if (!is_factor_kind(L.kind)) continue;
        if (!L.plan) return SFL_ERR_NULL_ARG; // (P against its plan: sfl_model_check, once)
    }
    const ForwardNeeds needs = forward_needs(*model, n);
    size_t need = 0;
    SFL_RETURN_IF_ERROR(forward_bytes(needs, n, &need));
    SFL_RETURN_IF_ERROR(check_workspace(ws, need));
    if (!all_finite(X, static_cast<size_t>(sample_floats(model->in)) * static_cast<size_t>(n)))
        return SFL_ERR_NOT_FINITE;
    Arena arena(ws->buf, ws->size);
    const ForwardBuffers buf = ForwardBuffers::carve(arena, needs, n);
    return run_forward(buf, *model, n, X, Y);
}

} // extern "C"
