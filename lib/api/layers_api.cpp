// extern "C" entry points of sfl_layers.h: argument checks (all before any
// output is written), arena set-up, then the block kernels of
// lib/kernels/layers over the sample range. Nothing here allocates or throws.
#include <cmath>

#include "sfl/sfl_layers.h"
#include "common/arena.hpp"
#include "common/api_checks.hpp"
#include "common/check.hpp"
#include "common/outcome.hpp"
#include "api/enet_checks.hpp"
#include "kernels/layers/backward.hpp"
#include "kernels/layers/dict.hpp"
#include "kernels/layers/forward.hpp"
#include "kernels/layers/support.hpp"
#include "kernels/patch/geometry.hpp"

using namespace sfl;
using namespace sfl::layers;
using sfl::enet::make_solver_config;
using sfl::enet::SolverConfig;

namespace {

sfl_status check_cache(const sfl_layer_cache *cache, size_t need) {
    if (!cache) return SFL_ERR_NULL_ARG;
    return check_memory(cache->buf, cache->size, need);
}

sfl_status check_plan(const sfl_enet_plan *plan) {
    if (!plan) return SFL_ERR_NULL_ARG;
    return enet::plan_valid(plan) ? SFL_OK : SFL_ERR_BAD_PLAN;
}

sfl_status check_mix(const sfl_loss_mix *mix) {
    if (!mix) return SFL_ERR_NULL_ARG;
    if (!(mix->mu >= 0.0f && mix->mu <= 1.0f)) return SFL_ERR_BAD_PARAM;
    if (!finite_nonneg(mix->sup_weight) || !finite_nonneg(mix->input_sup_weight) ||
        !finite_nonneg(mix->input_lu_weight))
        return SFL_ERR_BAD_PARAM;
    return SFL_OK;
}

// Geometry of a CSF call whose patch length must be the plan's m.
sfl_status csf_geometry(const sfl_patch_params *patch, const sfl_enet_plan *plan, const sfl_dims4 *in,
                        patch::Geometry *g) {
    SFL_RETURN_IF_ERROR(patch::make_geometry(patch, in, g));
    return g->m == plan->m ? SFL_OK : SFL_ERR_BAD_DIMS;
}

// Everything backward reads must be finite and A must match the cache, over
// rows [r0, r1) (rows_per_sample rows each for CSF).
sfl_status check_backward_rows(const sfl_loss_mix *mix, bool has_dX, int32_t K, int64_t row_len, int32_t rows_per_sample,
                               sfl_range range, const float *X, const float *A, const uint32_t *cache,
                               const float *dA, const uint8_t *labelled) {
    const int32_t words = support_words(K);
    for (int32_t i = range.begin; i < range.end; ++i) {
        const int64_t r0 = static_cast<int64_t>(i) * rows_per_sample;
        if (!all_finite(X + i * row_len, static_cast<size_t>(row_len))) return SFL_ERR_NOT_FINITE;
        const size_t nk = static_cast<size_t>(rows_per_sample) * static_cast<size_t>(K);
        if (!all_finite(A + r0 * K, nk)) return SFL_ERR_NOT_FINITE;
        if (reads_row(*mix, has_dX, labelled, dA, i) && !all_finite(dA + r0 * K, nk)) return SFL_ERR_NOT_FINITE;
    }
    for (int64_t r = static_cast<int64_t>(range.begin) * rows_per_sample;
         r < static_cast<int64_t>(range.end) * rows_per_sample; ++r)
        if (!support_matches(A + r * K, K, cache + r * words)) return SFL_ERR_BAD_PARAM;
    return SFL_OK;
}

} // namespace

