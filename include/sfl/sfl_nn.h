/* sfl_nn.h - the plain layers of the paper's networks (docs/design.md section 3):
 * 2-D convolution, max pooling, ReLU, fully connected, softmax cross-entropy,
 * per-sample L2 normalisation; forward and backward. With sfl_layers.h a whole
 * feature extractor (LeNet, CSF net, SF net) runs through the C ABI, with
 * caller-owned memory only.
 *
 * Conventions (as sfl_patch.h and sfl_layers.h):
 *   - images are HWC: a batch is n x h x w x c, row-major, c fastest;
 *   - a convolution's weights are W (m x cout, row-major), m = kh*kw*c, rows
 *     ordered (dy, dx, ch) like the patch vectors of sfl_im2col_f32(), so
 *     Y = im2col(X) W + b, output n x oh x ow x cout (HWC);
 *   - a fully connected layer is Y = X W + b with X (n x in), W (in x out),
 *     Y (n x out), all row-major;
 *   - batch calls work on a sample range [begin, end) of a batch of n and only
 *     read/write that range's rows (images); weight/bias gradients are ADDED to
 *     the caller's accumulators (zero them first; one accumulator per thread);
 *   - backward input gradients are OVERWRITTEN for the rows in range.
 * Every call checks its arguments first and returns an error with every output
 * untouched. Inputs are not scanned for NaN/Inf here (the hot path of training):
 * non-finite inputs propagate to non-finite outputs, they never crash.
 *
 * Stack: calls that run the GEMM use up to SFL_MAX_STACK_BYTES (sfl_types.h) of the
 * caller's stack in SIMD builds (a 12 KiB packed panel); size thread stacks for it.
 */
#ifndef SFL_NN_H
#define SFL_NN_H

#include "sfl_layers.h"
#include "sfl_patch.h"
#include "sfl_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Patches per im2col tile of the convolution (rows of one GEMM). */
#define SFL_CONV2D_BLOCK 256

/** Workspace bytes of sfl_conv2d_forward() for a batch of `patches` = n*oh*ow patches: one
 *  im2col tile of min(SFL_CONV2D_BLOCK, patches) rows, m = kh*kw*c (== the size query). */
#define SFL_CONV2D_FORWARD_WORKSPACE_BYTES_FOR(m, patches) \
    SFL_ALIGN_UP(4 * (size_t)((patches) < SFL_CONV2D_BLOCK ? (patches) : SFL_CONV2D_BLOCK) * (size_t)(m))

/** Workspace bytes of sfl_conv2d_forward() that suffice for any batch (a full tile of
 *  patch length m = kh*kw*c). */
#define SFL_CONV2D_FORWARD_WORKSPACE_BYTES(m) SFL_ALIGN_UP(4 * (size_t)SFL_CONV2D_BLOCK * (size_t)(m))

/** Workspace bytes of sfl_conv2d_backward(): im2col tile, its gradient and W^T. */
#define SFL_CONV2D_BACKWARD_WORKSPACE_BYTES(m, cout) \
    (2 * SFL_ALIGN_UP(4 * (size_t)SFL_CONV2D_BLOCK * (size_t)(m)) + SFL_ALIGN_UP(4 * (size_t)(m) * (size_t)(cout)))

/** Workspace bytes of sfl_linear_backward(): W^T. */
#define SFL_LINEAR_BACKWARD_WORKSPACE_BYTES(in, out) SFL_ALIGN_UP(4 * (size_t)(in) * (size_t)(out))

/** Largest channel count / feature count accepted by these layers. */
#define SFL_NN_MAX_DIM 16384

/* ---- convolution ---- */

/** Workspace bytes of sfl_conv2d_forward() (== SFL_CONV2D_FORWARD_WORKSPACE_BYTES_FOR(m, n*oh*ow),
 *  at most SFL_CONV2D_FORWARD_WORKSPACE_BYTES(m)).
 *  @param patch  kernel, stride, zero padding (sfl_patch.h rules)
 *  @param in     input batch shape (n, h, w, c)
 *  @param cout   output channels, 1 .. SFL_NN_MAX_DIM
 *  @return SFL_OK; SFL_ERR_NULL_ARG; SFL_ERR_BAD_PARAM (patch); SFL_ERR_BAD_DIMS */
SFL_API sfl_status sfl_conv2d_forward_workspace_size(const sfl_patch_params *patch, const sfl_dims4 *in,
                                                     int32_t cout, size_t *bytes);

