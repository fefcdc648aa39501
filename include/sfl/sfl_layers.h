/* sfl_layers.h - sparse factorization layers: SF (fully connected) and CSF
 * (convolutional), forward and backward, with the unsupervised loss.
 *
 * SF layer (docs/design.md section 2): for each sample x (length m) the output is its
 * elastic-net code over the dictionary P (m x K),
 *     a = argmin_a 1/2 ||x - P a||^2 + l1 ||a||_1 + l2/2 ||a||^2,
 * and the unsupervised loss is the optimal value  lU = 1/2||x - P a||^2 + l1||a||_1 + l2/2||a||^2.
 * CSF layer: the same problem on every patch (sfl_patch.h: HWC images, patch
 * vectors ordered (dy, dx, ch)) with one shared dictionary (m = kh*kw*c); the
 * output is n x oh x ow x K (HWC with K channels); lU of an image is the sum
 * over its patches.
 *
 * Backward (Mairal et al.), S = support of a, g = dLoss/da:
 *     b[S] = (P[:,S]^T P[:,S] + l2 I)^-1 g[S],  b = 0 off S,
 *     dLoss/dx = P b,   dLoss/dP = (x - P a) b^T - P b a^T,
 *     dlU/dx = x - P a, dlU/dP = -(x - P a) a^T.
 * CSF: per patch, dictionary gradients summed over patches, input gradients
 * summed back onto the image (col2im).
 *
 * Loss mix (sfl_loss_mix): with g_i the upstream gradient row of sample i and
 * flag_i = 1 for a labelled sample, 0 for an unlabelled one (its g row is not read),
 * backward returns the dictionary gradient of
 *     T_P = sum_i flag_i sup_weight <g_i, a_i> + mu sum_i lU_i
 * and the input gradient of
 *     T_X = sum_i flag_i input_sup_weight <g_i, a_i> + input_lu_weight sum_i lU_i.
 * Uses (docs/design.md section 2.6):
 *   - the paper's mixing (its eq. 14), layer under the supervised loss, g = dLsup/da:
 *     {mu, 1 - mu, 1, nu}: the dictionary learns from (1 - mu) Lsup + mu lU, the layers
 *     below get the plain supervised gradient plus nu dlU/dx (the paper's eq. 15; nu = 0
 *     stops lU at the input);
 *   - one scalar loss T = w Lsup + mu sum lU for everything: {mu, w, w, mu};
 *   - a layer further down a stack, where g already carries what the layers above
 *     passed down: the same weights with labelled = NULL.
 * SFL_LOSS_MIX_INIT = {0, 1, 1, 0} is plain backpropagation; {1, 0, 0, 1} gives
 * dlU/dx and dlU/dP alone.
 *
 * Memory between forward and backward (the "cache"): forward records the
 * support of every code as a bitmask, ceil(K/32) 32-bit words per sample
 * (per patch for CSF): 4 bytes per patch for CSF 5x5 K=20, 230 KiB for a batch
 * of 100 28x28 images. Backward refactors G[S,S] (from the plan, in double,
 * s^3/6 flops for a support of s atoms) instead of storing the LARS factor,
 * which would cost K(K+1)/2 floats per sample (53 MB for that CSF batch).
 * Backward checks that the nonzeros of A still match the cache.
 *
 * Forward solver: params->solver. LARS (recommended) gives the exact support;
 * CD is allowed, its support is that of the converged code.
 *
 * Threads: every batch call works on a sample range [begin, end) of a batch of
 * n (SF: rows; CSF: images) and only reads/writes that range's rows of X, A,
 * the cache, lu, info and dX. Split a batch into ranges, one call per thread,
 * each with its own workspace and its own dP accumulator (backward adds into
 * dP; the caller sums the accumulators). The results equal one call over the
 * whole batch (dP up to summation order).
 *
 * P is the same dictionary the plan was built from (sfl_enet_plan_init, which
 * checks P: finite, no zero column): after every change of P (an optimizer step,
 * sfl_dict_project) rebuild the plan. The calls do not scan P again (O(m K) per
 * call, as much as the GEMM for a single sample): sfl_enet_plan_check_dictionary()
 * checks P against a plan once, when you want that guard against a stale plan.
 *
 * Stack: calls that run the GEMM use up to SFL_MAX_STACK_BYTES (sfl_types.h) of the
 * caller's stack in SIMD builds (a 12 KiB packed panel); size thread stacks for it.
 */
#ifndef SFL_LAYERS_H
#define SFL_LAYERS_H

