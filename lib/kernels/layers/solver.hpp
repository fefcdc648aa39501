// The forward solver of the layers: LARS or CD on one row's (G, c), with
// their buffers carved once per call (the same carve code as sfl_enet_solve,
// so the solver part of a layer workspace is SFL_ENET_*_WORKSPACE_BYTES(K)).
#pragma once

#include <cstdint>

#include "sfl/sfl_enet.h"
#include "common/arena.hpp"
#include "kernels/enet/cd.hpp"
#include "kernels/enet/lars.hpp"

namespace sfl {
namespace layers {

struct SolverConfig {
    sfl_enet_solver solver;
    float l1;
    float tol;
    int32_t max_iter; // effective bound (the enet defaults when params->max_iter == 0)
};

// params must have been validated against the plan (sfl_enet_solve_workspace_size).
SolverConfig make_solver_config(const sfl_enet_params *params, int32_t K);

struct SolverBuffers {
    enet::LarsBuffers lars{};
    enet::CdBuffers cd{};
    static SolverBuffers carve(Arena &arena, sfl_enet_solver solver, int32_t K);
};

// Solves one row from c = P^T x and ||x||^2; info must not be null.
sfl_status solve_row(const SolverBuffers &buf, const SolverConfig &cfg, const sfl_enet_plan *plan, const float *c,
                     double x_sqnorm, float *a, sfl_enet_info *info);

} // namespace layers
} // namespace sfl
