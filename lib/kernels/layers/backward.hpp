// Backward of a block of at most SFL_LAYER_BLOCK rows (SF samples or CSF
// patches). With R = X - A P^T, B the rows b_i = G[S,S]^-1 g_i[S] (0 for a row
// whose upstream gradient is not read) and the weights of sfl_loss_mix:
//     dX_block = v B P^T + nu R            (v = input_sup_weight, nu = input_lu_weight)
//     dP      += R^T (w B - mu A) - w (B P^T)^T A   = Z^T Y,
//     Z = [R; -w B P^T] (2nb x m),  Y = [w B - mu A; A] (2nb x K)   (w = sup_weight),
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
    float *w;    // SFL_LAYER_BLOCK flags: 1 = the row's upstream gradient is read, 0 = not
    double *L;   // K x K Cholesky factor of G[S,S]
    double *v;   // K: g[S], then b[S]
    int32_t *S;  // K: support atoms
    static BackwardBuffers carve(Arena &arena, int32_t m, int32_t K);
};

// Workspace bytes of the SF (csf = false) or CSF backward (== SFL_SF/CSF_BACKWARD_WORKSPACE_BYTES):
// BackwardBuffers, then for CSF one tile of input gradients.
size_t backward_bytes(int32_t m, int32_t K, bool csf);

// Whether backward reads the upstream gradient at all: some weight of g is nonzero
// (input_sup_weight only counts when there is an input gradient to write).
inline bool reads_upstream(const sfl_loss_mix &mix, bool has_dX) {
    return mix.sup_weight != 0.0f || (has_dX && mix.input_sup_weight != 0.0f);
}

// Whether sample i's upstream gradient row is read: a labelled sample (flag_i of
// sfl_loss_mix) when backward reads g at all and there is a dA.
inline bool reads_row(const sfl_loss_mix &mix, bool has_dX, const uint8_t *labelled, const float *dA, int32_t i) {
    return dA != nullptr && reads_upstream(mix, has_dX) && (labelled == nullptr || labelled[i] != 0);
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

// bb.Z rows 0 .. nb-1 hold the inputs X_block and bb.w[0 .. nb) the flags
// (0: the upstream row is not read). Ab, cache: the block's codes and support
// words; dAb may be null when every flag is 0. dXb (nb x m) may be null.
// dP (m x K) is accumulated into. Returns SFL_OK or SFL_WARN_ROWS_FAILED (a
// G[S,S] that could not be factored: that row's b is 0).
sfl_status backward_block(const BackwardBuffers &bb, const sfl_enet_plan *plan, const sfl_loss_mix &mix, int32_t nb,
                          const float *Ab, const uint32_t *cache, const float *dAb, float *dXb, float *dP);

} // namespace layers
} // namespace sfl
