// The plain layers of sfl_nn.h against naive double-precision references
// written here: forward values, and backward gradients of a random linear
// functional <R, Y> (the naive adjoints are themselves checked against central
// finite differences of the double references). Sub-ranges leave the other
// rows untouched, parameter gradients are added, maxpool ties and NaN follow
// the contract, softmax stays finite for huge logits. Shapes of the paper's
// LeNet (docs/design.md section 3) included.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <vector>

#include <sfl/sfl.h>

#include "simd/simd.hpp"
#include "support/aligned_buffer.hpp"
#include "support/randn.hpp"

using sfl_test::AlignedBuffer;

namespace {

using Vec = std::vector<double>;
using FVec = std::vector<float>;
using sfl_test::randn;

constexpr float kSentinel = -777.25f;
constexpr double kFwdTol = 1e-5;  // float32 GEMM against double loops, relative to the largest value
constexpr double kGradTol = 2e-5; // the same for the backward sums (up to ~2000 terms here)

Vec to_double(const FVec &v) { return Vec(v.begin(), v.end()); }

// max |a - r| / max |r| over [from, to) (whole vectors by default).
double rel_err(const FVec &a, const Vec &r, size_t from = 0, size_t to = SIZE_MAX) {
    to = std::min(to, r.size());
    REQUIRE(a.size() == r.size());
    double num = 0.0, den = 0.0;
    for (size_t k = from; k < to; ++k) {
        num = std::max(num, std::fabs(double(a[k]) - r[k]));
        den = std::max(den, std::fabs(r[k]));
    }
    return den > 0.0 ? num / den : num;
}

double rel_err(const Vec &a, const Vec &r) {
    double num = 0.0, den = 0.0;
    for (size_t k = 0; k < r.size(); ++k) {
        num = std::max(num, std::fabs(a[k] - r[k]));
        den = std::max(den, std::fabs(r[k]));
    }
    return den > 0.0 ? num / den : num;
}

// Random starting values of an accumulator, as large as the gradient g that
// will be added (so "overwritten" instead of "added" cannot pass).
FVec start_values(const Vec &g, unsigned seed) {
    double big = 0.0;
    for (double v : g) big = std::max(big, std::fabs(v));
    return randn(g.size(), seed, big > 0.0 ? float(big) : 1.0f);
}

Vec plus(const FVec &a, const Vec &b) {
    Vec r(b.size());
    for (size_t k = 0; k < b.size(); ++k) r[k] = double(a[k]) + b[k];
    return r;
}

bool all_equal(const FVec &v, size_t from, size_t to, float value) {
    for (size_t k = from; k < to; ++k)
        if (!(v[k] == value)) return false;
    return true;
}

double dot(const Vec &a, const Vec &b) {
    double s = 0.0;
    for (size_t k = 0; k < a.size(); ++k) s += a[k] * b[k];
    return s;
}

// Central differences of f at theta, every entry (f linear or smooth near theta).
Vec fd_gradient(const std::function<double(const Vec &)> &f, Vec theta, double h) {
    Vec g(theta.size());
    for (size_t k = 0; k < theta.size(); ++k) {
        const double t = theta[k];
        theta[k] = t + h;
        const double fp = f(theta);
        theta[k] = t - h;
        const double fm = f(theta);
        theta[k] = t;
        g[k] = (fp - fm) / (2.0 * h);
    }
    return g;
}

// ---------------------------------------------------------------- convolution

struct Conv {
    sfl_patch_params p;
    sfl_dims4 in;
    int32_t cout;
    int32_t oh = 0, ow = 0, m = 0;
    Conv(sfl_patch_params pp, sfl_dims4 d, int32_t co) : p(pp), in(d), cout(co) {
        oh = SFL_PATCH_OUT_EXTENT(d.h, pp.kernel.h, pp.stride.h, pp.padding.h);
        ow = SFL_PATCH_OUT_EXTENT(d.w, pp.kernel.w, pp.stride.w, pp.padding.w);
        m = pp.kernel.h * pp.kernel.w * d.c;
    }
    size_t x_len() const { return size_t(in.n) * in.h * in.w * in.c; }
    size_t img() const { return size_t(in.h) * in.w * in.c; }
    size_t y_len() const { return size_t(in.n) * oh * ow * cout; }
    size_t y_img() const { return size_t(oh) * ow * cout; }
    // Input pixel under kernel tap (dy, dx) of output (oy, ox), or -1 (padding).
    long x_at(int i, int oy, int ox, int dy, int dx, int ch) const {
        const int y = oy * p.stride.h - p.padding.h + dy, x = ox * p.stride.w - p.padding.w + dx;
        if (y < 0 || y >= in.h || x < 0 || x >= in.w) return -1;
        return ((long(i) * in.h + y) * in.w + x) * in.c + ch;
    }
    long w_at(int dy, int dx, int ch, int co) const { return (long(dy * p.kernel.w + dx) * in.c + ch) * cout + co; }
    long y_at(int i, int oy, int ox, int co) const { return ((long(i) * oh + oy) * ow + ox) * cout + co; }
};

// Y = cross-correlation of X with W, plus b (empty: no bias); naive loops in double.
Vec conv_ref(const Conv &c, const Vec &X, const Vec &W, const Vec &b) {
    Vec Y(c.y_len());
    for (int i = 0; i < c.in.n; ++i)
        for (int oy = 0; oy < c.oh; ++oy)
            for (int ox = 0; ox < c.ow; ++ox)
                for (int co = 0; co < c.cout; ++co) {
                    double s = b.empty() ? 0.0 : b[co];
                    for (int dy = 0; dy < c.p.kernel.h; ++dy)
                        for (int dx = 0; dx < c.p.kernel.w; ++dx)
                            for (int ch = 0; ch < c.in.c; ++ch) {
                                const long xi = c.x_at(i, oy, ox, dy, dx, ch);
                                if (xi >= 0) s += X[xi] * W[c.w_at(dy, dx, ch, co)];
                            }
                    Y[c.y_at(i, oy, ox, co)] = s;
                }
    return Y;
}

// Gradients of <R, Y> (the adjoint of conv_ref), naive loops in double.
void conv_adjoint_ref(const Conv &c, const Vec &X, const Vec &W, const Vec &R, Vec *dX, Vec *dW, Vec *db) {
    dX->assign(c.x_len(), 0.0);
    dW->assign(W.size(), 0.0);
    db->assign(size_t(c.cout), 0.0);
    for (int i = 0; i < c.in.n; ++i)
        for (int oy = 0; oy < c.oh; ++oy)
            for (int ox = 0; ox < c.ow; ++ox)
                for (int co = 0; co < c.cout; ++co) {
                    const double r = R[c.y_at(i, oy, ox, co)];
                    (*db)[co] += r;
                    for (int dy = 0; dy < c.p.kernel.h; ++dy)
                        for (int dx = 0; dx < c.p.kernel.w; ++dx)
                            for (int ch = 0; ch < c.in.c; ++ch) {
                                const long xi = c.x_at(i, oy, ox, dy, dx, ch);
                                if (xi < 0) continue;
                                const long wi = c.w_at(dy, dx, ch, co);
                                (*dX)[xi] += W[wi] * r;
                                (*dW)[wi] += X[xi] * r;
                            }
                }
}

// The library's workspaces, sized by the queries (which must equal the macros).
struct ConvWorkspaces {
    AlignedBuffer fwd, bwd;
    explicit ConvWorkspaces(const Conv &c) {
        size_t f = 0, b = 0;
        REQUIRE(sfl_conv2d_forward_workspace_size(&c.p, &c.in, c.cout, &f) == SFL_OK);
        REQUIRE(sfl_conv2d_backward_workspace_size(&c.p, &c.in, c.cout, &b) == SFL_OK);
        CHECK(f == SFL_CONV2D_FORWARD_WORKSPACE_BYTES_FOR(c.m, int64_t(c.in.n) * c.oh * c.ow));
        CHECK(f <= SFL_CONV2D_FORWARD_WORKSPACE_BYTES(c.m));
        CHECK(b == SFL_CONV2D_BACKWARD_WORKSPACE_BYTES(c.m, c.cout));
        fwd = AlignedBuffer(f);
        bwd = AlignedBuffer(b);
    }
};

// Forward and backward of one convolution over `range` against the references:
// outputs outside the range keep their sentinels, dW and db are added onto
// random starting values.
void check_conv(const Conv &c, sfl_range range, bool bias, bool want_dx, unsigned seed) {
    CAPTURE(c.in.n);
    CAPTURE(c.in.h);
    CAPTURE(c.in.w);
    CAPTURE(c.in.c);
    CAPTURE(c.cout);
    CAPTURE(range.begin);
    CAPTURE(range.end);
    const FVec X = randn(c.x_len(), seed), W = randn(size_t(c.m) * c.cout, seed + 1, 0.3f),
               b = randn(size_t(c.cout), seed + 2), R = randn(c.y_len(), seed + 3);
    ConvWorkspaces ws(c);
    const sfl_workspace fws = ws.fwd.workspace(), bws = ws.bwd.workspace();

    FVec Y(c.y_len(), kSentinel);
    REQUIRE(sfl_conv2d_forward(&fws, &c.p, &c.in, range, X.data(), c.cout, W.data(), bias ? b.data() : nullptr,
                               Y.data()) == SFL_OK);
    const Vec Yref = conv_ref(c, to_double(X), to_double(W), bias ? to_double(b) : Vec());
    const size_t y0 = range.begin * c.y_img(), y1 = range.end * c.y_img();
    CHECK(all_equal(Y, 0, y0, kSentinel));
    CHECK(all_equal(Y, y1, Y.size(), kSentinel));
    if (y1 > y0) CHECK(rel_err(Y, Yref, y0, y1) <= kFwdTol);

    // backward of <R, Y> restricted to the range: R outside the range is not read
    FVec Rr = R;
    std::fill(Rr.begin(), Rr.begin() + long(y0), std::numeric_limits<float>::quiet_NaN());
    std::fill(Rr.begin() + long(y1), Rr.end(), std::numeric_limits<float>::quiet_NaN());
    Vec Rref(c.y_len(), 0.0);
    for (size_t k = y0; k < y1; ++k) Rref[k] = R[k];
    Vec gX, gW, gb;
    conv_adjoint_ref(c, to_double(X), to_double(W), Rref, &gX, &gW, &gb);
    const FVec dW0 = start_values(gW, seed + 4), db0 = start_values(gb, seed + 5);
    FVec dX(c.x_len(), kSentinel), dW = dW0, db = db0;
    REQUIRE(sfl_conv2d_backward(&bws, &c.p, &c.in, range, X.data(), c.cout, W.data(), Rr.data(),
                                want_dx ? dX.data() : nullptr, dW.data(), bias ? db.data() : nullptr) == SFL_OK);
    CHECK(rel_err(dW, plus(dW0, gW)) <= kGradTol); // added onto the starting values
    if (bias) CHECK(rel_err(db, plus(db0, gb)) <= kGradTol);
    else CHECK(db == db0);
    const size_t x0 = range.begin * c.img(), x1 = range.end * c.img();
    if (want_dx) {
        CHECK(all_equal(dX, 0, x0, kSentinel));
        CHECK(all_equal(dX, x1, dX.size(), kSentinel));
        if (x1 > x0) CHECK(rel_err(dX, gX, x0, x1) <= kGradTol);
    }
}

TEST_CASE("conv2d reference adjoint == central finite differences of the double reference") {
    // The oracle itself: stride 2, padding 1, a non-square kernel.
    sfl_patch_params p = SFL_PATCH_PARAMS_INIT(3, 2);
    p.stride = sfl_tile{2, 1};
    p.padding = sfl_tile{1, 1};
    const Conv c(p, sfl_dims4{2, 5, 4, 2}, 3);
    const Vec X = to_double(randn(c.x_len(), 1)), W = to_double(randn(size_t(c.m) * c.cout, 2)),
              b = to_double(randn(size_t(c.cout), 3)), R = to_double(randn(c.y_len(), 4));
    Vec gX, gW, gb;
    conv_adjoint_ref(c, X, W, R, &gX, &gW, &gb);
    const Vec fX = fd_gradient([&](const Vec &t) { return dot(R, conv_ref(c, t, W, b)); }, X, 1e-3);
    const Vec fW = fd_gradient([&](const Vec &t) { return dot(R, conv_ref(c, X, t, b)); }, W, 1e-3);
    const Vec fb = fd_gradient([&](const Vec &t) { return dot(R, conv_ref(c, X, W, t)); }, b, 1e-3);
    CHECK(rel_err(gX, fX) <= 1e-9);
    CHECK(rel_err(gW, fW) <= 1e-9);
    CHECK(rel_err(gb, fb) <= 1e-9);
}

TEST_CASE("conv2d: forward and backward against the double reference (stride, padding, kernels)") {
    struct Shape {
        sfl_tile k, s, pad;
        sfl_dims4 in;
        int32_t cout;
    };
    const Shape shapes[] = {
        {{3, 3}, {1, 1}, {0, 0}, {3, 6, 5, 2}, 4},   // valid convolution
        {{3, 3}, {2, 2}, {1, 1}, {3, 7, 6, 2}, 5},   // stride 2, padding 1
        {{2, 3}, {1, 2}, {1, 0}, {2, 5, 7, 3}, 3},   // non-square, mixed stride/padding
        {{1, 1}, {1, 1}, {0, 0}, {2, 3, 3, 4}, 6},   // 1x1 conv == per-pixel linear
        {{5, 5}, {3, 3}, {4, 4}, {2, 5, 5, 1}, 2},   // padding kernel-1, outputs mostly padding
        {{3, 3}, {1, 1}, {1, 1}, {20, 5, 5, 1}, 3},  // 500 patches: tiles of 256 cross images
        {{4, 4}, {1, 1}, {0, 0}, {3, 4, 4, 2}, 7},   // kernel == image: one patch per image
    };
    unsigned seed = 100;
    for (const Shape &s : shapes) {
        const sfl_patch_params p = {s.k, s.s, s.pad};
        const Conv c(p, s.in, s.cout);
        check_conv(c, sfl_range{0, s.in.n}, true, true, seed++);
        check_conv(c, sfl_range{0, s.in.n}, false, true, seed++);                // no bias
        check_conv(c, sfl_range{1, s.in.n}, true, false, seed++);                // no dX, sub-range
        if (s.in.n >= 3) check_conv(c, sfl_range{1, s.in.n - 1}, true, true, seed++); // strict sub-range
        check_conv(c, sfl_range{1, 1}, true, true, seed++);                      // empty range: nothing
    }
}

TEST_CASE("conv2d: the paper's LeNet shapes (5x5 1->20 on 28x28, 5x5 20->50 on 12x12)") {
    const Conv c1(SFL_PATCH_PARAMS_INIT(5, 5), sfl_dims4{2, 28, 28, 1}, 20);
    CHECK(c1.oh == 24);
    CHECK(c1.m == 25);
    check_conv(c1, sfl_range{0, 2}, true, true, 7u);
    check_conv(c1, sfl_range{1, 2}, true, true, 8u);
    const Conv c2(SFL_PATCH_PARAMS_INIT(5, 5), sfl_dims4{3, 12, 12, 20}, 50);
    CHECK(c2.oh == 8);
    CHECK(c2.m == 500);
    check_conv(c2, sfl_range{0, 3}, true, true, 9u);
    check_conv(c2, sfl_range{1, 2}, true, true, 10u);
}

TEST_CASE("conv2d: range calls with separate accumulators add up to one call over the batch") {
    const Conv c(SFL_PATCH_PARAMS_INIT(3, 3), sfl_dims4{9, 8, 8, 2}, 4); // 36 patches per image
    const FVec X = randn(c.x_len(), 41), W = randn(size_t(c.m) * c.cout, 42), b = randn(4, 43),
               dY = randn(c.y_len(), 44);
    ConvWorkspaces ws(c);
    const sfl_workspace fws = ws.fwd.workspace(), bws = ws.bwd.workspace();
    FVec Y1(c.y_len()), Y2(c.y_len(), kSentinel), dX1(c.x_len()), dX2(c.x_len(), kSentinel);
    FVec dW1(W.size(), 0.0f), dWa(W.size(), 0.0f), dWb(W.size(), 0.0f), db1(4, 0.0f), dba(4, 0.0f), dbb(4, 0.0f);
    REQUIRE(sfl_conv2d_forward(&fws, &c.p, &c.in, sfl_range{0, 9}, X.data(), 4, W.data(), b.data(), Y1.data()) == SFL_OK);
    REQUIRE(sfl_conv2d_backward(&bws, &c.p, &c.in, sfl_range{0, 9}, X.data(), 4, W.data(), dY.data(), dX1.data(),
                                dW1.data(), db1.data()) == SFL_OK);
    for (sfl_range r : {sfl_range{0, 4}, sfl_range{4, 9}}) {
        REQUIRE(sfl_conv2d_forward(&fws, &c.p, &c.in, r, X.data(), 4, W.data(), b.data(), Y2.data()) == SFL_OK);
        REQUIRE(sfl_conv2d_backward(&bws, &c.p, &c.in, r, X.data(), 4, W.data(), dY.data(), dX2.data(),
                                    r.begin == 0 ? dWa.data() : dWb.data(), r.begin == 0 ? dba.data() : dbb.data()) == SFL_OK);
    }
    Vec dWsum(W.size()), dbsum(4);
    for (size_t k = 0; k < W.size(); ++k) dWsum[k] = double(dWa[k]) + dWb[k];
    for (size_t k = 0; k < 4; ++k) dbsum[k] = double(dba[k]) + dbb[k];
    CHECK(rel_err(Y2, to_double(Y1)) <= 1e-6);
    CHECK(rel_err(dX2, to_double(dX1)) <= 1e-6);
    CHECK(rel_err(dW1, dWsum) <= 1e-5);
    CHECK(rel_err(db1, dbsum) <= 1e-5);
}

TEST_CASE("conv2d: non-finite inputs propagate, never crash") {
    const Conv c(SFL_PATCH_PARAMS_INIT(2, 2), sfl_dims4{1, 3, 3, 1}, 1);
    FVec X(9, 1.0f), W(4, 1.0f), Y(c.y_len(), 0.0f);
    X[4] = std::numeric_limits<float>::quiet_NaN(); // the centre: in every patch
    ConvWorkspaces ws(c);
    const sfl_workspace fws = ws.fwd.workspace();
    REQUIRE(sfl_conv2d_forward(&fws, &c.p, &c.in, sfl_range{0, 1}, X.data(), 1, W.data(), nullptr, Y.data()) == SFL_OK);
    for (float y : Y) CHECK(std::isnan(y));
}

// ---------------------------------------------------------------- max pooling

struct Pool {
    sfl_patch_params p;
    sfl_dims4 in;
    int32_t oh, ow;
    Pool(sfl_tile k, sfl_tile s, sfl_dims4 d)
        : p{k, s, {0, 0}}, in(d), oh((d.h - k.h) / s.h + 1), ow((d.w - k.w) / s.w + 1) {}
    size_t img() const { return size_t(in.h) * in.w * in.c; }
    size_t out_img() const { return size_t(oh) * ow * in.c; }
};

// Naive max pooling in double: Y and the argmax offsets (first maximum in
// row-major window order; NaN wins).
void pool_ref(const Pool &q, const Vec &X, Vec *Y, std::vector<int32_t> *idx) {
    Y->assign(size_t(q.in.n) * q.out_img(), 0.0);
    idx->assign(Y->size(), -1);
    for (int i = 0; i < q.in.n; ++i)
        for (int oy = 0; oy < q.oh; ++oy)
            for (int ox = 0; ox < q.ow; ++ox)
                for (int ch = 0; ch < q.in.c; ++ch) {
                    int32_t best = -1;
                    for (int dy = 0; dy < q.p.kernel.h; ++dy)
                        for (int dx = 0; dx < q.p.kernel.w; ++dx) {
                            const int32_t off = ((oy * q.p.stride.h + dy) * q.in.w + ox * q.p.stride.w + dx) * q.in.c + ch;
                            const double v = X[i * q.img() + size_t(off)];
                            if (best < 0) { best = off; continue; }
                            const double m = X[i * q.img() + size_t(best)];
                            if (std::isnan(m)) continue;
                            if (std::isnan(v) || v > m) best = off;
                        }
                    const size_t o = i * q.out_img() + (size_t(oy) * q.ow + ox) * q.in.c + ch;
                    (*Y)[o] = X[i * q.img() + size_t(best)];
                    (*idx)[o] = best;
                }
}

Vec pool_only(const Pool &q, const Vec &X) {
    Vec Y;
    std::vector<int32_t> idx;
    pool_ref(q, X, &Y, &idx);
    return Y;
}

TEST_CASE("maxpool: forward, index and backward against the reference (overlapping windows, ranges)") {
    struct Shape {
        sfl_tile k, s;
        sfl_dims4 in;
    };
    const Shape shapes[] = {
        {{2, 2}, {2, 2}, {3, 6, 6, 3}},   // the paper's 2x2/2
        {{2, 2}, {2, 2}, {3, 7, 5, 2}},   // odd sizes: the last row/column dropped
        {{3, 3}, {2, 2}, {2, 7, 7, 2}},   // overlapping windows: gradients add up
        {{2, 3}, {1, 2}, {3, 5, 8, 1}},   // non-square window, mixed stride
        {{1, 1}, {1, 1}, {2, 3, 3, 2}},   // identity
        {{4, 5}, {1, 1}, {2, 4, 5, 3}},   // one window per image
    };
    unsigned seed = 300;
    for (const Shape &s : shapes) {
        const Pool q(s.k, s.s, s.in);
        CAPTURE(q.in.h);
        CAPTURE(q.in.w);
        CAPTURE(q.p.kernel.h);
        sfl_dims4 out{};
        REQUIRE(sfl_maxpool2d_out_dims(&q.p, &q.in, &out) == SFL_OK);
        CHECK(out.n == q.in.n);
        CHECK(out.h == q.oh);
        CHECK(out.w == q.ow);
        CHECK(out.c == q.in.c);
        const FVec X = randn(size_t(q.in.n) * q.img(), seed++); // distinct values: no ties
        const FVec R = randn(size_t(q.in.n) * q.out_img(), seed++);
        Vec Yref;
        std::vector<int32_t> iref;
        pool_ref(q, to_double(X), &Yref, &iref);
        for (sfl_range r : {sfl_range{0, q.in.n}, sfl_range{1, q.in.n}, sfl_range{0, 1}}) {
            CAPTURE(r.begin);
            CAPTURE(r.end);
            FVec Y(Yref.size(), kSentinel), Yn(Yref.size(), kSentinel), dX(X.size(), kSentinel);
            std::vector<int32_t> idx(Yref.size(), -5);
            REQUIRE(sfl_maxpool2d_forward(&q.p, &q.in, r, X.data(), Y.data(), idx.data()) == SFL_OK);
            REQUIRE(sfl_maxpool2d_forward(&q.p, &q.in, r, X.data(), Yn.data(), nullptr) == SFL_OK);
            CHECK(Yn == Y);
            const size_t o0 = r.begin * q.out_img(), o1 = r.end * q.out_img();
            for (size_t k = 0; k < Y.size(); ++k) {
                const bool in_range = k >= o0 && k < o1;
                if (in_range) {
                    CHECK(double(Y[k]) == Yref[k]);
                    CHECK(idx[k] == iref[k]);
                } else {
                    CHECK(Y[k] == kSentinel);
                    CHECK(idx[k] == -5);
                }
            }
            REQUIRE(sfl_maxpool2d_backward(&q.p, &q.in, r, idx.data(), R.data(), dX.data()) == SFL_OK);
            // gradient of <R, Y> over the range: finite differences of the reference
            Vec Rr(R.size(), 0.0);
            for (size_t k = o0; k < o1; ++k) Rr[k] = R[k];
            const Vec g = fd_gradient([&](const Vec &t) { return dot(Rr, pool_only(q, t)); }, to_double(X), 1e-7);
            const size_t x0 = r.begin * q.img(), x1 = r.end * q.img();
            CHECK(all_equal(dX, 0, x0, kSentinel));
            CHECK(all_equal(dX, x1, dX.size(), kSentinel));
            CHECK(rel_err(dX, g, x0, x1) <= 1e-6);
        }
    }
}

TEST_CASE("maxpool: the paper's shapes (2x2/2 on 24x24x20 and 8x8x50)") {
    for (const sfl_dims4 in : {sfl_dims4{2, 24, 24, 20}, sfl_dims4{2, 8, 8, 50}}) {
        const Pool q({2, 2}, {2, 2}, in);
        CHECK(q.oh == in.h / 2);
        const FVec X = randn(size_t(in.n) * q.img(), 11), R = randn(size_t(in.n) * q.out_img(), 12);
        Vec Yref;
        std::vector<int32_t> iref;
        pool_ref(q, to_double(X), &Yref, &iref);
        FVec Y(Yref.size()), dX(X.size(), kSentinel);
        std::vector<int32_t> idx(Yref.size());
        REQUIRE(sfl_maxpool2d_forward(&q.p, &q.in, sfl_range{0, in.n}, X.data(), Y.data(), idx.data()) == SFL_OK);
        CHECK(rel_err(Y, Yref) == 0.0);
        CHECK(idx == iref);
        REQUIRE(sfl_maxpool2d_backward(&q.p, &q.in, sfl_range{0, in.n}, idx.data(), R.data(), dX.data()) == SFL_OK);
        // adjoint: each R lands on its argmax (2x2/2 windows are disjoint), zero elsewhere
        Vec g(X.size(), 0.0);
        for (size_t o = 0; o < R.size(); ++o) g[(o / q.out_img()) * q.img() + size_t(iref[o])] += R[o];
        CHECK(rel_err(dX, g) == 0.0);
    }
}

TEST_CASE("maxpool: ties go to the first maximum in row-major window order, NaN propagates") {
    const Pool q({2, 2}, {2, 2}, sfl_dims4{1, 2, 4, 2});
    // channel 0: window 1 all equal; window 2 tie between (0,3) and (1,2)
    // channel 1: window 1 NaN at (1,0); window 2 NaN at (0,2) and (1,3)
    const float nan = std::numeric_limits<float>::quiet_NaN();
    FVec X(16);
    auto at = [&](int y, int x, int ch) -> float & { return X[size_t((y * 4 + x) * 2 + ch)]; };
    at(0, 0, 0) = 5; at(0, 1, 0) = 5; at(1, 0, 0) = 5; at(1, 1, 0) = 5;
    at(0, 2, 0) = 1; at(0, 3, 0) = 7; at(1, 2, 0) = 7; at(1, 3, 0) = -2;
    at(0, 0, 1) = 9; at(0, 1, 1) = 3; at(1, 0, 1) = nan; at(1, 1, 1) = 100;
    at(0, 2, 1) = nan; at(0, 3, 1) = 1e30f; at(1, 2, 1) = 2; at(1, 3, 1) = nan;
    FVec Y(4);
    std::vector<int32_t> idx(4);
    REQUIRE(sfl_maxpool2d_forward(&q.p, &q.in, sfl_range{0, 1}, X.data(), Y.data(), idx.data()) == SFL_OK);
    CHECK(Y[0] == 5.0f);
    CHECK(idx[0] == 0);                 // (0,0,0): the first of four equal values
    CHECK(Y[2] == 7.0f);
    CHECK(idx[2] == (0 * 4 + 3) * 2);   // (0,3,0) before (1,2,0)
    CHECK(std::isnan(Y[1]));
    CHECK(idx[1] == (1 * 4 + 0) * 2 + 1);
    CHECK(std::isnan(Y[3]));
    CHECK(idx[3] == (0 * 4 + 2) * 2 + 1); // the first NaN
    const FVec dY = {1.0f, 2.0f, 3.0f, 4.0f};
    FVec dX(16, kSentinel);
    REQUIRE(sfl_maxpool2d_backward(&q.p, &q.in, sfl_range{0, 1}, idx.data(), dY.data(), dX.data()) == SFL_OK);
    FVec expect(16, 0.0f);
    expect[0] = 1.0f;
    expect[(1 * 4 + 0) * 2 + 1] = 2.0f;
    expect[(0 * 4 + 3) * 2] = 3.0f;
    expect[(0 * 4 + 2) * 2 + 1] = 4.0f;
    CHECK(dX == expect);
}

// ---------------------------------------------------------------------- ReLU

TEST_CASE("ReLU: forward/backward over sizes around the SIMD width, offsets, in place, NaN") {
    const int L = sfl::simd::lanes;
    std::vector<size_t> sizes;
    for (int n = 0; n <= 2 * L + 1; ++n) sizes.push_back(size_t(n));
    for (int n : {4 * L, 4 * L + 3, 1000}) sizes.push_back(size_t(n));
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (size_t n : sizes) {
        for (size_t off : {0, 1}) {
            CAPTURE(n);
            CAPTURE(off);
            FVec X = randn(n + off + 1, unsigned(n * 7 + off)), dY = randn(n + off + 1, unsigned(n * 7 + off + 3));
            if (n > 2) {
                X[off + 1] = nan;
                X[off + 2] = 0.0f;
            }
            FVec Y(X.size(), kSentinel), dX(X.size(), kSentinel);
            REQUIRE(sfl_relu_forward(n, X.data() + off, Y.data() + off) == SFL_OK);
            REQUIRE(sfl_relu_backward(n, Y.data() + off, dY.data() + off, dX.data() + off) == SFL_OK);
            for (size_t k = 0; k < X.size(); ++k) {
                if (k < off || k >= off + n) {
                    CHECK(Y[k] == kSentinel); // nothing written outside
                    CHECK(dX[k] == kSentinel);
                    continue;
                }
                if (std::isnan(X[k])) CHECK(std::isnan(Y[k]));
                else CHECK(Y[k] == (X[k] > 0.0f ? X[k] : 0.0f));
                CHECK(dX[k] == (Y[k] > 0.0f ? dY[k] : 0.0f));
            }
            // in place: same answers
            FVec Yi = X, dYi = dY;
            REQUIRE(sfl_relu_forward(n, Yi.data() + off, Yi.data() + off) == SFL_OK);
            REQUIRE(sfl_relu_backward(n, Yi.data() + off, dYi.data() + off, dYi.data() + off) == SFL_OK);
            for (size_t k = off; k < off + n; ++k) {
                CHECK((Yi[k] == Y[k] || (std::isnan(Yi[k]) && std::isnan(Y[k]))));
                CHECK(dYi[k] == dX[k]);
            }
        }
    }
}

// ------------------------------------------------------------ fully connected

Vec linear_ref(int in, int out, int n, const Vec &X, const Vec &W, const Vec &b) {
    Vec Y(size_t(n) * out);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < out; ++j) {
            double s = b.empty() ? 0.0 : b[j];
            for (int k = 0; k < in; ++k) s += X[size_t(i) * in + k] * W[size_t(k) * out + j];
            Y[size_t(i) * out + j] = s;
        }
    return Y;
}

