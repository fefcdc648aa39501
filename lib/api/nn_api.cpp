// extern "C" entry points of sfl_nn.h: argument checks (all before any output
// is written), arena set-up, then the kernels of lib/kernels/nn over the
// sample range. Nothing here allocates or throws.
#include <cmath>

#include "sfl/sfl_nn.h"
#include "common/arena.hpp"
#include "common/api_checks.hpp"
#include "common/check.hpp"
#include "kernels/nn/conv2d.hpp"
#include "kernels/nn/l2norm.hpp"
#include "kernels/nn/linear.hpp"
#include "kernels/nn/maxpool.hpp"
#include "kernels/nn/relu.hpp"
#include "kernels/nn/rows.hpp"
#include "kernels/nn/softmax_xent.hpp"
#include "kernels/patch/geometry.hpp"

using namespace sfl;
using namespace sfl::nn;

namespace {

// Geometry of a convolution (sfl_patch.h rules) with cout output channels.
sfl_status conv_geometry(const sfl_patch_params *patch, const sfl_dims4 *in, int32_t cout, patch::Geometry *g) {
    SFL_RETURN_IF_ERROR(patch::make_geometry(patch, in, g));
    return dim_ok(cout) ? SFL_OK : SFL_ERR_BAD_DIMS;
}

sfl_status check_linear_dims(const sfl_linear_dims *dims) {
    if (!dims) return SFL_ERR_NULL_ARG;
    return dim_ok(dims->in) && dim_ok(dims->out) ? SFL_OK : SFL_ERR_BAD_DIMS;
}

// Shape, range and parameters of the L2 normalisation (p not null).
sfl_status check_l2norm(const sfl_l2norm_params *p, int32_t n, int32_t m, sfl_range range) {
    if (!dim_ok(m)) return SFL_ERR_BAD_DIMS;
    SFL_RETURN_IF_ERROR(check_range(n, range));
    return l2norm_params_ok(p->scale, p->eps) ? SFL_OK : SFL_ERR_BAD_PARAM;
}

} // namespace