#include "sfl_enet.h"
#include "sfl_patch.h"
#include "sfl_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Half-open range of samples [begin, end) of a batch of n: 0 <= begin <= end <= n
 *  (begin == end is an empty range: the call checks its arguments and does nothing). */
typedef struct sfl_range {
    int32_t begin; /**< first sample, 0 .. n */
    int32_t end;   /**< one past the last sample, begin .. n */
} sfl_range;

/** Caller memory that forward fills and backward reads (the supports), sized by
 *  sfl_sf_cache_size() / sfl_csf_cache_size() or SFL_LAYER_CACHE_BYTES(). Unlike a
 *  workspace its content matters between the two calls. */
typedef struct sfl_layer_cache {
    void *buf;   /**< caller-owned, SFL_WORKSPACE_ALIGN-aligned */
    size_t size; /**< bytes available at buf */
} sfl_layer_cache;

/** Weights of the two losses whose gradients backward returns (see the header comment):
 *  dP is the gradient of T_P, dX that of T_X. Every field finite and >= 0, mu <= 1. */
typedef struct sfl_loss_mix {
    float mu;               /**< weight of this layer's unsupervised loss lU in dP, in [0, 1] */
    float sup_weight;       /**< weight of the upstream gradient g (labelled samples) in dP
                                 (1 - mu for the paper's mixing) */
    float input_sup_weight; /**< weight of g (labelled samples) in dX (1 for the paper's mixing) */
    float input_lu_weight;  /**< weight of dlU/dx = x - P a in dX: 0 stops lU at the input (it
                                 shapes P only and cannot shrink the features of the layers below) */
} sfl_loss_mix;

/** mu = 0, g weighted 1 in dP and dX, no lU: plain backpropagation of g. */
#define SFL_LOSS_MIX_INIT { 0.0f, 1.0f, 1.0f, 0.0f }

/** Samples (SF) or patches (CSF) processed per GEMM block. */
#define SFL_LAYER_BLOCK SFL_ENET_ENCODE_BLOCK

/* ---- compile-time sizes (bytes), equal to what the size queries return ---- */

/** Cache bytes for `rows` codes of K atoms: rows = n (SF) or n*oh*ow (CSF). */
#define SFL_LAYER_CACHE_BYTES(rows, K) SFL_ALIGN_UP(4 * (size_t)(rows) * (((size_t)(K) + 31) / 32))

/** Workspace bytes of sfl_sf_forward(), K atoms, solver_bytes = SFL_ENET_LARS_WORKSPACE_BYTES(K)
 *  or SFL_ENET_CD_WORKSPACE_BYTES(K) for params->solver (any n). */
#define SFL_SF_FORWARD_WORKSPACE_BYTES(K, solver_bytes) \
    (SFL_ALIGN_UP(4 * (size_t)SFL_LAYER_BLOCK * (size_t)(K)) + SFL_ALIGN_UP(8 * (size_t)SFL_LAYER_BLOCK) + \
     (size_t)(solver_bytes))

/** Workspace bytes of sfl_csf_forward(), patch length m, K atoms (any image size). */
#define SFL_CSF_FORWARD_WORKSPACE_BYTES(m, K, solver_bytes) \
    (SFL_ALIGN_UP(4 * (size_t)SFL_LAYER_BLOCK * (size_t)(m)) + SFL_SF_FORWARD_WORKSPACE_BYTES(K, solver_bytes))

/** Workspace bytes of sfl_sf_forward() with LARS and params->lanes = 1 (K > SFL_ENET_LANES_MAX_K:
 *  the same as without the lanes). */
#define SFL_SF_FORWARD_LANES_WORKSPACE_BYTES(K) \
    (SFL_SF_FORWARD_WORKSPACE_BYTES(K, SFL_ENET_LARS_WORKSPACE_BYTES(K)) + SFL_ENET_LANES_BYTES(K))

/** Workspace bytes of sfl_csf_forward() with LARS and params->lanes = 1: the im2col tile then
 *  holds SFL_ENET_LANES_BLOCK patches (K > SFL_ENET_LANES_MAX_K: the same as without the lanes). */
#define SFL_CSF_FORWARD_LANES_WORKSPACE_BYTES(m, K) \
    ((K) <= SFL_ENET_LANES_MAX_K \
         ? SFL_ALIGN_UP(4 * (size_t)SFL_ENET_LANES_BLOCK * (size_t)(m)) + SFL_SF_FORWARD_LANES_WORKSPACE_BYTES(K) \
         : SFL_CSF_FORWARD_WORKSPACE_BYTES(m, K, SFL_ENET_LARS_WORKSPACE_BYTES(K)))

