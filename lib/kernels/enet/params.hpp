// Rules and derived settings of sfl_enet_params, shared by every caller of the
// solvers (the enet and layer entry points, the model checks).
#pragma once

#include <cstdint>

#include "sfl/sfl_enet.h"

namespace sfl {
namespace enet {

// The solver field as a plain integer: a C caller may store any int there, and
// loading an out-of-range value as the C++ enum type would be undefined.
int32_t solver_id(const sfl_enet_params &params);

// l1, l2 finite and >= 0; max_iter >= 0; a known solver; CD: tol in (0, 1); lanes and positive 0 or 1.
// Returns SFL_OK or SFL_ERR_BAD_PARAM. (Whether l2 matches a plan is the caller's check.)
sfl_status check_params(const sfl_enet_params &params);

struct SolverConfig {
    sfl_enet_solver solver;
    float l1;
    float tol;
    int32_t max_iter; // effective bound (the defaults when params.max_iter == 0)
    bool lanes;       // the batch workspace has the lanes' part: params.lanes, LARS, K <= SFL_ENET_LANES_MAX_K
                      // (whether they run depends on the build's SIMD width as well, and they do
                      // not run for non-negative codes)
    bool positive;    // non-negative codes (params.positive)
};

// params checked; solver is params.solver, or LARS where the caller needs its
// factor (sfl_enet_solve_lars_factor).
SolverConfig make_solver_config(const sfl_enet_params &params, int32_t K, sfl_enet_solver solver);
inline SolverConfig make_solver_config(const sfl_enet_params &params, int32_t K) {
    return make_solver_config(params, K, params.solver);
}

} // namespace enet
} // namespace sfl
