// LARS-EN: the lasso homotopy on (G, c) (Efron et al. 2004 with the lasso
// modification; elastic net through G = P^T P + l2 I, as SPAMS does).
#pragma once

#include <cstdint>

#include "common/arena.hpp"
#include "kernels/enet/problem.hpp"

namespace sfl {
namespace enet {

// Working memory of one LARS solve, all carved from one arena (counting mode
// gives SFL_ENET_LARS_WORKSPACE_BYTES).
struct LarsBuffers {
    double *L;     // K x K, Cholesky factor of G[A,A] (row-major lower triangle)
    double *r;     // correlations c - G a
    double *w;     // direction on the active set (by position)
    double *u;     // G[:,A] w
    double *a;     // code on the active set (by position)
    double *sgn;   // sign of each active atom (by position)
    double *tmp;   // scratch for triangular solves
    int32_t *act;  // active atoms, in factor order
    int32_t *pos;  // position of atom j in act, -1 inactive, -2 excluded (in the span of the active set)
    static LarsBuffers carve(Arena &arena, int32_t K);
};

// Solves pb. max_iter: bound on steps (atoms added or dropped). Writes the K
// code entries to a; if support/chol are non-null also the active set and the
// factor (see sfl_enet_solve_lars_factor). Fills info (may be nullptr).
// Returns SFL_OK, SFL_WARN_NOT_CONVERGED or SFL_ERR_SINGULAR.
sfl_status lars_solve(const LarsBuffers &buf, const Problem &pb, int32_t max_iter, float *a, int32_t *support,
                      float *chol, sfl_enet_info *info);

} // namespace enet
} // namespace sfl
