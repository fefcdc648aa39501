// extern "C" entry points of sfl_enet.h: argument checks, arena set-up,
// dispatch to the C++ kernels. Nothing here allocates or throws.
#include <cmath>
#include <cstring>

#include "sfl/sfl_enet.h"
#include "common/arena.hpp"
#include "common/api_checks.hpp"
#include "common/check.hpp"
#include "api/enet_checks.hpp"
#include "common/outcome.hpp"
#include "kernels/enet/dispatch.hpp"
#include "kernels/enet/encode.hpp"
#include "kernels/enet/params.hpp"
#include "kernels/enet/plan.hpp"
#include "kernels/enet/problem.hpp"

using namespace sfl;
using namespace sfl::enet;

namespace {

sfl_status check_dims(const sfl_enet_dims *dims) {
    if (!dims) return SFL_ERR_NULL_ARG;
    if (dims->m < 1 || dims->K < 1 || dims->m > SFL_ENET_MAX_DIM || dims->K > SFL_ENET_MAX_DIM)
        return SFL_ERR_BAD_DIMS;
    return SFL_OK;
}

size_t solve_bytes(sfl_enet_solver solver, int32_t K) {
    Arena count;
    SolverBuffers::carve(count, solver, K);
    return count.used();
}

size_t encode_bytes(const SolverConfig &cfg, int32_t K) {
    Arena count;
    BlockBuffers::carve(count, cfg, K);
    return count.used();
}

sfl_status solve_common(const sfl_workspace *ws, const sfl_enet_params *params, const sfl_enet_plan *plan,
                        const float *c, double x_sqnorm, float *a, int32_t *support, float *chol,
                        sfl_enet_info *info, bool force_lars) {
    SFL_RETURN_IF_ERROR(check_params_with_plan(params, plan));
    if (!c || !a) return SFL_ERR_NULL_ARG;
    const int32_t K = plan->K;
    const SolverConfig cfg = make_solver_config(*params, K, force_lars ? SFL_ENET_LARS : params->solver);
    SFL_RETURN_IF_ERROR(check_workspace(ws, solve_bytes(cfg.solver, K)));
    if (!std::isfinite(x_sqnorm) || x_sqnorm < 0.0) return SFL_ERR_NOT_FINITE;
    if (!all_finite(c, static_cast<size_t>(K))) return SFL_ERR_NOT_FINITE;
    Arena arena(ws->buf, ws->size);
    const SolverBuffers sb = SolverBuffers::carve(arena, cfg.solver, K);
    Outcome out;
    out.add(solve_row(sb, cfg, plan, c, x_sqnorm, a, info, support, chol));
    return out.status();
}

// What every plan build checks of its memory (and of params->l2 when given), in the
// order the status list of sfl_enet_plan_init() gives.
sfl_status check_plan_build(const void *mem, size_t size, const sfl_enet_params *params, const sfl_enet_dims *dims) {
    SFL_RETURN_IF_ERROR(check_dims(dims));
    if (params && !finite_nonneg(params->l2)) return SFL_ERR_BAD_PARAM;
    if (size < plan_bytes(dims->K)) return SFL_ERR_WORKSPACE_TOO_SMALL;
    if (!is_aligned(mem)) return SFL_ERR_MISALIGNED;
    return SFL_OK;
}

} // namespace

