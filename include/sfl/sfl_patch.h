/* sfl_patch.h - image patches: im2col and its adjoint col2im.
 *
 * Image layout (used by every sfl call that takes images): HWC, batch-major.
 * A batch of n images of h rows, w columns and c channels is one float array
 * of n*h*w*c values, element (i, y, x, ch) at  X[((i*h + y)*w + x)*c + ch]
 * (channel innermost, then column, then row, then image).
 *
 * A patch is kernel.h x kernel.w pixels of every channel. Its vector (length
 * m = kernel.h * kernel.w * c) is ordered (dy, dx, ch) with ch innermost, so a
 * patch of an HWC image is kernel.h runs of kernel.w*c contiguous floats:
 *     patch[(dy*kernel.w + dx)*c + ch] = X(i, y0 + dy, x0 + dx, ch),
 *     y0 = oy*stride.h - padding.h,  x0 = ox*stride.w - padding.w,
 * and pixels outside the image (zero padding) read as 0.
 *
 * Patch positions: oh x ow per image,
 *     oh = (h + 2*padding.h - kernel.h) / stride.h + 1,
 *     ow = (w + 2*padding.w - kernel.w) / stride.w + 1   (integer division),
 * ordered row-major (oy, then ox). The column matrix of a batch is
 * (n*oh*ow) x m row-major: one patch per row, i.e. an n x oh x ow x m HWC
 * tensor - the X of an SF layer over patches. Stride 1 and no padding give the
 * "valid convolution" shape (h - kernel.h + 1) x (w - kernel.w + 1).
 */
#ifndef SFL_PATCH_H
#define SFL_PATCH_H

#include "sfl_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A 2-D extent (rows, columns). */
typedef struct sfl_tile {
    int32_t h; /**< rows */
    int32_t w; /**< columns */
} sfl_tile;

/** Shape of a batch of HWC images. */
typedef struct sfl_dims4 {
    int32_t n; /**< images, 1 .. SFL_PATCH_MAX_DIM */
    int32_t h; /**< rows per image, 1 .. SFL_PATCH_MAX_DIM */
    int32_t w; /**< columns per image, 1 .. SFL_PATCH_MAX_DIM */
    int32_t c; /**< channels, 1 .. SFL_PATCH_MAX_DIM */
} sfl_dims4;

/** How patches are cut. Dilation is not supported. */
typedef struct sfl_patch_params {
    sfl_tile kernel;  /**< patch extent in pixels, >= 1 each; kernel.h*kernel.w*c <= SFL_PATCH_MAX_DIM */
    sfl_tile stride;  /**< step between patch origins in pixels, >= 1 each */
    sfl_tile padding; /**< zero pixels added on each side (top and bottom / left and right),
                           0 .. kernel - 1 each */
} sfl_patch_params;

/** kh x kw patches, stride 1, no padding (the paper's CSF layers: 5 x 5). */
#define SFL_PATCH_PARAMS_INIT(kh, kw) { { (kh), (kw) }, { 1, 1 }, { 0, 0 } }

/** Largest image extent, channel count, batch size or patch length accepted. */
#define SFL_PATCH_MAX_DIM 16384

/** Patch positions along one axis (oh or ow); an integer constant expression
 *  when the arguments are. Valid only when size + 2*pad >= k. */
#define SFL_PATCH_OUT_EXTENT(size, k, stride, pad) ((((size) + 2 * (pad)) - (k)) / (stride) + 1)

/** Shape of the column matrix of a batch: cols->n = in->n, cols->h = oh,
 *  cols->w = ow, cols->c = m = kernel.h * kernel.w * in->c.
 *  @param params  patch geometry
 *  @param in      image batch shape
 *  @param cols    out: the shape (untouched on error)
 *  @return SFL_OK; SFL_ERR_NULL_ARG; SFL_ERR_BAD_PARAM (kernel or stride < 1, padding < 0 or
 *          >= kernel); SFL_ERR_BAD_DIMS (a dimension < 1 or > SFL_PATCH_MAX_DIM, the
 *          padded image smaller than the kernel, or m > SFL_PATCH_MAX_DIM) */
SFL_API sfl_status sfl_patch_out_dims(const sfl_patch_params *params, const sfl_dims4 *in, sfl_dims4 *cols);

/** im2col: copy every patch of every image into a row of cols. No workspace.
 *  @param params  patch geometry
 *  @param in      shape of x
 *  @param x       n x h x w x c images (HWC, see above), read only
 *  @param cols    out: (n*oh*ow) x m row-major, every element written; must not overlap x
 *  @return as sfl_patch_out_dims(), and SFL_ERR_NULL_ARG for x or cols; cols untouched on error.
 *          Values are copied as they are (no finiteness check). */
SFL_API sfl_status sfl_im2col_f32(const sfl_patch_params *params, const sfl_dims4 *in, const float *x, float *cols);

/** col2im, the adjoint of im2col: x += col2im(cols), i.e. every row of cols is
 *  added back onto the pixels its patch came from (overlapping patches sum;
 *  padding positions are dropped). For any x and y of matching shapes,
 *  <im2col(x), y> == <x, col2im(y)>. No workspace.
 *  @param params  patch geometry
 *  @param in      shape of x
 *  @param cols    (n*oh*ow) x m row-major, read only
 *  @param x       in/out: n x h x w x c images (HWC), accumulated into (zero it first for a
 *                 plain col2im); must not overlap cols
 *  @return as sfl_im2col_f32(); x untouched on error. */
SFL_API sfl_status sfl_col2im_f32(const sfl_patch_params *params, const sfl_dims4 *in, const float *cols, float *x);

#ifdef __cplusplus
}
#endif

#endif /* SFL_PATCH_H */
