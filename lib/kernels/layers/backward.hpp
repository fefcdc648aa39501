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
#include "kernels/patch/geometry.hpp"

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

// Workspace bytes of the SF (csf = false) or CSF backward (== SFL_SF/CSF_BACKWARD_WORKSPACE_BYTES):
// BackwardBuffers, then for CSF one tile of input gradients.
size_t backward_bytes(int32_t m, int32_t K, bool csf);

// Weight of sample i's upstream gradient (see sfl_loss_mix): sup_weight for a
// labelled sample, 0 for an unlabelled one or when there is no dA.
inline float upstream_weight(const sfl_loss_mix &mix, const uint8_t *labelled, const float *dA, int32_t i) {
    if (!dA) return 0.0f;
    return (labelled == nullptr || labelled[i] != 0) ? mix.sup_weight : 0.0f;
}

// SF backward of samples [i0, i1) (arguments checked by the caller; ws holds
// backward_bytes(m, K, false)): dX rows overwritten (dX may be null), dP added to.
// Returns SFL_OK or SFL_WARN_ROWS_FAILED (a G[S,S] that could not be factored:
// that sample's b is 0, its dX/dP carry only the lU part).
sfl_status sf_backward(const sfl_workspace &ws, const sfl_loss_mix &mix, const sfl_enet_plan *plan, const float *P,
                       int32_t i0, int32_t i1, const float *X, const float *A, const uint32_t *cache,
                       const float *dA, const uint8_t *labelled, float *dX, float *dP);

// CSF backward of images [i0, i1) of geometry g, per patch as sf_backward, dX
// images overwritten with col2im of the patch gradients. Statuses as sf_backward.
sfl_status csf_backward(const sfl_workspace &ws, const sfl_loss_mix &mix, const patch::Geometry &g,
                        const sfl_enet_plan *plan, const float *P, int32_t i0, int32_t i1, const float *X,
                        const float *A, const uint32_t *cache, const float *dA, const uint8_t *labelled, float *dX,
                        float *dP);

// bb.Z rows 0 .. nb-1 hold the inputs X_block and bb.w[0 .. nb) the weights
// (0: the upstream row is not read). Ab, cache: the block's codes and support
// words; dAb may be null when every weight is 0. dXb (nb x m) may be null.
// dP (m x K) is accumulated into. Returns SFL_OK or SFL_WARN_ROWS_FAILED (a
// G[S,S] that could not be factored: that row's b is 0).
sfl_status backward_block(const BackwardBuffers &bb, const sfl_enet_plan *plan, float mu, float mu_x, int32_t nb,
                          const float *Ab, const uint32_t *cache, const float *dAb, float *dXb, float *dP);

} // namespace layers
} // namespace sfl
