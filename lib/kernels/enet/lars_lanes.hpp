// Lane-parallel LARS-EN for small dictionaries (K <= kLanesMaxK): W independent
// rows solved side by side, one row per SIMD lane (W = simd::lanes: 16 with
// AVX-512, 4 with NEON, 1 on the scalar path). The reference is lars_solve
// (lars.hpp): same homotopy, same events and tie order, same lasso drop rule
// and last_dropped rule, in float instead of double; the end point is then
// refined on its support with a double-precision residual (lars_solve's final
// re-solve from c), so a row with the reference's support gets the reference's
// code up to double-level rounding. A row whose lane meets a bad pivot, the step
// bound, non-finite numbers, an end point that fails a KKT check or a sign flip
// in the refinement is re-solved by lars_solve itself, so no answer is worse than
// the reference's. Allocation-free, reentrant. Run by the block driver (encode.hpp)
// for the batch calls when params.lanes = 1.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/arena.hpp"
#include "sfl/sfl_enet.h"

namespace sfl {
namespace enet {

constexpr int32_t kLanesMaxK = 32;

// Counters of one lars_lanes_solve_rows call.
struct LanesStats {
    int32_t fallbacks = 0; // rows re-solved by lars_solve (bad pivot, step bound, non-finite, failed KKT)
    int32_t blank = 0;     // rows with max_j |c_j| <= l1 (zero code, never given a lane)
};

// Bytes of the workspace (SFL_WORKSPACE_ALIGN-aligned) for dictionaries of K atoms,
// including the LarsBuffers of the fallback. 0 when K is outside [1, kLanesMaxK].
size_t lars_lanes_workspace_bytes(int32_t K);

// The same workspace laid out for `lanes` lanes (>= the build's width; 0 below it):
// a size that does not depend on the target (sfl_enet_encode hands the kernel
// lars_lanes_workspace_bytes_for(K, 16), SFL_ENET_LANES_BYTES's share).
size_t lars_lanes_workspace_bytes_for(int32_t K, int32_t lanes);

// Solves n elastic-net problems that share G:
//   min_a 1/2 a^T G a - c_i^T a + l1 ||a||_1     (docs/design.md section 2)
// ws, ws_bytes: workspace of lars_lanes_workspace_bytes(K) bytes, SFL_WORKSPACE_ALIGN-aligned.
// G:        K x K row-major float, G = P^T P + l2 I (the plan's Gram; symmetric).
// inv_diag: K floats 1/G_jj (only handed to the fallback's Problem; may be nullptr).
// K:        atoms, 1..kLanesMaxK.   l1: >= 0 (the path stops at lambda = l1).
// C:        n x K row-major, row i = c_i = P^T x_i.
// x_sqnorm: n doubles ||x_i||^2 (only used by the fallback's diagnostics; may be nullptr).
// max_iter: bound on homotopy steps per row (lars_solve's meaning; 4K + 16 is the default).
// A:        n x K row-major output codes.   stats: counters (may be nullptr).
// row_fallback: n flags, 1 where the row's code is lars_solve's (may be nullptr).
// row_steps: n homotopy steps per row, lars_solve's count for the rows it solved,
//            0 for blank rows (may be nullptr).
// solve_fallbacks: false leaves the flagged rows to the caller (their codes and
//            steps unwritten, not in the returned status; row_fallback required),
//            for a caller that solves them anyway (sfl_enet_encode, for its info).
// Returns SFL_ERR_BAD_DIMS (K out of range, n < 0), SFL_ERR_NULL_ARG,
// SFL_ERR_WORKSPACE_TOO_SMALL, else the worst status of the fallback rows
// (a negative one wins over SFL_WARN_NOT_CONVERGED), SFL_OK if none.
// Rows solved in lanes are SFL_OK; a row with a non-finite c_j goes to lars_solve
// as it is (callers that want SFL_ERR_NOT_FINITE check C first, as solve_row does).
sfl_status lars_lanes_solve_rows(void *ws, size_t ws_bytes, const float *G, const float *inv_diag, int32_t K, float l1,
                                 int32_t n, const float *C, const double *x_sqnorm, int32_t max_iter, float *A,
                                 LanesStats *stats, uint8_t *row_fallback = nullptr,
                                 int32_t *row_steps = nullptr, bool solve_fallbacks = true);

// W: the rows solved side by side (simd::lanes; 1 in the scalar build).
int32_t lars_lanes_width();

} // namespace enet
} // namespace sfl
