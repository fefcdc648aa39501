// Coordinate descent on (G, c) with covariance updates (the residual
// correlations r = c - G a are kept up to date by an axpy per changed
// coordinate), active-set sweeps between full sweeps, a Newton step on the
// support after each round of active-set sweeps, a short continuation in l1,
// and a duality-gap stop.
//
// Why: CD converges linearly, at a rate set by the conditioning of G[S,S] on the
// support S. With l2 = 0, more atoms than dimensions (K > m, G singular) and a
// small l1, the first full sweep from a = 0 activates nearly every atom; S then
// has more atoms than G[S,S] has rank, and CD prunes the extra ones along the
// (near) null directions of G[S,S], where only the l1 term pushes, by about l1
// per sweep; even on the right support G[S,S] has a condition number in the
// thousands. Plain CD ended over a quarter of such problems (m = 16..64, K = 2m..4m,
// l1 = 1e-3..1e-2 max|c|) at its 10000-sweep bound, up to 0.2 % above the
// minimum (12 % at l1 = 1e-4 max|c|).
//
// The Newton step is an active-set method on S, in double: it solves
// (G[S,S] + mu diag(G[S,S])) d = r_S - l1 sign(a_S) (mu = 2e-6: a proximal term
// that keeps the system definite when S is rank deficient and damps only what
// the float G cannot resolve), minimises the objective exactly along a + t d,
// t in [0, 1] (a convex piecewise quadratic whose kinks are the sign changes;
// along a direction without positive curvature - G[S,S] singular, or a float G
// made indefinite by rounding - only up to the first kink, else not at all),
// drops an atom whose zero is that minimum from S (Cholesky downdate) and
// solves again: at most |S| + 10 solves, until full steps stop gaining. Its
// result is kept only if the objective (in double, of the float code) is lower,
// so CD stays monotone. Full sweeps still add atoms. The main loop's first round
// has no Newton step (most easy rows end at the next full sweep). When the
// stopping rule holds, one more Newton step polishes the code on its support (as
// LARS's final solve does), unless the gap is already below 1e-3 of the
// tolerance: the code is exact on the support CD found, not just within tol.
//
// Continuation: when l1 < 0.3 max|c|, one round (full sweep, active-set sweeps,
// Newton step) at each l1_k = max|c| 0.3^k > l1 (down to 1e-4 max|c|) comes
// first, so the support follows the lasso path instead of starting at ~K atoms
// (pruning those costs one solve per atom).
//
// A Newton step costs one O(|S|^3) factorisation plus O(|S|^2) per further solve,
// and the workspace holds a K x K double factor (as LARS's does). On the problems
// above CD now converges in a few hundred iterations at most, to LARS's objective
// within 1e-11 (relative).
#pragma once

#include <cstdint>

#include "common/arena.hpp"
#include "kernels/enet/problem.hpp"

namespace sfl {
namespace enet {

struct CdBuffers {
    float *r;       // c - G a, float, updated incrementally
    int32_t *act;   // indices of the non-zero coordinates (the Newton step's S, in factor order)
    double *rd;     // c - G a recomputed in double (at each gap check; r_S during a Newton step)
    // Newton step on the support (positions 0..|S|-1 follow act):
    double *L;      // K x K row-major, lower-triangular Cholesky factor of G[S,S] + mu diag(G[S,S])
    double *w;      // the code on S, in double
    double *dir;    // the direction d (solved in place from the right-hand side)
    double *gdir;   // G[S,S] d
    int32_t *order; // the positions that reach zero along d for t in [0, 1], sorted by that t
    float *a_start; // the code on S before the step (by position; restored when the step is rejected)
    static CdBuffers carve(Arena &arena, int32_t K);
};

// Solves pb from a = 0. Stops when gap <= tol * 1/2 ||x||^2 or the KKT
// violation <= tol * max|c| (the gap is useless when l1 = 0), or at a fixed
// point in float (a full sweep that changes nothing, or a round that does not
// lower the objective), else after max_iter iterations: full sweeps, active-set
// sweeps and Newton steps each count one. Returns SFL_OK, SFL_WARN_NOT_CONVERGED,
// or SFL_ERR_NOT_FINITE with a = 0 and info zeroed (but for its status) when the
// code or the float residuals leave float range (a badly scaled G).
sfl_status cd_solve(const CdBuffers &buf, const Problem &pb, float tol, int32_t max_iter, float *a,
                    sfl_enet_info *info);

} // namespace enet
} // namespace sfl