void linear_adjoint_ref(int in, int out, int n, const Vec &X, const Vec &W, const Vec &R, Vec *dX, Vec *dW, Vec *db) {
    dX->assign(size_t(n) * in, 0.0);
    dW->assign(W.size(), 0.0);
    db->assign(size_t(out), 0.0);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < out; ++j) {
            const double r = R[size_t(i) * out + j];
            (*db)[j] += r;
            for (int k = 0; k < in; ++k) {
                (*dX)[size_t(i) * in + k] += W[size_t(k) * out + j] * r;
                (*dW)[size_t(k) * out + j] += X[size_t(i) * in + k] * r;
            }
        }
}

TEST_CASE("linear reference adjoint == central finite differences of the double reference") {
    const int in = 5, out = 4, n = 3;
    const Vec X = to_double(randn(size_t(n) * in, 1)), W = to_double(randn(size_t(in) * out, 2)),
              b = to_double(randn(size_t(out), 3)), R = to_double(randn(size_t(n) * out, 4));
    Vec gX, gW, gb;
    linear_adjoint_ref(in, out, n, X, W, R, &gX, &gW, &gb);
    CHECK(rel_err(gX, fd_gradient([&](const Vec &t) { return dot(R, linear_ref(in, out, n, t, W, b)); }, X, 1e-3)) <= 1e-9);
    CHECK(rel_err(gW, fd_gradient([&](const Vec &t) { return dot(R, linear_ref(in, out, n, X, t, b)); }, W, 1e-3)) <= 1e-9);
    CHECK(rel_err(gb, fd_gradient([&](const Vec &t) { return dot(R, linear_ref(in, out, n, X, W, t)); }, b, 1e-3)) <= 1e-9);
}