extern "C" {

/* ---- convolution ---- */

SFL_API sfl_status sfl_conv2d_forward_workspace_size(const sfl_patch_params *patch, const sfl_dims4 *in,
                                                     int32_t cout, size_t *bytes) {
    if (!bytes) return SFL_ERR_NULL_ARG;
    patch::Geometry g;
    SFL_RETURN_IF_ERROR(conv_geometry(patch, in, cout, &g));
    *bytes = conv2d_forward_bytes(g);
    return SFL_OK;
}

SFL_API sfl_status sfl_conv2d_backward_workspace_size(const sfl_patch_params *patch, const sfl_dims4 *in,
                                                      int32_t cout, size_t *bytes) {
    if (!bytes) return SFL_ERR_NULL_ARG;
    patch::Geometry g;
    SFL_RETURN_IF_ERROR(conv_geometry(patch, in, cout, &g));
    *bytes = conv2d_backward_bytes(g.m, cout);
    return SFL_OK;
}

SFL_API sfl_status sfl_conv2d_forward(const sfl_workspace *ws, const sfl_patch_params *patch, const sfl_dims4 *in,
                                      sfl_range range, const float *X, int32_t cout, const float *W, const float *b,
                                      float *Y) {
    if (!X || !W || !Y) return SFL_ERR_NULL_ARG;
    patch::Geometry g;
    SFL_RETURN_IF_ERROR(conv_geometry(patch, in, cout, &g));
    SFL_RETURN_IF_ERROR(check_range(g.n, range));
    SFL_RETURN_IF_ERROR(check_workspace(ws, conv2d_forward_bytes(g)));

    Arena arena(ws->buf, ws->size);
    const Conv2dForwardBuffers buf = conv2d_forward_carve(arena, g);
    conv2d_forward(g, buf, range.begin, range.end, X, cout, W, b, Y);
    return SFL_OK;
}

SFL_API sfl_status sfl_conv2d_backward(const sfl_workspace *ws, const sfl_patch_params *patch, const sfl_dims4 *in,
                                       sfl_range range, const float *X, int32_t cout, const float *W,
                                       const float *dY, float *dX, float *dW, float *db) {
    if (!X || !W || !dY || !dW) return SFL_ERR_NULL_ARG;
    patch::Geometry g;
    SFL_RETURN_IF_ERROR(conv_geometry(patch, in, cout, &g));
    SFL_RETURN_IF_ERROR(check_range(g.n, range));
    SFL_RETURN_IF_ERROR(check_workspace(ws, conv2d_backward_bytes(g.m, cout)));

    Arena arena(ws->buf, ws->size);
    const Conv2dBackwardBuffers buf = Conv2dBackwardBuffers::carve(arena, g.m, cout);
    conv2d_backward(g, buf, range.begin, range.end, X, cout, W, dY, dX, dW, db);
    return SFL_OK;
}

/* ---- max pooling ---- */

SFL_API sfl_status sfl_maxpool2d_out_dims(const sfl_patch_params *pool, const sfl_dims4 *in, sfl_dims4 *out) {
    if (!out) return SFL_ERR_NULL_ARG;
    PoolGeometry g;
    SFL_RETURN_IF_ERROR(make_pool_geometry(pool, in, &g));
    out->n = g.n;
    out->h = g.oh;
    out->w = g.ow;
    out->c = g.c;
    return SFL_OK;
}

SFL_API sfl_status sfl_maxpool2d_forward(const sfl_patch_params *pool, const sfl_dims4 *in, sfl_range range,
                                         const float *X, float *Y, int32_t *index) {
    if (!X || !Y) return SFL_ERR_NULL_ARG;
    PoolGeometry g;
    SFL_RETURN_IF_ERROR(make_pool_geometry(pool, in, &g));
    SFL_RETURN_IF_ERROR(check_range(g.n, range));
    maxpool_forward(g, range.begin, range.end, X, Y, index);
    return SFL_OK;
}

SFL_API sfl_status sfl_maxpool2d_backward(const sfl_patch_params *pool, const sfl_dims4 *in, sfl_range range,
                                          const int32_t *index, const float *dY, float *dX) {
    if (!index || !dY || !dX) return SFL_ERR_NULL_ARG;
    PoolGeometry g;
    SFL_RETURN_IF_ERROR(make_pool_geometry(pool, in, &g));
    SFL_RETURN_IF_ERROR(check_range(g.n, range));
    if (!maxpool_index_valid(g, range.begin, range.end, index)) return SFL_ERR_BAD_DIMS;
    maxpool_backward(g, range.begin, range.end, index, dY, dX);
    return SFL_OK;
}

/* ---- ReLU ---- */

SFL_API sfl_status sfl_relu_forward(size_t count, const float *X, float *Y) {
    if (!X || !Y) return SFL_ERR_NULL_ARG;
    relu_forward_f32(count, X, Y);
    return SFL_OK;
}

SFL_API sfl_status sfl_relu_backward(size_t count, const float *Y, const float *dY, float *dX) {
    if (!Y || !dY || !dX) return SFL_ERR_NULL_ARG;
    relu_backward_f32(count, Y, dY, dX);
    return SFL_OK;
}

/* ---- fully connected ---- */

SFL_API sfl_status sfl_linear_backward_workspace_size(const sfl_linear_dims *dims, size_t *bytes) {
    if (!bytes) return SFL_ERR_NULL_ARG;
    SFL_RETURN_IF_ERROR(check_linear_dims(dims));
    *bytes = linear_backward_bytes(dims->in, dims->out);
    return SFL_OK;
}

SFL_API sfl_status sfl_linear_forward(const sfl_linear_dims *dims, int32_t n, sfl_range range, const float *X,
                                      const float *W, const float *b, float *Y) {
    if (!X || !W || !Y) return SFL_ERR_NULL_ARG;
    SFL_RETURN_IF_ERROR(check_linear_dims(dims));
    SFL_RETURN_IF_ERROR(check_range(n, range));
    linear_forward(dims->in, dims->out, range.begin, range.end, X, W, b, Y);
    return SFL_OK;
}

SFL_API sfl_status sfl_linear_backward(const sfl_workspace *ws, const sfl_linear_dims *dims, int32_t n,
                                       sfl_range range, const float *X, const float *W, const float *dY, float *dX,
                                       float *dW, float *db) {
    if (!X || !W || !dY || !dW) return SFL_ERR_NULL_ARG;
    SFL_RETURN_IF_ERROR(check_linear_dims(dims));
    SFL_RETURN_IF_ERROR(check_range(n, range));
    SFL_RETURN_IF_ERROR(check_workspace(ws, linear_backward_bytes(dims->in, dims->out)));

    Arena arena(ws->buf, ws->size);
    const LinearBackwardBuffers buf = LinearBackwardBuffers::carve(arena, dims->in, dims->out);
    linear_backward(buf, dims->in, dims->out, range.begin, range.end, X, W, dY, dX, dW, db);
    return SFL_OK;
}

/* ---- softmax cross-entropy ---- */

SFL_API sfl_status sfl_softmax_xent(int32_t n, int32_t classes, sfl_range range, const float *logits,
                                    const int32_t *labels, float scale, float *loss, float *dlogits) {
    if (!logits || !labels) return SFL_ERR_NULL_ARG;
    if (classes < 2 || classes > SFL_NN_MAX_DIM) return SFL_ERR_BAD_DIMS;
    SFL_RETURN_IF_ERROR(check_range(n, range));
    if (!std::isfinite(scale)) return SFL_ERR_BAD_PARAM;
    if (!softmax_labels_valid(classes, range.begin, range.end, labels)) return SFL_ERR_BAD_PARAM;
    softmax_xent(classes, range.begin, range.end, logits, labels, scale, loss, dlogits);
    return SFL_OK;
}

/* ---- L2 normalisation ---- */

SFL_API sfl_status sfl_l2norm_forward(const sfl_l2norm_params *p, int32_t n, int32_t m, sfl_range range,
                                      const float *X, float *Y) {
    if (!p || !X || !Y) return SFL_ERR_NULL_ARG;
    SFL_RETURN_IF_ERROR(check_l2norm(p, n, m, range));
    l2norm_forward(m, range.begin, range.end, p->scale, p->eps, X, Y);
    return SFL_OK;
}

SFL_API sfl_status sfl_l2norm_backward(const sfl_l2norm_params *p, int32_t n, int32_t m, sfl_range range,
                                       const float *X, const float *dY, float *dX) {
    if (!p || !X || !dY || !dX) return SFL_ERR_NULL_ARG;
    SFL_RETURN_IF_ERROR(check_l2norm(p, n, m, range));
    l2norm_backward(m, range.begin, range.end, p->scale, p->eps, X, dY, dX);
    return SFL_OK;
}

} // extern "C"