/** Workspace bytes of sfl_conv2d_backward() (== SFL_CONV2D_BACKWARD_WORKSPACE_BYTES).
 *  @return as sfl_conv2d_forward_workspace_size() */
SFL_API sfl_status sfl_conv2d_backward_workspace_size(const sfl_patch_params *patch, const sfl_dims4 *in,
                                                      int32_t cout, size_t *bytes);

/** Convolution (cross-correlation, as in every CNN library) of images [range) :
 *  Y = im2col(X) W + b.
 *  @param ws     workspace of at least sfl_conv2d_forward_workspace_size() bytes, aligned
 *  @param patch  kernel, stride, zero padding
 *  @param in     input batch shape n x h x w x c
 *  @param range  images to process, 0 <= begin <= end <= n
 *  @param X      n x h x w x c input (HWC)
 *  @param cout   output channels
 *  @param W      m x cout row-major weights, m = kh*kw*c, rows ordered (dy, dx, ch)
 *  @param b      cout biases, may be NULL (no bias)
 *  @param Y      out: n x oh x ow x cout (HWC), images in range written
 *  @return SFL_OK; SFL_ERR_NULL_ARG; SFL_ERR_BAD_PARAM; SFL_ERR_BAD_DIMS (dims, range);
 *          SFL_ERR_WORKSPACE_TOO_SMALL; SFL_ERR_MISALIGNED */
SFL_API sfl_status sfl_conv2d_forward(const sfl_workspace *ws, const sfl_patch_params *patch, const sfl_dims4 *in,
                                      sfl_range range, const float *X, int32_t cout, const float *W, const float *b,
                                      float *Y);

/** Convolution backward for images [range): dW += im2col(X)^T dY, db += column sums of dY,
 *  dX = col2im(dY W^T).
 *  @param ws     workspace of at least sfl_conv2d_backward_workspace_size() bytes, aligned
 *  @param patch, in, range, X, cout, W  as the forward call
 *  @param dY     n x oh x ow x cout upstream gradient (images in range read)
 *  @param dX     out, may be NULL (first layer): n x h x w x c, images in range overwritten
 *  @param dW     in/out: m x cout, gradient ADDED
 *  @param db     in/out, may be NULL: cout, gradient ADDED
 *  @return as sfl_conv2d_forward() */
SFL_API sfl_status sfl_conv2d_backward(const sfl_workspace *ws, const sfl_patch_params *patch, const sfl_dims4 *in,
                                       sfl_range range, const float *X, int32_t cout, const float *W,
                                       const float *dY, float *dX, float *dW, float *db);

/* ---- max pooling ---- */

/** Output shape of max pooling: out->n = in->n, out->h = (h - kh)/sh + 1,
 *  out->w = (w - kw)/sw + 1, out->c = in->c (windows that do not fit are dropped).
 *  @param pool  window (kernel) and stride; padding must be 0
 *  @return SFL_OK; SFL_ERR_NULL_ARG; SFL_ERR_BAD_PARAM (kernel/stride < 1, padding != 0);
 *          SFL_ERR_BAD_DIMS (a dim < 1 or > SFL_PATCH_MAX_DIM, window larger than the image,
 *          h*w*c > INT32_MAX: the index of a maximum is an int32) */
SFL_API sfl_status sfl_maxpool2d_out_dims(const sfl_patch_params *pool, const sfl_dims4 *in, sfl_dims4 *out);

/** Max pooling of images [range), per channel. Ties go to the first maximum in
 *  row-major window order; a NaN in a window propagates (it is taken as the maximum).
 *  @param pool   window and stride (padding 0)
 *  @param in     input shape n x h x w x c
 *  @param range  images to process
 *  @param X      n x h x w x c input
 *  @param Y      out: n x oh x ow x c, images in range written
 *  @param index  out, may be NULL (inference): n x oh x ow x c int32, for each output the
 *                offset of its maximum inside its image (y*w*c + x*c + ch), for backward
 *  @return SFL_OK; SFL_ERR_NULL_ARG; SFL_ERR_BAD_PARAM; SFL_ERR_BAD_DIMS */
SFL_API sfl_status sfl_maxpool2d_forward(const sfl_patch_params *pool, const sfl_dims4 *in, sfl_range range,
                                         const float *X, float *Y, int32_t *index);

