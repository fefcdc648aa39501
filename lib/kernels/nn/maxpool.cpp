#include "kernels/nn/maxpool.hpp"

#include <cstring>

namespace sfl {
namespace nn {

namespace {

bool dim_ok(int32_t v) { return v >= 1 && v <= SFL_PATCH_MAX_DIM; }

// v replaces the running maximum m: larger, or the first NaN.
inline bool takes_over(float v, float m) { return v > m || (v != v && m == m); }

template <bool WithIndex>
void pool_image(const PoolGeometry &g, const float *x, float *y, int32_t *idx) {
    const int32_t c = g.c;
    for (int32_t oy = 0; oy < g.oh; ++oy)
        for (int32_t ox = 0; ox < g.ow; ++ox) {
            const int64_t o = (int64_t(oy) * g.ow + ox) * c;
            float *yo = y + o;
            int32_t *io = WithIndex ? idx + o : nullptr;
            const int32_t y0 = oy * g.sh, x0 = ox * g.sw;
            for (int32_t dy = 0; dy < g.kh; ++dy)
                for (int32_t dx = 0; dx < g.kw; ++dx) {
                    const int32_t off = ((y0 + dy) * g.w + (x0 + dx)) * c; // < INT32_MAX: checked
                    const float *xp = x + off;
                    if (dy == 0 && dx == 0) {
                        for (int32_t ch = 0; ch < c; ++ch) yo[ch] = xp[ch];
                        if (WithIndex)
                            for (int32_t ch = 0; ch < c; ++ch) io[ch] = off + ch;
                        continue;
                    }
                    // Selects, not branches, so that the channel loop vectorises.
                    for (int32_t ch = 0; ch < c; ++ch) {
                        const float v = xp[ch], m = yo[ch];
                        const bool t = takes_over(v, m);
                        yo[ch] = t ? v : m;
                        if (WithIndex) io[ch] = t ? off + ch : io[ch];
                    }
                }
        }
}

} // namespace

sfl_status make_pool_geometry(const sfl_patch_params *pool, const sfl_dims4 *in, PoolGeometry *g) {
    if (!pool || !in || !g) return SFL_ERR_NULL_ARG;
    const sfl_tile k = pool->kernel, s = pool->stride, p = pool->padding;
    if (k.h < 1 || k.w < 1 || s.h < 1 || s.w < 1 || p.h != 0 || p.w != 0) return SFL_ERR_BAD_PARAM;
    if (!dim_ok(in->n) || !dim_ok(in->h) || !dim_ok(in->w) || !dim_ok(in->c)) return SFL_ERR_BAD_DIMS;
    if (k.h > in->h || k.w > in->w) return SFL_ERR_BAD_DIMS;
    if (int64_t(in->h) * in->w * in->c > INT32_MAX) return SFL_ERR_BAD_DIMS; // the int32 index
    *g = PoolGeometry{in->n, in->h, in->w, in->c, k.h, k.w, s.h, s.w, (in->h - k.h) / s.h + 1, (in->w - k.w) / s.w + 1};
    return SFL_OK;
}

void maxpool_forward(const PoolGeometry &g, int32_t i0, int32_t i1, const float *X, float *Y, int32_t *index) {
    const int64_t img = g.image_elems(), out = g.out_elems();
    for (int64_t i = i0; i < i1; ++i) {
        if (index)
            pool_image<true>(g, X + i * img, Y + i * out, index + i * out);
        else
            pool_image<false>(g, X + i * img, Y + i * out, nullptr);
    }
}

bool maxpool_index_valid(const PoolGeometry &g, int32_t i0, int32_t i1, const int32_t *index) {
    const int32_t c = g.c, wc = g.w * c; // w*c <= h*w*c <= INT32_MAX
    const int64_t out = g.out_elems();
    // Output (oy, ox, ch) may hold exactly the kh*kw values ((y0 + dy) w + x0 + dx) c + ch,
    // i.e. v - ch - (y0 w + x0) c = (dy w + dx) c. Windows of up to kMaxCandidates
    // pixels compare with those offsets (no integer division: this check ran at 4-5 %
    // of a LeNet epoch with three divisions per element); larger ones divide.
    constexpr int32_t kMaxCandidates = 16;
    const int32_t nk = g.kh * g.kw;
    int64_t cand[kMaxCandidates];
    if (nk <= kMaxCandidates)
        for (int32_t dy = 0; dy < g.kh; ++dy)
            for (int32_t dx = 0; dx < g.kw; ++dx) cand[dy * g.kw + dx] = (int64_t(dy) * g.w + dx) * c;
    for (int64_t i = i0; i < i1; ++i) {
        const int32_t *idx = index + i * out;
        for (int32_t oy = 0; oy < g.oh; ++oy)
            for (int32_t ox = 0; ox < g.ow; ++ox, idx += c) {
                if (nk <= kMaxCandidates) {
                    const int64_t base = (int64_t(oy) * g.sh * g.w + int64_t(ox) * g.sw) * c;
                    bool all = true;
                    for (int32_t ch = 0; ch < c; ++ch) {
                        const int64_t rel = int64_t(idx[ch]) - ch - base;
                        bool hit = false;
                        for (int32_t k = 0; k < nk; ++k) hit |= rel == cand[k];
                        all &= hit;
                    }
                    if (!all) return false;
                    continue;
                }
                for (int32_t ch = 0; ch < c; ++ch) {
                    const int32_t v = idx[ch];
                    if (v < 0) return false;
                    const int32_t y = v / wc, x = (v % wc) / c;
                    if (v % c != ch || y < oy * g.sh || y >= oy * g.sh + g.kh || x < ox * g.sw ||
                        x >= ox * g.sw + g.kw)
                        return false;
                }
            }
    }
    return true;
}

void maxpool_backward(const PoolGeometry &g, int32_t i0, int32_t i1, const int32_t *index, const float *dY, float *dX) {
    const int64_t img = g.image_elems(), out = g.out_elems();
    std::memset(dX + i0 * img, 0, sizeof(float) * static_cast<size_t>((i1 - i0) * img));
    for (int64_t i = i0; i < i1; ++i) {
        float *dx = dX + i * img;
        const int32_t *idx = index + i * out;
        const float *dy = dY + i * out;
        for (int64_t o = 0; o < out; ++o) dx[idx[o]] += dy[o];
    }
}

} // namespace nn
} // namespace sfl