void check_linear(int32_t in, int32_t out, int32_t n, sfl_range range, bool bias, bool want_dx, unsigned seed) {
    CAPTURE(in);
    CAPTURE(out);
    CAPTURE(n);
    CAPTURE(range.begin);
    CAPTURE(range.end);
    const sfl_linear_dims dims = {in, out};
    const FVec X = randn(size_t(n) * in, seed), W = randn(size_t(in) * out, seed + 1, 0.1f),
               b = randn(size_t(out), seed + 2), R = randn(size_t(n) * out, seed + 3);
    size_t bytes = 0;
    REQUIRE(sfl_linear_backward_workspace_size(&dims, &bytes) == SFL_OK);
    CHECK(bytes == SFL_LINEAR_BACKWARD_WORKSPACE_BYTES(in, out));
    AlignedBuffer mem(bytes);
    const sfl_workspace ws = mem.workspace();

    FVec Y(size_t(n) * out, kSentinel);
    REQUIRE(sfl_linear_forward(&dims, n, range, X.data(), W.data(), bias ? b.data() : nullptr, Y.data()) == SFL_OK);
    const Vec Yref = linear_ref(in, out, n, to_double(X), to_double(W), bias ? to_double(b) : Vec());
    const size_t y0 = size_t(range.begin) * out, y1 = size_t(range.end) * out;
    CHECK(all_equal(Y, 0, y0, kSentinel));
    CHECK(all_equal(Y, y1, Y.size(), kSentinel));
    if (y1 > y0) CHECK(rel_err(Y, Yref, y0, y1) <= kFwdTol);

    FVec Rr = R;
    std::fill(Rr.begin(), Rr.begin() + long(y0), std::numeric_limits<float>::quiet_NaN());
    std::fill(Rr.begin() + long(y1), Rr.end(), std::numeric_limits<float>::quiet_NaN());
    Vec Rref(R.size(), 0.0);
    for (size_t k = y0; k < y1; ++k) Rref[k] = R[k];
    Vec gX, gW, gb;
    linear_adjoint_ref(in, out, n, to_double(X), to_double(W), Rref, &gX, &gW, &gb);
    const FVec dW0 = start_values(gW, seed + 4), db0 = start_values(gb, seed + 5);
    FVec dX(X.size(), kSentinel), dW = dW0, db = db0;
    REQUIRE(sfl_linear_backward(&ws, &dims, n, range, X.data(), W.data(), Rr.data(), want_dx ? dX.data() : nullptr,
                                dW.data(), bias ? db.data() : nullptr) == SFL_OK);
    CHECK(rel_err(dW, plus(dW0, gW)) <= kGradTol); // added onto the starting values
    if (bias) CHECK(rel_err(db, plus(db0, gb)) <= kGradTol);
    else CHECK(db == db0);
    if (range.end == range.begin) CHECK(dW == dW0);
    const size_t x0 = size_t(range.begin) * in, x1 = size_t(range.end) * in;
    if (want_dx) {
        CHECK(all_equal(dX, 0, x0, kSentinel));
        CHECK(all_equal(dX, x1, dX.size(), kSentinel));
        if (x1 > x0) CHECK(rel_err(dX, gX, x0, x1) <= kGradTol);
    }
}