/** Max pooling backward for images [range): dX is zeroed, then each dY is added at its
 *  maximum's position (overlapping windows add up).
 *  @param index  the forward call's index
 *  @param dY     n x oh x ow x c
 *  @param dX     out: n x h x w x c, images in range overwritten
 *  @return SFL_OK; SFL_ERR_NULL_ARG; SFL_ERR_BAD_PARAM; SFL_ERR_BAD_DIMS (also an index
 *          in range that is not inside its output's window at its channel, i.e. not what
 *          the forward call of this geometry wrote; checked first, dX untouched) */
SFL_API sfl_status sfl_maxpool2d_backward(const sfl_patch_params *pool, const sfl_dims4 *in, sfl_range range,
                                          const int32_t *index, const float *dY, float *dX);

/* ---- ReLU ---- */

/** Y = max(X, 0) elementwise, `count` floats; Y may equal X (in place). NaN stays NaN.
 *  @return SFL_OK; SFL_ERR_NULL_ARG */
SFL_API sfl_status sfl_relu_forward(size_t count, const float *X, float *Y);

/** dX = dY where Y > 0, else 0; dX may equal dY.
 *  @param Y  the forward output
 *  @return SFL_OK; SFL_ERR_NULL_ARG */
SFL_API sfl_status sfl_relu_backward(size_t count, const float *Y, const float *dY, float *dX);

/* ---- fully connected ---- */

/** Shape of a fully connected layer. */
typedef struct sfl_linear_dims {
    int32_t in;  /**< input features, 1 .. SFL_NN_MAX_DIM */
    int32_t out; /**< output features, 1 .. SFL_NN_MAX_DIM */
} sfl_linear_dims;

/** Workspace bytes of sfl_linear_backward() (== SFL_LINEAR_BACKWARD_WORKSPACE_BYTES).
 *  @return SFL_OK; SFL_ERR_NULL_ARG; SFL_ERR_BAD_DIMS */
SFL_API sfl_status sfl_linear_backward_workspace_size(const sfl_linear_dims *dims, size_t *bytes);

/** Y = X W + b for rows [range) of a batch of n. No workspace.
 *  @param dims   in, out
 *  @param n      batch size, >= 1
 *  @param range  rows to process
 *  @param X      n x in, row-major
 *  @param W      in x out, row-major
 *  @param b      out biases, may be NULL
 *  @param Y      out: n x out, rows in range written
 *  @return SFL_OK; SFL_ERR_NULL_ARG; SFL_ERR_BAD_DIMS */
SFL_API sfl_status sfl_linear_forward(const sfl_linear_dims *dims, int32_t n, sfl_range range, const float *X,
                                      const float *W, const float *b, float *Y);

/** Backward of Y = X W + b for rows [range): dW += X^T dY, db += column sums of dY,
 *  dX = dY W^T.
 *  @param ws  workspace of at least sfl_linear_backward_workspace_size() bytes, aligned
 *  @param dX  out, may be NULL: n x in, rows in range overwritten
 *  @param dW  in/out: in x out, ADDED
 *  @param db  in/out, may be NULL: out, ADDED
 *  @return SFL_OK; SFL_ERR_NULL_ARG; SFL_ERR_BAD_DIMS; SFL_ERR_WORKSPACE_TOO_SMALL;
 *          SFL_ERR_MISALIGNED */
SFL_API sfl_status sfl_linear_backward(const sfl_workspace *ws, const sfl_linear_dims *dims, int32_t n,
                                       sfl_range range, const float *X, const float *W, const float *dY, float *dX,
                                       float *dW, float *db);

/* ---- softmax cross-entropy ---- */

/** Softmax cross-entropy of rows [range) of n x classes logits (row-major), computed with
 *  the max subtracted (no overflow for any finite logits):
 *     loss[i]    = logsumexp(z_i) - z_i[labels[i]],
 *     dlogits[i] = scale * (softmax(z_i) - onehot(labels[i])).
 *  A label of -1 marks an unlabelled sample: loss[i] = 0 and its dlogits row is 0.
 *  @param n        batch size, >= 1
 *  @param classes  2 .. SFL_NN_MAX_DIM
 *  @param range    rows to process
 *  @param logits   n x classes
 *  @param labels   n labels, each -1 or 0 .. classes-1 (rows in range read)
 *  @param scale    gradient scale (e.g. 1/batch for a mean loss), finite
 *  @param loss     out, may be NULL: n floats, rows in range written
 *  @param dlogits  out, may be NULL: n x classes, rows in range written; may equal logits
 *  @return SFL_OK; SFL_ERR_NULL_ARG; SFL_ERR_BAD_DIMS; SFL_ERR_BAD_PARAM (a label out of
 *          range, scale not finite; outputs untouched) */