/** Workspace bytes of sfl_sf_backward(), signal length m, K atoms (any n). */
#define SFL_SF_BACKWARD_WORKSPACE_BYTES(m, K) \
    (SFL_ALIGN_UP(4 * (size_t)(K) * (size_t)(m)) + SFL_ALIGN_UP(8 * (size_t)SFL_LAYER_BLOCK * (size_t)(m)) + \
     SFL_ALIGN_UP(8 * (size_t)SFL_LAYER_BLOCK * (size_t)(K)) + SFL_ALIGN_UP(4 * (size_t)SFL_LAYER_BLOCK) + \
     SFL_ALIGN_UP(8 * (size_t)(K) * (size_t)(K)) + SFL_ALIGN_UP(8 * (size_t)(K)) + SFL_ALIGN_UP(4 * (size_t)(K)))

/** Workspace bytes of sfl_csf_backward(), patch length m, K atoms (any image size). */
#define SFL_CSF_BACKWARD_WORKSPACE_BYTES(m, K) \
    (SFL_SF_BACKWARD_WORKSPACE_BYTES(m, K) + SFL_ALIGN_UP(4 * (size_t)SFL_LAYER_BLOCK * (size_t)(m)))

/* ---- size queries ---- */

/** Cache bytes of an SF batch of n samples (== SFL_LAYER_CACHE_BYTES(n, K)).
 *  @return SFL_OK; SFL_ERR_NULL_ARG; SFL_ERR_BAD_PLAN; SFL_ERR_BAD_DIMS (n < 1) */
SFL_API sfl_status sfl_sf_cache_size(const sfl_enet_plan *plan, int32_t n, size_t *bytes);

/** Cache bytes of a CSF batch (== SFL_LAYER_CACHE_BYTES(n*oh*ow, K)).
 *  @param patch  patch geometry; kernel.h*kernel.w*in->c must equal the plan's m
 *  @param in     image batch shape
 *  @return SFL_OK; SFL_ERR_NULL_ARG; SFL_ERR_BAD_PLAN; SFL_ERR_BAD_PARAM (patch geometry);
 *          SFL_ERR_BAD_DIMS (as sfl_patch_out_dims(), or patch length != plan's m) */
SFL_API sfl_status sfl_csf_cache_size(const sfl_patch_params *patch, const sfl_enet_plan *plan, const sfl_dims4 *in,
                                      size_t *bytes);

/** Workspace bytes of sfl_sf_forward() (== SFL_SF_FORWARD_WORKSPACE_BYTES(K, solver bytes), or
 *  SFL_SF_FORWARD_LANES_WORKSPACE_BYTES(K) with LARS and params->lanes = 1).
 *  @return as sfl_enet_encode_workspace_size() */
SFL_API sfl_status sfl_sf_forward_workspace_size(const sfl_enet_params *params, const sfl_enet_plan *plan,
                                                 size_t *bytes);

/** Workspace bytes of sfl_csf_forward() (== SFL_CSF_FORWARD_WORKSPACE_BYTES(m, K, solver bytes), or
 *  SFL_CSF_FORWARD_LANES_WORKSPACE_BYTES(m, K) with LARS and params->lanes = 1).
 *  @return as sfl_enet_encode_workspace_size() */
SFL_API sfl_status sfl_csf_forward_workspace_size(const sfl_enet_params *params, const sfl_enet_plan *plan,
                                                  size_t *bytes);

/** Workspace bytes of sfl_sf_backward() (== SFL_SF_BACKWARD_WORKSPACE_BYTES(m, K)).
 *  @return SFL_OK, SFL_ERR_NULL_ARG, SFL_ERR_BAD_PLAN */
SFL_API sfl_status sfl_sf_backward_workspace_size(const sfl_enet_plan *plan, size_t *bytes);

/** Workspace bytes of sfl_csf_backward() (== SFL_CSF_BACKWARD_WORKSPACE_BYTES(m, K)).
 *  @return SFL_OK, SFL_ERR_NULL_ARG, SFL_ERR_BAD_PLAN */
SFL_API sfl_status sfl_csf_backward_workspace_size(const sfl_enet_plan *plan, size_t *bytes);

/* ---- SF layer ---- */

