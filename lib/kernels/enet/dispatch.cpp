#include "kernels/enet/dispatch.hpp"

#include "kernels/enet/plan.hpp"
#include "kernels/enet/problem.hpp"

namespace sfl {
namespace enet {

SolverConfig make_solver_config(const sfl_enet_params *params, int32_t K, sfl_enet_solver solver) {
    SolverConfig cfg;
    cfg.solver = solver;
    cfg.l1 = params->l1;
    cfg.tol = params->tol;
    // The defaults sfl_enet_params documents: LARS 4K + 16 steps, CD 10000 sweeps.
    cfg.max_iter = params->max_iter > 0 ? params->max_iter : (solver == SFL_ENET_LARS ? 4 * K + 16 : 10000);
    return cfg;
}

SolverBuffers SolverBuffers::carve(Arena &arena, sfl_enet_solver solver, int32_t K) {
    SolverBuffers s;
    if (solver == SFL_ENET_LARS) s.lars = LarsBuffers::carve(arena, K);
    else s.cd = CdBuffers::carve(arena, K);
    return s;
}

sfl_status solve_row(const SolverBuffers &buf, const SolverConfig &cfg, const sfl_enet_plan *plan, const float *c,
                     double x_sqnorm, float *a, sfl_enet_info *info, int32_t *support, float *chol) {
    Problem pb;
    pb.G = plan_gram(plan);
    pb.inv_diag = plan_inv_diag(plan);
    pb.K = plan->K;
    pb.l1 = cfg.l1;
    pb.x_sqnorm = x_sqnorm;
    pb.c = c;
    if (cfg.solver == SFL_ENET_LARS) return lars_solve(buf.lars, pb, cfg.max_iter, a, support, chol, info);
    return cd_solve(buf.cd, pb, cfg.tol, cfg.max_iter, a, info);
}

} // namespace enet
} // namespace sfl