TEST_CASE("linear: forward and backward against the double reference, ranges, bias and dX optional") {
    unsigned seed = 500;
    for (auto d : {std::make_pair(1, 1), std::make_pair(7, 3), std::make_pair(17, 33), std::make_pair(64, 10)}) {
        check_linear(d.first, d.second, 5, sfl_range{0, 5}, true, true, seed++);
        check_linear(d.first, d.second, 5, sfl_range{1, 4}, true, true, seed++);
        check_linear(d.first, d.second, 5, sfl_range{2, 5}, false, false, seed++);
        check_linear(d.first, d.second, 5, sfl_range{3, 3}, true, true, seed++);
    }
}

TEST_CASE("linear: the paper's shapes (800->500, 500->10)") {
    check_linear(800, 500, 4, sfl_range{0, 4}, true, true, 600u);
    check_linear(800, 500, 4, sfl_range{1, 3}, true, true, 601u);
    check_linear(500, 10, 70, sfl_range{3, 70}, true, true, 602u);
}

// ------------------------------------------------------ softmax cross-entropy

// loss_i in double (labels -1: 0).
Vec xent_ref(int classes, int n, const Vec &z, const std::vector<int32_t> &labels) {
    Vec loss(size_t(n), 0.0);
    for (int i = 0; i < n; ++i) {
        if (labels[i] < 0) continue;
        const double *r = z.data() + size_t(i) * classes;
        const double mx = *std::max_element(r, r + classes);
        double s = 0.0;
        for (int j = 0; j < classes; ++j) s += std::exp(r[j] - mx);
        loss[i] = mx + std::log(s) - r[labels[i]];
    }
    return loss;
}

