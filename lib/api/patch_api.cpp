// extern "C" entry points of sfl_patch.h: geometry checks, then the im2col /
// col2im kernels image by image. No workspace, no allocation.
#include "sfl/sfl_patch.h"
#include "common/check.hpp"
#include "kernels/patch/geometry.hpp"
#include "kernels/patch/im2col.hpp"

using namespace sfl;

extern "C" {

SFL_API sfl_status sfl_patch_out_dims(const sfl_patch_params *params, const sfl_dims4 *in, sfl_dims4 *cols) {
    if (!cols) return SFL_ERR_NULL_ARG;
    patch::Geometry g;
    SFL_RETURN_IF_ERROR(patch::make_geometry(params, in, &g));
    cols->n = g.n;
    cols->h = g.oh;
    cols->w = g.ow;
    cols->c = g.m;
    return SFL_OK;
}

SFL_API sfl_status sfl_im2col_f32(const sfl_patch_params *params, const sfl_dims4 *in, const float *x, float *cols) {
    if (!x || !cols) return SFL_ERR_NULL_ARG;
    patch::Geometry g;
    SFL_RETURN_IF_ERROR(patch::make_geometry(params, in, &g));
    const int64_t np = g.patches();
    for (int32_t i = 0; i < g.n; ++i)
        patch::im2col_rows(g, x + i * g.image_elems(), 0, np, cols + i * np * g.m);
    return SFL_OK;
}

SFL_API sfl_status sfl_col2im_f32(const sfl_patch_params *params, const sfl_dims4 *in, const float *cols, float *x) {
    if (!x || !cols) return SFL_ERR_NULL_ARG;
    patch::Geometry g;
    SFL_RETURN_IF_ERROR(patch::make_geometry(params, in, &g));
    const int64_t np = g.patches();
    for (int32_t i = 0; i < g.n; ++i)
        patch::col2im_rows(g, cols + i * np * g.m, 0, np, x + i * g.image_elems());
    return SFL_OK;
}

} // extern "C"