/** SF forward on samples [range.begin, range.end) of a batch of n: codes (C = X P by GEMM,
 *  then one elastic-net solve per sample, or several at a time across SIMD lanes with
 *  params->lanes = 1, as sfl_enet_encode()), their supports and lU.
 *  @param ws      workspace of at least sfl_sf_forward_workspace_size() bytes
 *  @param params  solver parameters (l1 >= 0, l2 == the plan's l2, solver, tol, max_iter, lanes)
 *  @param plan    plan of P (m x K)
 *  @param P       m x K row-major, the dictionary the plan was built from
 *  @param n       batch size, >= 1 (rows of X, A, cache, lu, info)
 *  @param range   samples to process, 0 <= begin <= end <= n
 *  @param X       n x m row-major inputs; rows in range must be finite
 *  @param A       out: n x K row-major codes; rows in range written
 *  @param cache   out, may be NULL (inference): supports of the rows in range, for backward;
 *                 at least sfl_sf_cache_size(plan, n) bytes
 *  @param lu      out, may be NULL: n floats, lu[i] = lU of sample i (rows in range)
 *  @param info    out, may be NULL: n diagnostics (rows in range), as sfl_enet_encode()
 *  @return SFL_OK; SFL_WARN_NOT_CONVERGED (some sample hit max_iter; its code is the last
 *          iterate); SFL_WARN_ROWS_FAILED (some samples failed on their own, as in
 *          sfl_enet_encode(): every sample is still solved and written, info[i].status says
 *          which and why - SFL_ERR_SINGULAR, or SFL_ERR_NOT_FINITE for a code or correlation
 *          beyond float range, that code set to zero);
 *          with every output untouched: SFL_ERR_NULL_ARG; SFL_ERR_BAD_PLAN (not a plan);
 *          SFL_ERR_BAD_PARAM; SFL_ERR_BAD_DIMS (n < 1, bad range); SFL_ERR_WORKSPACE_TOO_SMALL,
 *          SFL_ERR_MISALIGNED (ws or cache); SFL_ERR_NOT_FINITE (X rows in range) */
SFL_API sfl_status sfl_sf_forward(const sfl_workspace *ws, const sfl_enet_params *params, const sfl_enet_plan *plan,
                                  const float *P, int32_t n, sfl_range range, const float *X, float *A,
                                  const sfl_layer_cache *cache, float *lu, sfl_enet_info *info);

/** SF backward on samples [range.begin, range.end): input gradients and the dictionary
 *  gradient of T_P and the input gradient of T_X (see sfl_loss_mix).
 *  @param ws        workspace of at least sfl_sf_backward_workspace_size() bytes
 *  @param mix       mu in [0, 1], the three weights finite and >= 0
 *  @param plan      plan of P (gives G = P^T P + l2 I and l2)
 *  @param P         m x K row-major, the dictionary of the forward call
 *  @param n         batch size, >= 1
 *  @param range     samples to process, 0 <= begin <= end <= n
 *  @param X         n x m, the forward inputs (rows in range finite)
 *  @param A         n x K, the forward codes (rows in range; their nonzeros must match the cache)
 *  @param cache     the forward call's cache (same n, rows in range filled by forward)
 *  @param dA        n x K upstream gradient dLoss/dA; rows of labelled samples in range must be
 *                   finite, rows of unlabelled ones are not read; may be NULL when no weight
 *                   reads it (mix->sup_weight == 0, and input_sup_weight == 0 or dX NULL)
 *  @param labelled  n flags (nonzero = labelled), may be NULL (all labelled)
 *  @param dX        out, may be NULL (no input gradient wanted): n x m, rows in range
 *                   overwritten with dT_X/dx = flag_i input_sup_weight P b_i
 *                   + input_lu_weight (x_i - P a_i), b_i = G[S,S]^-1 g_i[S]
 *  @param dP        in/out: m x K, dT_P/dP of the rows in range is ADDED (zero it before the
 *                   first call; one accumulator per thread)
 *  @return SFL_OK; SFL_WARN_ROWS_FAILED (a G[S,S] could not be factored - its pivot at most
 *          1e-6 of its diagonal entry, docs/design.md section 6: that sample's b is 0 and its
 *          dX/dP carry only the lU part; every output is still written);
 *          with every output untouched: SFL_ERR_NULL_ARG; SFL_ERR_BAD_PLAN; SFL_ERR_BAD_PARAM
 *          (mu outside [0, 1], a weight < 0 or not finite, A does not match the cache);
 *          SFL_ERR_BAD_DIMS; SFL_ERR_WORKSPACE_TOO_SMALL, SFL_ERR_MISALIGNED (ws or cache);
 *          SFL_ERR_NOT_FINITE (X, A or used dA rows) */
SFL_API sfl_status sfl_sf_backward(const sfl_workspace *ws, const sfl_loss_mix *mix, const sfl_enet_plan *plan,
                                   const float *P, int32_t n, sfl_range range, const float *X, const float *A,
                                   const sfl_layer_cache *cache, const float *dA, const uint8_t *labelled,
                                   float *dX, float *dP);