TEST_CASE("softmax xent: loss and gradient against the double reference and its finite differences") {
    const int classes = 10, n = 7;
    const float scale = 1.0f / 7.0f;
    const FVec z = randn(size_t(n) * classes, 71, 3.0f);
    const std::vector<int32_t> labels = {3, -1, 0, 9, 5, -1, 2};
    for (sfl_range r : {sfl_range{0, n}, sfl_range{2, 6}, sfl_range{4, 4}}) {
        CAPTURE(r.begin);
        CAPTURE(r.end);
        FVec loss(size_t(n), kSentinel), d(z.size(), kSentinel);
        REQUIRE(sfl_softmax_xent(n, classes, r, z.data(), labels.data(), scale, loss.data(), d.data()) == SFL_OK);
        const Vec lref = xent_ref(classes, n, to_double(z), labels);
        // d/dz of scale * sum of the losses in range
        auto f = [&](const Vec &t) {
            const Vec l = xent_ref(classes, n, t, labels);
            double s = 0.0;
            for (int i = r.begin; i < r.end; ++i) s += l[i];
            return double(scale) * s;
        };
        const Vec g = fd_gradient(f, to_double(z), 1e-5);
        for (int i = 0; i < n; ++i) {
            const bool in = i >= r.begin && i < r.end;
            CAPTURE(i);
            if (!in) {
                CHECK(loss[i] == kSentinel);
                CHECK(all_equal(d, size_t(i) * classes, size_t(i + 1) * classes, kSentinel));
                continue;
            }
            if (labels[i] < 0) {
                CHECK(loss[i] == 0.0f);
                CHECK(all_equal(d, size_t(i) * classes, size_t(i + 1) * classes, 0.0f));
                continue;
            }
            CHECK(std::fabs(loss[i] - lref[i]) <= 1e-5 * std::max(1.0, std::fabs(lref[i])));
            for (int j = 0; j < classes; ++j) {
                const size_t k = size_t(i) * classes + j;
                CHECK(std::fabs(d[k] - g[k]) <= 1e-6);
            }
        }
        // loss and dlogits are each optional; in place gives the same gradient
        FVec loss2(size_t(n), kSentinel), d2 = z;
        REQUIRE(sfl_softmax_xent(n, classes, r, z.data(), labels.data(), scale, loss2.data(), nullptr) == SFL_OK);
        CHECK(loss2 == loss);
        REQUIRE(sfl_softmax_xent(n, classes, r, d2.data(), labels.data(), scale, nullptr, d2.data()) == SFL_OK);
        for (size_t k = size_t(r.begin) * classes; k < size_t(r.end) * classes; ++k) CHECK(d2[k] == d[k]);
    }
}

