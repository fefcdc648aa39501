// Coordinate descent on (G, c) with covariance updates (the residual
// correlations r = c - G a are kept up to date by an axpy per changed
// coordinate), active-set sweeps between full sweeps, and a duality-gap stop.
#pragma once

#include <cstdint>

#include "common/arena.hpp"
#include "kernels/enet/problem.hpp"

namespace sfl {
namespace enet {

struct CdBuffers {
    float *r;      // c - G a, float, updated incrementally
    int32_t *act;  // indices of the non-zero coordinates
    double *rd;    // c - G a recomputed in double at each gap check
    static CdBuffers carve(Arena &arena, int32_t K);
};

// Solves pb from a = 0. Stops when gap <= tol * 1/2 ||x||^2 or the KKT
// violation <= tol * max|c| (the gap is useless when l1 = 0), else after
// max_iter sweeps (full or active-set). Returns SFL_OK or SFL_WARN_NOT_CONVERGED.
sfl_status cd_solve(const CdBuffers &buf, const Problem &pb, float tol, int32_t max_iter, float *a,
                    sfl_enet_info *info);

} // namespace enet
} // namespace sfl
