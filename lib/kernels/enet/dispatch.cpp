#include "kernels/enet/dispatch.hpp"

#include <cstring>

#include "common/check.hpp"
#include "kernels/enet/plan.hpp"
#include "kernels/enet/problem.hpp"
#include "kernels/enet/solvers_built.hpp"

namespace sfl {
namespace enet {

SolverBuffers SolverBuffers::carve(Arena &arena, sfl_enet_solver solver, int32_t K) {
    SolverBuffers s;
    if (solver == SFL_ENET_LARS) s.lars = LarsBuffers::carve(arena, K);
#if SFL_WITH_CD
    else s.cd = CdBuffers::carve(arena, K);
#endif
    return s;
}

namespace {

// A row whose numbers left float range: zero code (empty support), SFL_ERR_NOT_FINITE.
sfl_status overflowed(int32_t K, float *a, sfl_enet_info *info, int32_t *support, float *chol) {
    for (int32_t j = 0; j < K; ++j) a[j] = 0.0f;
    if (support)
        for (int32_t j = 0; j < K; ++j) support[j] = -1;
    if (chol)
        for (int64_t j = 0; j < static_cast<int64_t>(K) * K; ++j) chol[j] = 0.0f;
    if (info) {
        std::memset(info, 0, sizeof *info);
        info->status = SFL_ERR_NOT_FINITE;
    }
    return SFL_ERR_NOT_FINITE;
}

} // namespace

Problem row_problem(const sfl_enet_plan *plan, const SolverConfig &cfg, const float *c, double x_sqnorm) {
    return gram_problem(plan_gram(plan), plan_inv_diag(plan), plan->K, cfg.l1, c, x_sqnorm, cfg.positive);
}

sfl_status solve_row(const SolverBuffers &buf, const SolverConfig &cfg, const sfl_enet_plan *plan, const float *c,
                     double x_sqnorm, float *a, sfl_enet_info *info, int32_t *support, float *chol) {
    const Problem pb = row_problem(plan, cfg, c, x_sqnorm);
    // Finite X and P can still give c = P^T x beyond float (encode and the layers compute it).
    if (!all_finite(c, static_cast<size_t>(pb.K))) return overflowed(pb.K, a, info, support, chol);
#if SFL_WITH_CD
    const sfl_status st = cfg.solver == SFL_ENET_LARS ? lars_solve(buf.lars, pb, cfg.max_iter, a, support, chol, info)
                                                      : cd_solve(buf.cd, pb, cfg.tol, cfg.max_iter, a, info);
#else // check_params refused SFL_ENET_CD: no reference to cd_solve, so the linker leaves it out
    const sfl_status st = lars_solve(buf.lars, pb, cfg.max_iter, a, support, chol, info);
#endif
    // A code beyond float (or CD's float residuals overflowing on a badly scaled G) is
    // an error, never an inf/NaN code with a success status (docs/robustness.md).
    if (!all_finite(a, static_cast<size_t>(pb.K))) return overflowed(pb.K, a, info, support, chol);
    return st;
}

} // namespace enet
} // namespace sfl
