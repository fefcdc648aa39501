// Backward of a block of at most SFL_LAYER_BLOCK rows (SF samples or CSF
// patches). With R = X - A P^T, B the rows b_i (w_i-weighted solves on the
// supports) and mu the weight of lU:
//     dX_block = B P^T + mu_x R   (mu_x = mu, or 0 to stop lU at the input)
//     dP      += R^T (B - mu A) - (B P^T)^T A   = Z^T Y,
//     Z = [R; -B P^T] (2nb x m),  Y = [B - mu A; A] (2nb x K),
// i.e. three GEMMs per block (A P^T, B P^T, Z^T Y) around the per-row solves.
#pragma once

#include <cstdint>

#include "sfl/sfl_layers.h"
#include "common/arena.hpp"

namespace sfl {
namespace layers {

struct BackwardBuffers {
    float *PT;   // K x m, P transposed (once per call)
    float *Z;    // 2 * SFL_LAYER_BLOCK x m; rows 0 .. nb-1 hold the block's inputs on entry
    float *Y;    // 2 * SFL_LAYER_BLOCK x K
    float *w;    // SFL_LAYER_BLOCK weights of the upstream gradient rows
    double *L;   // K x K Cholesky factor of G[S,S]
    double *v;   // K: g[S], then b[S]
    int32_t *S;  // K: support atoms
    static BackwardBuffers carve(Arena &arena, int32_t m, int32_t K);
};

// PT = P^T (P is m x K row-major).
void transpose_dict(int32_t m, int32_t K, const float *P, float *PT);

// bb.Z rows 0 .. nb-1 hold the inputs X_block and bb.w[0 .. nb) the weights
// (0: the upstream row is not read). Ab, cache: the block's codes and support
// words; dAb may be null when every weight is 0. dXb (nb x m) may be null.
// dP (m x K) is accumulated into. Returns SFL_OK or SFL_ERR_SINGULAR (a
// G[S,S] that could not be factored: that row's b is 0).
sfl_status backward_block(const BackwardBuffers &bb, const sfl_enet_plan *plan, float mu, float mu_x, int32_t nb,
                          const float *Ab, const uint32_t *cache, const float *dAb, float *dXb, float *dP);

} // namespace layers
} // namespace sfl
