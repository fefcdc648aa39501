// A patch row dy of an HWC image is kw*c contiguous floats, clipped at the
// left/right image edges: copy (or add) the valid span, zero (or skip) the rest.
#include "kernels/patch/im2col.hpp"

#include <cstring>

namespace sfl {
namespace patch {

namespace {

// Valid columns of a patch row starting at image column x0: dx in [lo, hi).
inline void valid_span(const Geometry &g, int32_t x0, int32_t *lo, int32_t *hi) {
    *lo = x0 < 0 ? -x0 : 0;
    const int32_t end = g.w - x0;
    *hi = end < g.kw ? end : g.kw;
    if (*hi < *lo) *hi = *lo;
}

} // namespace

// Calls f(dst_row, y, x0, lo, hi) for every kernel row dy of every patch p in
// [p0, p1): dst_row = (p - p0) * kh + dy is the row's index in the tile (kw*c floats
// each), y its image row (possibly outside the image), x0 the patch's first image
// column, [lo, hi) the kernel columns that fall inside the image.
template <class F> void for_each_patch_row(const Geometry &g, int64_t p0, int64_t p1, F f) {
    for (int64_t p = p0; p < p1; ++p) {
        const int32_t oy = static_cast<int32_t>(p / g.ow), ox = static_cast<int32_t>(p % g.ow);
        const int32_t y0 = oy * g.sh - g.ph, x0 = ox * g.sw - g.pw;
        int32_t lo, hi;
        valid_span(g, x0, &lo, &hi);
        for (int32_t dy = 0; dy < g.kh; ++dy) f((p - p0) * g.kh + dy, y0 + dy, x0, lo, hi);
    }
}

void im2col_rows(const Geometry &g, const float *x, int64_t p0, int64_t p1, float *cols) {
    const int32_t c = g.c, rowlen = g.kw * c;
    for_each_patch_row(g, p0, p1, [&](int64_t row, int32_t y, int32_t x0, int32_t lo, int32_t hi) {
        float *dst = cols + row * rowlen;
        if (y < 0 || y >= g.h || hi == lo) {
            std::memset(dst, 0, sizeof(float) * size_t(rowlen));
            return;
        }
        if (lo > 0) std::memset(dst, 0, sizeof(float) * size_t(lo * c));
        const float *src = x + (int64_t(y) * g.w + (x0 + lo)) * c;
        std::memcpy(dst + lo * c, src, sizeof(float) * size_t((hi - lo) * c));
        if (hi < g.kw) std::memset(dst + hi * c, 0, sizeof(float) * size_t((g.kw - hi) * c));
    });
}

void col2im_rows(const Geometry &g, const float *cols, int64_t p0, int64_t p1, float *x) {
    const int32_t c = g.c, rowlen = g.kw * c;
    for_each_patch_row(g, p0, p1, [&](int64_t row, int32_t y, int32_t x0, int32_t lo, int32_t hi) {
        if (y < 0 || y >= g.h) return;
        float *dst = x + (int64_t(y) * g.w + (x0 + lo)) * c;
        const float *s = cols + row * rowlen + lo * c;
        const int32_t len = (hi - lo) * c;
        for (int32_t k = 0; k < len; ++k) dst[k] += s[k];
    });
}

} // namespace patch
} // namespace sfl