SFL_API sfl_status sfl_softmax_xent(int32_t n, int32_t classes, sfl_range range, const float *logits,
                                    const int32_t *labels, float scale, float *loss, float *dlogits);

/* ---- L2 normalisation ---- */

/** Parameters of the per-sample L2 normalisation. */
typedef struct sfl_l2norm_params {
    float scale; /**< norm of every output row (that is not clamped), finite, > 0 */
    float eps;   /**< smallest norm divided by, in the units of X, finite, > 0: rows with
                      ||x||_2 < eps are scaled by scale/eps instead (not normalised) */
} sfl_l2norm_params;

/** Default parameters: scale 1 (unit rows), eps 1e-6 (units of X). eps only keeps
 *  near-zero rows from being blown up to full scale (their gain is capped at
 *  scale/eps = 1e6) and from dividing by zero; for inputs of order 1 no real row
 *  is clamped. Raise eps to the noise floor of X when near-empty rows should stay
 *  small (e.g. about 1e-2 for mean-removed image patches with values in [0, 1],
 *  whose flat patches would otherwise be noise blown up to full scale). */
#define SFL_L2NORM_PARAMS_INIT { 1.0f, 1e-6f }

/** Per-sample L2 normalisation of rows [range) of X (n x m): for each row x,
 *     r = max(||x||_2, eps),   y = (scale / r) x,
 *  so rows with ||x|| >= eps get norm `scale` (to float rounding) and keep their
 *  direction, rows below eps are scaled by scale/eps, a zero row gives a zero row.
 *  The norm is a sum of squares accumulated in double, then one rounding per output:
 *  no overflow or underflow for any finite input (rows of 1e30 or 1e-30 alike), and
 *  then |y_j| <= scale. NaN/Inf in a row give NaN in that row. No workspace. In front
 *  of the SF layer it fixes the scale of that layer's input.
 *  @param p      scale and eps (SFL_L2NORM_PARAMS_INIT), read only
 *  @param n      batch size, >= 1
 *  @param m      features per sample, 1 .. SFL_NN_MAX_DIM
 *  @param range  rows to process, 0 <= begin <= end <= n
 *  @param X      n x m input, row-major (rows in range read)
 *  @param Y      out: n x m, rows in range overwritten, others untouched; may equal X
 *                (in place; no other overlap)
 *  @return SFL_OK; SFL_ERR_NULL_ARG (p, X, Y); SFL_ERR_BAD_DIMS (n, m, range);
 *          SFL_ERR_BAD_PARAM (scale or eps not finite or <= 0); outputs untouched on error */
SFL_API sfl_status sfl_l2norm_forward(const sfl_l2norm_params *p, int32_t n, int32_t m, sfl_range range,
                                      const float *X, float *Y);

/** Backward of sfl_l2norm_forward() for rows [range), from the forward input X:
 *     ||x|| >= eps:  dx = (scale / ||x||) (dy - u (u . dy)),  u = x / ||x||
 *                    (the component of dy along x is removed);
 *     ||x|| <  eps:  dx = (scale / eps) dy   (clamped: y is linear in x; zero rows too).
 *  Sums in double as in the forward call. A gradient beyond the float range (huge dY
 *  on a row of norm near eps) gives +-Inf.
 *  @param p, n, m, range, X  as the forward call (X is the forward INPUT, not Y)
 *  @param dY     n x m upstream gradient (rows in range read)
 *  @param dX     out: n x m, rows in range overwritten, others untouched; may equal dY
 *                or X (no other overlap)
 *  @return SFL_OK; SFL_ERR_NULL_ARG (p, X, dY, dX); SFL_ERR_BAD_DIMS (n, m, range);
 *          SFL_ERR_BAD_PARAM (scale or eps not finite or <= 0); outputs untouched on error */
SFL_API sfl_status sfl_l2norm_backward(const sfl_l2norm_params *p, int32_t n, int32_t m, sfl_range range,
                                       const float *X, const float *dY, float *dX);

#ifdef __cplusplus
}
#endif

#endif /* SFL_NN_H */