extern "C" {

SFL_API sfl_status sfl_sf_cache_size(const sfl_enet_plan *plan, int32_t n, size_t *bytes) {
    SFL_RETURN_IF_ERROR(check_plan(plan));
    if (!bytes) return SFL_ERR_NULL_ARG;
    if (n < 1) return SFL_ERR_BAD_DIMS;
    *bytes = cache_bytes(n, plan->K);
    return SFL_OK;
}

SFL_API sfl_status sfl_csf_cache_size(const sfl_patch_params *patch, const sfl_enet_plan *plan, const sfl_dims4 *in,
                                      size_t *bytes) {
    SFL_RETURN_IF_ERROR(check_plan(plan));
    if (!bytes) return SFL_ERR_NULL_ARG;
    patch::Geometry g;
    SFL_RETURN_IF_ERROR(csf_geometry(patch, plan, in, &g));
    *bytes = cache_bytes(g.n * g.patches(), plan->K);
    return SFL_OK;
}

SFL_API sfl_status sfl_sf_forward_workspace_size(const sfl_enet_params *params, const sfl_enet_plan *plan,
                                                 size_t *bytes) {
    return plan_size_query(params, plan, bytes, [](const SolverConfig &c, const sfl_enet_plan &p) {
        return forward_bytes(c, p.m, p.K, false);
    });
}

SFL_API sfl_status sfl_csf_forward_workspace_size(const sfl_enet_params *params, const sfl_enet_plan *plan,
                                                  size_t *bytes) {
    return plan_size_query(params, plan, bytes, [](const SolverConfig &c, const sfl_enet_plan &p) {
        return forward_bytes(c, p.m, p.K, true);
    });
}

SFL_API sfl_status sfl_sf_backward_workspace_size(const sfl_enet_plan *plan, size_t *bytes) {
    SFL_RETURN_IF_ERROR(check_plan(plan));
    if (!bytes) return SFL_ERR_NULL_ARG;
    *bytes = backward_bytes(plan->m, plan->K, false);
    return SFL_OK;
}

SFL_API sfl_status sfl_csf_backward_workspace_size(const sfl_enet_plan *plan, size_t *bytes) {
    SFL_RETURN_IF_ERROR(check_plan(plan));
    if (!bytes) return SFL_ERR_NULL_ARG;
    *bytes = backward_bytes(plan->m, plan->K, true);
    return SFL_OK;
}

SFL_API sfl_status sfl_sf_forward(const sfl_workspace *ws, const sfl_enet_params *params, const sfl_enet_plan *plan,
                                  const float *P, int32_t n, sfl_range range, const float *X, float *A,
                                  const sfl_layer_cache *cache, float *lu, sfl_enet_info *info) {
    SFL_RETURN_IF_ERROR(check_params_with_plan(params, plan));
    if (!P || !X || !A) return SFL_ERR_NULL_ARG;
    SFL_RETURN_IF_ERROR(check_range(n, range));
    const int32_t m = plan->m, K = plan->K;
    const SolverConfig cfg = make_solver_config(*params, K);
    SFL_RETURN_IF_ERROR(check_workspace(ws, forward_bytes(cfg, m, K, false)));
    if (cache) SFL_RETURN_IF_ERROR(check_cache(cache, cache_bytes(n, K)));
    for (int32_t i = range.begin; i < range.end; ++i)
        if (!all_finite(X + static_cast<int64_t>(i) * m, static_cast<size_t>(m))) return SFL_ERR_NOT_FINITE;

    Arena arena(ws->buf, ws->size);
    const ForwardBuffers fb = ForwardBuffers::carve(arena, cfg, m, K, false);
    Outcome out;
    sf_forward(fb, cfg, plan, P, range.begin, range.end, X, A,
               cache ? static_cast<uint32_t *>(cache->buf) : nullptr, lu, info, &out);
    return out.status();
}

SFL_API sfl_status sfl_sf_backward(const sfl_workspace *ws, const sfl_loss_mix *mix, const sfl_enet_plan *plan,
                                   const float *P, int32_t n, sfl_range range, const float *X, const float *A,
                                   const sfl_layer_cache *cache, const float *dA, const uint8_t *labelled,
                                   float *dX, float *dP) {
    SFL_RETURN_IF_ERROR(check_mix(mix));
    SFL_RETURN_IF_ERROR(check_plan(plan));
    if (!P || !X || !A || !dP || (!dA && reads_upstream(*mix, dX != nullptr))) return SFL_ERR_NULL_ARG;
    SFL_RETURN_IF_ERROR(check_range(n, range));
    const int32_t m = plan->m, K = plan->K;
    SFL_RETURN_IF_ERROR(check_workspace(ws, backward_bytes(m, K, false)));
    SFL_RETURN_IF_ERROR(check_cache(cache, cache_bytes(n, K)));
    const uint32_t *words = static_cast<const uint32_t *>(cache->buf);
    SFL_RETURN_IF_ERROR(check_backward_rows(mix, dX != nullptr, K, m, 1, range, X, A, words, dA, labelled));

    return sf_backward(*ws, *mix, plan, P, range.begin, range.end, X, A, words, dA, labelled, dX, dP);
}

SFL_API sfl_status sfl_csf_forward(const sfl_workspace *ws, const sfl_enet_params *params,
                                   const sfl_patch_params *patch, const sfl_enet_plan *plan, const float *P,
                                   const sfl_dims4 *in, sfl_range range, const float *X, float *A,
                                   const sfl_layer_cache *cache, float *lu, sfl_enet_info *info) {
    SFL_RETURN_IF_ERROR(check_params_with_plan(params, plan));
    if (!P || !X || !A) return SFL_ERR_NULL_ARG;
    patch::Geometry g;
    SFL_RETURN_IF_ERROR(csf_geometry(patch, plan, in, &g));
    SFL_RETURN_IF_ERROR(check_range(g.n, range));
    const int32_t m = plan->m, K = plan->K;
    const int64_t np = g.patches(), img = g.image_elems();
    const SolverConfig cfg = make_solver_config(*params, K);
    SFL_RETURN_IF_ERROR(check_workspace(ws, forward_bytes(cfg, m, K, true)));
    if (cache) SFL_RETURN_IF_ERROR(check_cache(cache, cache_bytes(g.n * np, K)));
    for (int32_t i = range.begin; i < range.end; ++i)
        if (!all_finite(X + i * img, static_cast<size_t>(img))) return SFL_ERR_NOT_FINITE;

    Arena arena(ws->buf, ws->size);
    const ForwardBuffers fb = ForwardBuffers::carve(arena, cfg, m, K, true);
    Outcome out;
    csf_forward(fb, cfg, g, plan, P, range.begin, range.end, X, A,
                cache ? static_cast<uint32_t *>(cache->buf) : nullptr, lu, info, &out);
    return out.status();
}

SFL_API sfl_status sfl_csf_backward(const sfl_workspace *ws, const sfl_loss_mix *mix,
                                    const sfl_patch_params *patch, const sfl_enet_plan *plan, const float *P,
                                    const sfl_dims4 *in, sfl_range range, const float *X, const float *A,
                                    const sfl_layer_cache *cache, const float *dA, const uint8_t *labelled,
                                    float *dX, float *dP) {
    SFL_RETURN_IF_ERROR(check_mix(mix));
    SFL_RETURN_IF_ERROR(check_plan(plan));
    if (!P || !X || !A || !dP || (!dA && reads_upstream(*mix, dX != nullptr))) return SFL_ERR_NULL_ARG;
    patch::Geometry g;
    SFL_RETURN_IF_ERROR(csf_geometry(patch, plan, in, &g));
    SFL_RETURN_IF_ERROR(check_range(g.n, range));
    const int32_t m = plan->m, K = plan->K;
    const int64_t np = g.patches(), img = g.image_elems();
    SFL_RETURN_IF_ERROR(check_workspace(ws, backward_bytes(m, K, true)));
    SFL_RETURN_IF_ERROR(check_cache(cache, cache_bytes(g.n * np, K)));
    const uint32_t *words = static_cast<const uint32_t *>(cache->buf);
    SFL_RETURN_IF_ERROR(
        check_backward_rows(mix, dX != nullptr, K, img, static_cast<int32_t>(np), range, X, A, words, dA, labelled));

    return csf_backward(*ws, *mix, g, plan, P, range.begin, range.end, X, A, words, dA, labelled, dX, dP);
}

SFL_API sfl_status sfl_dict_project(const sfl_enet_dims *dims, float *P) {
    if (!dims || !P) return SFL_ERR_NULL_ARG;
    if (dims->m < 1 || dims->K < 1 || dims->m > SFL_ENET_MAX_DIM || dims->K > SFL_ENET_MAX_DIM)
        return SFL_ERR_BAD_DIMS;
    if (!all_finite(P, static_cast<size_t>(dims->m) * static_cast<size_t>(dims->K))) return SFL_ERR_NOT_FINITE;
    project_columns(dims->m, dims->K, P);
    return SFL_OK;
}

} // extern "C"