extern "C" {

SFL_API sfl_enet_params sfl_enet_default_params(void) {
    const sfl_enet_params p = SFL_ENET_PARAMS_INIT;
    return p;
}

SFL_API sfl_status sfl_enet_plan_size(const sfl_enet_dims *dims, size_t *bytes) {
    SFL_RETURN_IF_ERROR(check_dims(dims));
    if (!bytes) return SFL_ERR_NULL_ARG;
    *bytes = plan_bytes(dims->K);
    return SFL_OK;
}

SFL_API sfl_status sfl_enet_plan_init(void *mem, size_t size, const sfl_enet_params *params,
                                      const sfl_enet_dims *dims, const float *P, sfl_enet_plan **out) {
    if (out) *out = nullptr;
    if (!mem || !params || !P || !out) return SFL_ERR_NULL_ARG;
    SFL_RETURN_IF_ERROR(check_plan_build(mem, size, params, dims));
    if (!all_finite(P, static_cast<size_t>(dims->m) * static_cast<size_t>(dims->K))) return SFL_ERR_NOT_FINITE;
    return build_plan(mem, size, params->l2, dims->m, dims->K, P, out);
}

SFL_API sfl_status sfl_enet_plan_init_rows(void *mem, size_t size, const sfl_enet_dims *dims, const float *P,
                                           int32_t row_begin, int32_t row_end) {
    if (!mem || !P) return SFL_ERR_NULL_ARG;
    SFL_RETURN_IF_ERROR(check_dims(dims));
    const int32_t m = dims->m, K = dims->K;
    // Ranges start on a row block and end on one or at K (docs: sfl_enet.h).
    const bool on_block = row_begin % kGramRowBlock == 0 && (row_end == K || row_end % kGramRowBlock == 0);
    if (!(0 <= row_begin && row_begin < row_end && row_end <= K && on_block)) return SFL_ERR_BAD_DIMS;
    SFL_RETURN_IF_ERROR(check_plan_build(mem, size, nullptr, dims));
    if (!all_finite(P, static_cast<size_t>(m) * static_cast<size_t>(K))) return SFL_ERR_NOT_FINITE;
    Arena arena(mem, size);
    const PlanRegions reg = PlanRegions::carve(arena, K);
    if (row_begin == 0) std::memset(reg.header, 0, kPlanHeaderBytes); // exactly one call clears it
    gram_rows(m, K, P, row_begin, row_end, reg.G);
    return SFL_OK;
}

SFL_API sfl_status sfl_enet_plan_init_finish(void *mem, size_t size, const sfl_enet_params *params,
                                             const sfl_enet_dims *dims, sfl_enet_plan **out) {
    if (out) *out = nullptr;
    if (!mem || !params || !out) return SFL_ERR_NULL_ARG;
    SFL_RETURN_IF_ERROR(check_plan_build(mem, size, params, dims));
    return finish_plan(mem, size, params->l2, dims->m, dims->K, out);
}

SFL_API sfl_status sfl_enet_plan_dims(const sfl_enet_plan *plan, sfl_enet_dims *dims) {
    if (!plan || !dims) return SFL_ERR_NULL_ARG;
    if (!plan_valid(plan)) return SFL_ERR_BAD_PLAN;
    dims->m = plan->m;
    dims->K = plan->K;
    return SFL_OK;
}

SFL_API sfl_status sfl_enet_plan_check_dictionary(const sfl_enet_plan *plan, const float *P) {
    if (!plan || !P) return SFL_ERR_NULL_ARG;
    if (!plan_valid(plan)) return SFL_ERR_BAD_PLAN;
    return check_dictionary(plan, P);
}

SFL_API const float *sfl_enet_plan_gram(const sfl_enet_plan *plan) {
    return plan_valid(plan) ? plan_gram(plan) : nullptr;
}

SFL_API sfl_status sfl_enet_solve_workspace_size(const sfl_enet_params *params, const sfl_enet_plan *plan,
                                                 size_t *bytes) {
    return plan_size_query(params, plan, bytes,
                           [](const SolverConfig &c, const sfl_enet_plan &p) { return solve_bytes(c.solver, p.K); });
}

SFL_API sfl_status sfl_enet_solve(const sfl_workspace *ws, const sfl_enet_params *params,
                                  const sfl_enet_plan *plan, const float *c, double x_sqnorm, float *a,
                                  sfl_enet_info *info) {
    return solve_common(ws, params, plan, c, x_sqnorm, a, nullptr, nullptr, info, false);
}

SFL_API sfl_status sfl_enet_solve_lars_factor(const sfl_workspace *ws, const sfl_enet_params *params,
                                              const sfl_enet_plan *plan, const float *c, double x_sqnorm,
                                              float *a, int32_t *support, float *chol, sfl_enet_info *info) {
    if (!support || !chol) return SFL_ERR_NULL_ARG;
    return solve_common(ws, params, plan, c, x_sqnorm, a, support, chol, info, true);
}

SFL_API sfl_status sfl_enet_encode_workspace_size(const sfl_enet_params *params, const sfl_enet_plan *plan,
                                                  size_t *bytes) {
    return plan_size_query(params, plan, bytes,
                           [](const SolverConfig &c, const sfl_enet_plan &p) { return encode_bytes(c, p.K); });
}

SFL_API sfl_status sfl_enet_encode(const sfl_workspace *ws, const sfl_enet_params *params,
                                   const sfl_enet_plan *plan, const float *P, int32_t n, const float *X,
                                   float *A, sfl_enet_info *info) {
    SFL_RETURN_IF_ERROR(check_params_with_plan(params, plan));
    if (!P || !X || !A) return SFL_ERR_NULL_ARG;
    if (n < 1) return SFL_ERR_BAD_DIMS;
    const int32_t m = plan->m, K = plan->K;
    const SolverConfig cfg = make_solver_config(*params, K);
    SFL_RETURN_IF_ERROR(check_workspace(ws, encode_bytes(cfg, K)));
    if (!all_finite(X, static_cast<size_t>(n) * static_cast<size_t>(m))) return SFL_ERR_NOT_FINITE;
    Arena arena(ws->buf, ws->size);
    const BlockBuffers bb = BlockBuffers::carve(arena, cfg, K);
    Outcome out;
    encode_rows(bb, cfg, plan, P, n, X, A, info, &out);
    return out.status();
}

SFL_API sfl_status sfl_enet_kkt_violation(const sfl_enet_plan *plan, float l1, const float *c, const float *a,
                                          float *kkt) {
    if (!plan || !c || !a || !kkt) return SFL_ERR_NULL_ARG;
    if (!plan_valid(plan)) return SFL_ERR_BAD_PLAN;
    if (!finite_nonneg(l1)) return SFL_ERR_BAD_PARAM;
    SolverConfig cfg{};
    cfg.l1 = l1;
    sfl_enet_info info;
    evaluate(row_problem(plan, cfg, c, 0.0), a, nullptr, &info);
    *kkt = info.kkt;
    return SFL_OK;
}

SFL_API sfl_status sfl_enet_evaluate(const sfl_enet_plan *plan, const sfl_enet_params *params, const float *c,
                                     double x_sqnorm, const float *a, sfl_enet_info *info) {
    SFL_RETURN_IF_ERROR(check_params_with_plan(params, plan));
    if (!c || !a || !info) return SFL_ERR_NULL_ARG;
    const int32_t K = plan->K;
    if (!std::isfinite(x_sqnorm) || x_sqnorm < 0.0) return SFL_ERR_NOT_FINITE;
    if (!all_finite(c, static_cast<size_t>(K)) || !all_finite(a, static_cast<size_t>(K))) return SFL_ERR_NOT_FINITE;
    sfl_enet_info local{};
    evaluate(row_problem(plan, make_solver_config(*params, K), c, x_sqnorm), a, nullptr, &local);
    local.status = SFL_OK;
    *info = local;
    return SFL_OK;
}

} // extern "C"
