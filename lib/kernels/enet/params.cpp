#include "kernels/enet/params.hpp"

#include <cstring>

#include "common/check.hpp"
#include "kernels/enet/solvers_built.hpp"

namespace sfl {
namespace enet {

int32_t solver_id(const sfl_enet_params &params) {
    static_assert(sizeof(sfl_enet_solver) == sizeof(int32_t), "enum size");
    int32_t v;
    std::memcpy(&v, &params.solver, sizeof v);
    return v;
}

sfl_status check_params(const sfl_enet_params &params) {
    if (!finite_nonneg(params.l1) || !finite_nonneg(params.l2)) return SFL_ERR_BAD_PARAM;
    if (params.max_iter < 0) return SFL_ERR_BAD_PARAM;
    if (params.lanes != 0 && params.lanes != 1) return SFL_ERR_BAD_PARAM;
    if (params.positive != 0 && params.positive != 1) return SFL_ERR_BAD_PARAM;
    const int32_t solver = solver_id(params);
    if (solver == SFL_ENET_CD) {
        if (!SFL_WITH_CD) return SFL_ERR_UNSUPPORTED; // a LARS-only build (CMake SFL_WITH_CD=OFF)
        return params.tol > 0.0f && params.tol < 1.0f ? SFL_OK : SFL_ERR_BAD_PARAM;
    }
    return solver == SFL_ENET_LARS ? SFL_OK : SFL_ERR_BAD_PARAM;
}

SolverConfig make_solver_config(const sfl_enet_params &params, int32_t K, sfl_enet_solver solver) {
    SolverConfig cfg;
    cfg.solver = solver;
    cfg.l1 = params.l1;
    cfg.tol = params.tol;
    // The defaults sfl_enet_params documents: LARS 4K + 16 steps, CD 10000 sweeps.
    cfg.max_iter = params.max_iter > 0 ? params.max_iter : (solver == SFL_ENET_LARS ? 4 * K + 16 : 10000);
    cfg.lanes = params.lanes == 1 && solver == SFL_ENET_LARS && K <= SFL_ENET_LANES_MAX_K;
    cfg.positive = params.positive == 1;
    return cfg;
}

} // namespace enet
} // namespace sfl