/* ---- CSF layer ---- */

/** CSF forward on images [range.begin, range.end) of the batch `in`: the code of every
 *  patch (im2col tiles of SFL_LAYER_BLOCK patches, C = tile P by GEMM, one solve per patch;
 *  with params->lanes = 1, LARS and K <= SFL_ENET_LANES_MAX_K, tiles of SFL_ENET_LANES_BLOCK
 *  patches solved several at a time across SIMD lanes, as sfl_enet_encode()).
 *  @param ws      workspace of at least sfl_csf_forward_workspace_size() bytes
 *  @param params  solver parameters, as sfl_sf_forward()
 *  @param patch   patch geometry; kernel.h*kernel.w*in->c == the plan's m
 *  @param plan    plan of P (m x K)
 *  @param P       m x K row-major, the dictionary the plan was built from
 *  @param in      image batch shape n x h x w x c
 *  @param range   images to process, 0 <= begin <= end <= in->n
 *  @param X       n x h x w x c images (HWC); images in range must be finite
 *  @param A       out: n x oh x ow x K (HWC, one code per patch); images in range written
 *  @param cache   out, may be NULL: at least sfl_csf_cache_size() bytes
 *  @param lu      out, may be NULL: n floats, lu[i] = sum of lU over the patches of image i
 *  @param info    out, may be NULL: n*oh*ow diagnostics, one per patch (images in range)
 *  @return as sfl_sf_forward(); also SFL_ERR_BAD_PARAM for a bad patch geometry and
 *          SFL_ERR_BAD_DIMS for bad image dims or a patch length != m */
SFL_API sfl_status sfl_csf_forward(const sfl_workspace *ws, const sfl_enet_params *params,
                                   const sfl_patch_params *patch, const sfl_enet_plan *plan, const float *P,
                                   const sfl_dims4 *in, sfl_range range, const float *X, float *A,
                                   const sfl_layer_cache *cache, float *lu, sfl_enet_info *info);

/** CSF backward on images [range.begin, range.end): per patch as sfl_sf_backward(),
 *  dP summed over the patches, input gradients scattered back with col2im.
 *  @param ws        workspace of at least sfl_csf_backward_workspace_size() bytes
 *  @param mix       as sfl_sf_backward(); image i's flag applies to every patch of it
 *  @param patch     patch geometry of the forward call
 *  @param plan      plan of P
 *  @param P         m x K row-major, the dictionary of the forward call
 *  @param in        image batch shape
 *  @param range     images to process
 *  @param X         the forward images (n x h x w x c)
 *  @param A         the forward codes (n x oh x ow x K), matching the cache
 *  @param cache     the forward call's cache
 *  @param dA        n x oh x ow x K upstream gradient (images of labelled samples in range finite);
 *                   may be NULL as in sfl_sf_backward()
 *  @param labelled  n flags, may be NULL (all labelled)
 *  @param dX        out, may be NULL: n x h x w x c; images in range overwritten with
 *                   col2im of the per-patch input gradients
 *  @param dP        in/out: m x K, the range's dictionary gradient is ADDED
 *  @return as sfl_sf_backward(); also SFL_ERR_BAD_PARAM / SFL_ERR_BAD_DIMS for the geometry */
SFL_API sfl_status sfl_csf_backward(const sfl_workspace *ws, const sfl_loss_mix *mix,
                                    const sfl_patch_params *patch, const sfl_enet_plan *plan, const float *P,
                                    const sfl_dims4 *in, sfl_range range, const float *X, const float *A,
                                    const sfl_layer_cache *cache, const float *dA, const uint8_t *labelled,
                                    float *dX, float *dP);

/* ---- dictionary projection ---- */

/** Project every column of P onto the unit ball: a column with ||P_j||_2 > 1 is scaled
 *  to norm <= 1 (within one float rounding below 1); shorter columns are left bit for bit.
 *  Run after every optimizer step, then rebuild the plan.
 *  @param dims  shape of P (m, K in 1 .. SFL_ENET_MAX_DIM)
 *  @param P     in/out: m x K row-major
 *  @return SFL_OK; SFL_ERR_NULL_ARG; SFL_ERR_BAD_DIMS; SFL_ERR_NOT_FINITE (P untouched) */
SFL_API sfl_status sfl_dict_project(const sfl_enet_dims *dims, float *P);

#ifdef __cplusplus
}
#endif

#endif /* SFL_LAYERS_H */
