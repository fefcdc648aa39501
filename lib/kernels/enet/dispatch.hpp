// One solve on one row's (G, c) with LARS or CD: the buffers of either solver
// carved from one arena, the effective iteration bound, and the dispatch. Used
// by sfl_enet_solve / sfl_enet_encode and by the layers, so the solver part of
// every workspace is SFL_ENET_LARS/CD_WORKSPACE_BYTES(K).
#pragma once

#include <cstdint>

#include "sfl/sfl_enet.h"
#include "common/arena.hpp"
#include "kernels/enet/cd.hpp"
#include "kernels/enet/lars.hpp"
#include "kernels/enet/params.hpp"

namespace sfl {
namespace enet {

struct SolverBuffers {
    LarsBuffers lars{};
    CdBuffers cd{};
    static SolverBuffers carve(Arena &arena, sfl_enet_solver solver, int32_t K);
};

// The Gram-form problem of one row: the plan's G and 1/G_jj, l1 and the sign rule
// of cfg, c = P^T x, ||x||^2.
Problem row_problem(const sfl_enet_plan *plan, const SolverConfig &cfg, const float *c, double x_sqnorm);

// Solves one row from c = P^T x and ||x||^2. support/chol (LARS only, may be
// null) receive the active set and its factor; info may be null.
sfl_status solve_row(const SolverBuffers &buf, const SolverConfig &cfg, const sfl_enet_plan *plan, const float *c,
                     double x_sqnorm, float *a, sfl_enet_info *info, int32_t *support = nullptr,
                     float *chol = nullptr);

} // namespace enet
} // namespace sfl
