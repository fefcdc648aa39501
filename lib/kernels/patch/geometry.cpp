#include "kernels/patch/geometry.hpp"

namespace sfl {
namespace patch {

namespace {
bool in_range(int32_t v) { return v >= 1 && v <= SFL_PATCH_MAX_DIM; }
} // namespace

sfl_status make_geometry(const sfl_patch_params *params, const sfl_dims4 *in, Geometry *g) {
    if (!params || !in || !g) return SFL_ERR_NULL_ARG;
    const sfl_tile k = params->kernel, s = params->stride, p = params->padding;
    if (k.h < 1 || k.w < 1 || s.h < 1 || s.w < 1 || p.h < 0 || p.w < 0 || p.h >= k.h || p.w >= k.w)
        return SFL_ERR_BAD_PARAM;
    if (!in_range(in->n) || !in_range(in->h) || !in_range(in->w) || !in_range(in->c)) return SFL_ERR_BAD_DIMS;
    if (k.h > SFL_PATCH_MAX_DIM || k.w > SFL_PATCH_MAX_DIM) return SFL_ERR_BAD_DIMS;
    const int64_t m = int64_t(k.h) * k.w * in->c;
    if (m > SFL_PATCH_MAX_DIM) return SFL_ERR_BAD_DIMS;
    if (int64_t(in->h) + 2 * int64_t(p.h) < k.h || int64_t(in->w) + 2 * int64_t(p.w) < k.w) return SFL_ERR_BAD_DIMS;
    *g = Geometry{in->n, in->h, in->w, in->c, k.h, k.w, s.h, s.w, p.h, p.w,
                  SFL_PATCH_OUT_EXTENT(in->h, k.h, s.h, p.h), SFL_PATCH_OUT_EXTENT(in->w, k.w, s.w, p.w),
                  static_cast<int32_t>(m)};
    return SFL_OK;
}

} // namespace patch
} // namespace sfl