TEST_CASE("softmax xent: huge logits (1e4) stay finite and exact, and two classes") {
    const int classes = 4, n = 3;
    const FVec z = {1e4f, -1e4f, 0.0f, 1e4f,        // tie at the top, label the loser
                    -1e4f, -1e4f + 1.0f, -1e4f, -1e4f, // all very negative
                    3e4f, 1e4f, 2e4f, -3e4f};
    const std::vector<int32_t> labels = {1, 1, 3};
    FVec loss(3), d(z.size());
    REQUIRE(sfl_softmax_xent(n, classes, sfl_range{0, n}, z.data(), labels.data(), 1.0f, loss.data(), d.data()) == SFL_OK);
    const Vec lref = xent_ref(classes, n, to_double(z), labels);
    for (int i = 0; i < n; ++i) {
        CAPTURE(i);
        CHECK(std::isfinite(loss[i]));
        CHECK(std::fabs(loss[i] - lref[i]) <= 1e-6 * std::max(1.0, std::fabs(lref[i])));
    }
    CHECK(std::fabs(loss[0] - (2e4 + std::log(2.0))) <= 1e-2);
    CHECK(std::fabs(loss[2] - 6e4) <= 1e-2);
    for (float v : d) CHECK(std::isfinite(v));
    CHECK(d[0] == doctest::Approx(0.5f));
    CHECK(d[3] == doctest::Approx(0.5f));
    CHECK(d[1] == doctest::Approx(-1.0f));
    CHECK(d[8] == doctest::Approx(1.0f));
    CHECK(d[11] == doctest::Approx(-1.0f));
    // every labelled gradient row sums to 0 (softmax sums to 1)
    for (int i = 0; i < n; ++i) {
        double s = 0.0;
        for (int j = 0; j < classes; ++j) s += d[size_t(i) * classes + j];
        CHECK(std::fabs(s) <= 1e-6);
    }
    // two classes: loss = softplus(z_other - z_label)
    const FVec z2 = {0.5f, -1.5f};
    const std::vector<int32_t> l2 = {0};
    float loss2 = 0.0f;
    REQUIRE(sfl_softmax_xent(1, 2, sfl_range{0, 1}, z2.data(), l2.data(), 1.0f, &loss2, nullptr) == SFL_OK);
    CHECK(loss2 == doctest::Approx(std::log1p(std::exp(-2.0))).epsilon(1e-6));
}

TEST_CASE("softmax xent: non-finite logits propagate, never crash") {
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    const FVec z = {1.0f, nan, 2.0f, inf, 0.0f, 1.0f};
    const std::vector<int32_t> labels = {0, 2};
    FVec loss(2), d(6);
    REQUIRE(sfl_softmax_xent(2, 3, sfl_range{0, 2}, z.data(), labels.data(), 1.0f, loss.data(), d.data()) == SFL_OK);
    CHECK(!std::isfinite(loss[0]));
    CHECK(!std::isfinite(loss[1]));
}

// ------------------------------------------------ the LeNet stack end to end

TEST_CASE("LeNet stack through the C API: the chain rule holds end to end (finite differences in float)") {
    // conv 5x5 1->4 -> ReLU -> maxpool 2x2/2 -> linear 64->3 -> softmax xent, on 2 images 12x12.
    const sfl_patch_params cp = SFL_PATCH_PARAMS_INIT(5, 5), pp = {{2, 2}, {2, 2}, {0, 0}};
    const sfl_dims4 in = {2, 12, 12, 1}, cin = {2, 8, 8, 4};
    const sfl_linear_dims ld = {64, 3};
    const sfl_range all = {0, 2};
    const FVec W1 = randn(25 * 4, 81, 0.3f), b1 = randn(4, 82, 0.1f), W2 = randn(64 * 3, 83, 0.2f), b2 = randn(3, 84);
    const std::vector<int32_t> labels = {2, 0};
    FVec X = randn(2 * 144, 85);
    AlignedBuffer cf(SFL_CONV2D_FORWARD_WORKSPACE_BYTES(25)), cb(SFL_CONV2D_BACKWARD_WORKSPACE_BYTES(25, 4)),
        lb(SFL_LINEAR_BACKWARD_WORKSPACE_BYTES(64, 3));
    const sfl_workspace cfw = cf.workspace(), cbw = cb.workspace(), lbw = lb.workspace();
    FVec A(2 * 64 * 4), P(2 * 16 * 4), Z(6), loss(2);
    std::vector<int32_t> idx(P.size());
    auto forward = [&](const FVec &x) {
        REQUIRE(sfl_conv2d_forward(&cfw, &cp, &in, all, x.data(), 4, W1.data(), b1.data(), A.data()) == SFL_OK);
        REQUIRE(sfl_relu_forward(A.size(), A.data(), A.data()) == SFL_OK);
        REQUIRE(sfl_maxpool2d_forward(&pp, &cin, all, A.data(), P.data(), idx.data()) == SFL_OK);
        REQUIRE(sfl_linear_forward(&ld, 2, all, P.data(), W2.data(), b2.data(), Z.data()) == SFL_OK);
        REQUIRE(sfl_softmax_xent(2, 3, all, Z.data(), labels.data(), 0.5f, loss.data(), nullptr) == SFL_OK);
        return 0.5 * (double(loss[0]) + loss[1]);
    };
    forward(X);
    FVec dZ(6), dP(P.size()), dA(A.size()), dX(X.size()), dW1(W1.size(), 0.0f), db1(4, 0.0f), dW2(W2.size(), 0.0f),
        db2(3, 0.0f);
    REQUIRE(sfl_softmax_xent(2, 3, all, Z.data(), labels.data(), 0.5f, nullptr, dZ.data()) == SFL_OK);
    REQUIRE(sfl_linear_backward(&lbw, &ld, 2, all, P.data(), W2.data(), dZ.data(), dP.data(), dW2.data(), db2.data()) == SFL_OK);
    REQUIRE(sfl_maxpool2d_backward(&pp, &cin, all, idx.data(), dP.data(), dA.data()) == SFL_OK);
    REQUIRE(sfl_relu_backward(A.size(), A.data(), dA.data(), dA.data()) == SFL_OK);
    REQUIRE(sfl_conv2d_backward(&cbw, &cp, &in, all, X.data(), 4, W1.data(), dA.data(), dX.data(), dW1.data(), db1.data()) == SFL_OK);
    // central differences on a few pixels (float forward: h = 1e-3, loose tolerance)
    int checked = 0;
    for (size_t k = 0; k < X.size(); k += 13) {
        const float x = X[k], xp = x + 1e-3f, xm = x - 1e-3f;
        X[k] = xp;
        const double fp = forward(X);
        X[k] = xm;
        const double fm = forward(X);
        X[k] = x;
        const double fd = (fp - fm) / (double(xp) - double(xm)); // the step actually taken
        CAPTURE(k);
        CHECK(std::fabs(fd - dX[k]) <= 2e-3 + 2e-2 * std::fabs(fd));
        ++checked;
    }
    CHECK(checked > 20);
}

} // namespace
