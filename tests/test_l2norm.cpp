// Per-sample L2 normalisation of sfl_nn.h (sfl_l2norm_forward / _backward)
// against a double-precision reference written here: output rows have norm
// `scale` and the direction of x (rows of 1e30, FLT_MAX, 1e-30 and subnormals
// included: the norm must neither overflow nor underflow), zero rows give
// zeros, rows below eps follow the clamped rule y = (scale/eps) x; the
// backward equals central finite differences (in double) of the loss
// <dY, y(x)>, for rows above and below eps; only rows in [begin, end) are
// written; in place works; and the bad-input table (each bad argument gives
// its status with every output byte untouched).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <vector>

#include <sfl/sfl.h>

#include "flush_to_zero.hpp"
#include "support/randn.hpp"

namespace {

using Vec = std::vector<double>;
using FVec = std::vector<float>;
using sfl_test::randn;

constexpr float kSentinel = -777.25f;
const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();
// One rounding of a double to float: relative error <= 2^-24; allow 2^-23 (the
// reference sums in another order, which moves the double value by ~1e-16).
constexpr double kRound = 1.0 / (1 << 23);

double norm_of(const double *x, int32_t m) {
    // scaled by the largest |x_j| so a double reference cannot overflow either
    double big = 0.0;
    for (int32_t j = 0; j < m; ++j) big = std::max(big, std::fabs(x[j]));
    if (big == 0.0) return 0.0;
    double s = 0.0;
    for (int32_t j = 0; j < m; ++j) s += (x[j] / big) * (x[j] / big);
    return big * std::sqrt(s);
}

double norm_of(const float *x, int32_t m) {
    Vec d(x, x + m);
    return norm_of(d.data(), m);
}

// The forward of one row in double: y = (s / max(||x||, eps)) x.
Vec ref_forward(const double *x, int32_t m, double s, double eps) {
    const double r = std::max(norm_of(x, m), eps);
    Vec y(size_t(m), 0.0);
    for (int32_t j = 0; j < m; ++j) y[size_t(j)] = s / r * x[j];
    return y;
}

// Every entry of a row within one float rounding of the double reference.
void check_row_close(const float *y, const Vec &ref) {
    for (size_t j = 0; j < ref.size(); ++j) {
        CAPTURE(j);
        CAPTURE(y[j]);
        CAPTURE(ref[j]);
        CHECK(std::fabs(double(y[j]) - ref[j]) <= kRound * std::fabs(ref[j]));
    }
}

bool bytes_equal(const FVec &a, const FVec &b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

bool rows_untouched(const FVec &v, size_t from, size_t to) {
    for (size_t k = from; k < to; ++k) {
        const float s = kSentinel;
        if (std::memcmp(&v[k], &s, sizeof s) != 0) return false;
    }
    return true;
}

sfl_l2norm_params params(float scale, float eps) {
    sfl_l2norm_params p = SFL_L2NORM_PARAMS_INIT;
    p.scale = scale;
    p.eps = eps;
    return p;
}

// ------------------------------------------------------------------- forward

TEST_CASE("l2norm: SFL_L2NORM_PARAMS_INIT is scale 1, eps 1e-6") {
    const sfl_l2norm_params p = SFL_L2NORM_PARAMS_INIT;
    CHECK(p.scale == 1.0f);
    CHECK(p.eps == 1e-6f);
}

TEST_CASE("l2norm forward: rows of norm scale, parallel to x, for random rows of several widths") {
    for (int32_t m : {1, 3, 7, 16, 64, 800}) {
        for (float scale : {1.0f, 2.5f, 1e-3f, 1e20f}) {
            CAPTURE(m);
            CAPTURE(scale);
            const int32_t n = 5;
            const sfl_l2norm_params p = params(scale, 1e-6f);
            FVec X = randn(size_t(n) * m, unsigned(m * 31 + 7), 3.0f);
            FVec Y(X.size(), kSentinel);
            REQUIRE(sfl_l2norm_forward(&p, n, m, sfl_range{0, n}, X.data(), Y.data()) == SFL_OK);
            for (int32_t i = 0; i < n; ++i) {
                const float *x = X.data() + size_t(i) * m, *y = Y.data() + size_t(i) * m;
                Vec xd(x, x + m);
                check_row_close(y, ref_forward(xd.data(), m, scale, 1e-6));
                // norm scale to float rounding, and parallel: cos(x, y) == 1
                const double ny = norm_of(y, m);
                CHECK(std::fabs(ny - scale) <= 2.0 * kRound * scale);
                double xy = 0.0;
                for (int32_t j = 0; j < m; ++j) xy += double(x[j]) * double(y[j]);
                CHECK(xy / (norm_of(x, m) * ny) == doctest::Approx(1.0).epsilon(1e-6));
            }
        }
    }
}

TEST_CASE("l2norm forward: huge and tiny rows do not overflow or underflow") {
    const int32_t m = 6;
    const float fmax = std::numeric_limits<float>::max(), tmin = std::numeric_limits<float>::denorm_min();
    // eps = the smallest subnormal: no row here is clamped, every one is normalised.
    const sfl_l2norm_params p = params(3.0f, tmin);
    std::vector<FVec> rows = {
        {1e30f, -2e30f, 3e30f, 0.5e30f, -1e30f, 4e30f},           // squares overflow float
        {fmax, fmax, -fmax, fmax, -fmax, fmax},                   // even the sum of |x| overflows
        {fmax, 0.0f, 0.0f, 0.0f, 0.0f, 1e30f},                    // one huge entry
        {1e-30f, -2e-30f, 3e-30f, 0.5e-30f, -1e-30f, 4e-30f},     // squares underflow float
        {2e-38f, 4e-38f, -6e-38f, 0.0f, 2e-38f, 1e-37f},          // just above FLT_MIN
    };
    if (!sfl_test::simd_flushes_subnormals())
        rows.push_back({3 * tmin, -4 * tmin, 0.0f, 0.0f, 0.0f, 0.0f}); // subnormals: y = (1.8, -2.4, 0...)
    for (size_t r = 0; r < rows.size(); ++r) {
        CAPTURE(r);
        const FVec &X = rows[r];
        FVec Y(X.size(), kSentinel);
        REQUIRE(sfl_l2norm_forward(&p, 1, m, sfl_range{0, 1}, X.data(), Y.data()) == SFL_OK);
        for (float v : Y) CHECK(std::isfinite(v));
        const Vec xd(X.begin(), X.end());
        check_row_close(Y.data(), ref_forward(xd.data(), m, 3.0, double(tmin)));
        CHECK(std::fabs(norm_of(Y.data(), m) - 3.0) <= 2.0 * kRound * 3.0);
    }
    // the subnormal row exactly: ||(3, -4)|| = 5 in units of the smallest subnormal
    if (!sfl_test::simd_flushes_subnormals()) {
        const FVec &X = rows.back();
        FVec Y(X.size(), kSentinel);
        REQUIRE(sfl_l2norm_forward(&p, 1, m, sfl_range{0, 1}, X.data(), Y.data()) == SFL_OK);
        CHECK(Y[0] == doctest::Approx(1.8).epsilon(1e-7));
        CHECK(Y[1] == doctest::Approx(-2.4).epsilon(1e-7));
    }
    // FLT_MAX row with the largest scale: |y_j| <= scale, still finite
    const sfl_l2norm_params big = params(fmax, 1e-6f);
    FVec X = {fmax, -fmax, fmax, fmax}, Y(4, kSentinel);
    REQUIRE(sfl_l2norm_forward(&big, 1, 4, sfl_range{0, 1}, X.data(), Y.data()) == SFL_OK);
    for (float v : Y) {
        CHECK(std::isfinite(v));
        CHECK(std::fabs(v) == doctest::Approx(0.5 * double(fmax)).epsilon(1e-7));
    }
}

TEST_CASE("l2norm forward: zero rows give zeros, rows below eps are scaled by scale/eps") {
    const int32_t m = 5, n = 4;
    const float eps = 1e-3f, scale = 2.0f;
    const sfl_l2norm_params p = params(scale, eps);
    FVec X = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f,                 // zero row
              -0.0f, 0.0f, -0.0f, 0.0f, 0.0f,               // signed zeros
              1e-4f, -2e-4f, 3e-4f, 0.0f, 1.5e-4f,          // norm ~3.9e-4 < eps: clamped
              3e-3f, -4e-3f, 0.0f, 0.0f, 0.0f};             // norm 5e-3 >= eps: normalised
    FVec Y(X.size(), kSentinel);
    REQUIRE(sfl_l2norm_forward(&p, n, m, sfl_range{0, n}, X.data(), Y.data()) == SFL_OK);
    for (int32_t j = 0; j < 2 * m; ++j) CHECK(Y[size_t(j)] == 0.0f);
    // clamped: y = (scale / eps) x exactly as the rule says, norm scale * ||x|| / eps < scale
    const float *xc = X.data() + 2 * m, *yc = Y.data() + 2 * m;
    for (int32_t j = 0; j < m; ++j) {
        const double want = double(scale) / double(eps) * double(xc[j]);
        CHECK(std::fabs(double(yc[j]) - want) <= kRound * std::fabs(want));
    }
    CHECK(norm_of(yc, m) == doctest::Approx(double(scale) * norm_of(xc, m) / double(eps)).epsilon(1e-6));
    CHECK(norm_of(yc, m) < scale);
    // above eps: the unit direction (0.6, -0.8) times scale
    CHECK(Y[size_t(3 * m)] == doctest::Approx(1.2).epsilon(1e-6));
    CHECK(Y[size_t(3 * m + 1)] == doctest::Approx(-1.6).epsilon(1e-6));

    // the default eps (1e-6) clamps a row of norm 1e-7 the same way
    const sfl_l2norm_params d = SFL_L2NORM_PARAMS_INIT;
    FVec x1 = {6e-8f, 8e-8f}, y1(2, kSentinel);
    REQUIRE(sfl_l2norm_forward(&d, 1, 2, sfl_range{0, 1}, x1.data(), y1.data()) == SFL_OK);
    CHECK(y1[0] == doctest::Approx(0.06).epsilon(1e-6));
    CHECK(y1[1] == doctest::Approx(0.08).epsilon(1e-6));
}

TEST_CASE("l2norm forward: in place (Y == X) gives the same bytes, NaN propagates") {
    const int32_t n = 7, m = 33;
    const sfl_l2norm_params p = params(1.5f, 1e-2f);
    FVec X = randn(size_t(n) * m, 11);
    for (int32_t j = 0; j < m; ++j) X[size_t(2 * m + j)] *= 1e-4f; // a clamped row
    FVec Y(X.size(), kSentinel), Z = X;
    REQUIRE(sfl_l2norm_forward(&p, n, m, sfl_range{0, n}, X.data(), Y.data()) == SFL_OK);
    REQUIRE(sfl_l2norm_forward(&p, n, m, sfl_range{0, n}, Z.data(), Z.data()) == SFL_OK);
    CHECK(bytes_equal(Y, Z));
    // NaN in a row is not an argument error (inputs are not scanned): it reaches the output
    X[size_t(m + 3)] = kNaN;
    REQUIRE(sfl_l2norm_forward(&p, n, m, sfl_range{0, n}, X.data(), Y.data()) == SFL_OK);
    CHECK(std::isnan(Y[size_t(m)]));
    CHECK(std::isfinite(Y[0]));
}

// ------------------------------------------------------------------ backward

TEST_CASE("l2norm backward: equals central differences of <dY, y(x)> (rows above and below eps)") {
    const int32_t n = 6, m = 9;
    const float scale = 1.7f, eps = 0.05f;
    const sfl_l2norm_params p = params(scale, eps);
    FVec X = randn(size_t(n) * m, 21);
    // row 1: norm 0.3 eps (clamped); row 3: just above eps; row 4: zero (clamped); row 5: large values
    const float f1 = 0.3f * eps / float(norm_of(X.data() + m, m));
    const float f3 = 1.5f * eps / float(norm_of(X.data() + 3 * m, m));
    for (int32_t j = 0; j < m; ++j) X[size_t(m + j)] *= f1;
    for (int32_t j = 0; j < m; ++j) X[size_t(3 * m + j)] *= f3;
    for (int32_t j = 0; j < m; ++j) X[size_t(4 * m + j)] = 0.0f;
    for (int32_t j = 0; j < m; ++j) X[size_t(5 * m + j)] *= 1e25f;
    const FVec dY = randn(X.size(), 22);
    FVec dX(X.size(), kSentinel);
    REQUIRE(sfl_l2norm_backward(&p, n, m, sfl_range{0, n}, X.data(), dY.data(), dX.data()) == SFL_OK);

    for (int32_t i = 0; i < n; ++i) {
        CAPTURE(i);
        const float *x = X.data() + size_t(i) * m, *dy = dY.data() + size_t(i) * m, *dx = dX.data() + size_t(i) * m;
        const double nx = norm_of(x, m);
        // loss(x) = <dy, y(x)> in double; h small next to ||x|| and to | ||x|| - eps |
        auto loss = [&](const Vec &xx) {
            const Vec y = ref_forward(xx.data(), m, scale, eps);
            double s = 0.0;
            for (int32_t j = 0; j < m; ++j) s += double(dy[j]) * y[size_t(j)];
            return s;
        };
        const double h = 1e-5 * std::max(std::min(nx, std::fabs(nx - double(eps))), 1e-3 * double(eps));
        Vec xx(x, x + m), g(static_cast<size_t>(m), 0.0);
        double gmax = 0.0;
        for (int32_t j = 0; j < m; ++j) {
            const double t = xx[size_t(j)];
            xx[size_t(j)] = t + h;
            const double fp = loss(xx);
            xx[size_t(j)] = t - h;
            const double fm = loss(xx);
            xx[size_t(j)] = t;
            g[size_t(j)] = (fp - fm) / (2.0 * h);
            gmax = std::max(gmax, std::fabs(g[size_t(j)]));
        }
        REQUIRE(gmax > 0.0);
        for (int32_t j = 0; j < m; ++j) {
            CAPTURE(j);
            CHECK(std::fabs(double(dx[j]) - g[size_t(j)]) <= 1e-6 * gmax);
        }
        if (nx < eps) // clamped: exactly (scale / eps) dy up to one rounding
            for (int32_t j = 0; j < m; ++j) {
                const double want = double(scale) / double(eps) * double(dy[j]);
                CHECK(std::fabs(double(dx[j]) - want) <= kRound * std::fabs(want));
            }
        else { // dx is orthogonal to x (the radial part of dy is removed)
            double xdx = 0.0, adx = 0.0;
            for (int32_t j = 0; j < m; ++j) {
                xdx += double(x[j]) * double(dx[j]);
                adx = std::max(adx, std::fabs(double(dx[j])));
            }
            CHECK(std::fabs(xdx) <= 1e-6 * nx * adx * m);
        }
    }
}

TEST_CASE("l2norm backward: wider random rows, huge/tiny rows finite, in place dX == dY") {
    const int32_t n = 4, m = 300;
    const sfl_l2norm_params p = params(1.0f, 1e-6f);
    FVec X = randn(size_t(n) * m, 31);
    for (int32_t j = 0; j < m; ++j) X[size_t(m + j)] *= 1e30f;  // squares overflow float
    for (int32_t j = 0; j < m; ++j) X[size_t(2 * m + j)] *= 1e-5f; // norm ~1.7e-4, still above eps
    const FVec dY = randn(X.size(), 32);
    FVec dX(X.size(), kSentinel);
    REQUIRE(sfl_l2norm_backward(&p, n, m, sfl_range{0, n}, X.data(), dY.data(), dX.data()) == SFL_OK);
    for (int32_t i = 0; i < n; ++i) {
        CAPTURE(i);
        // the closed form in double: (s/||x||) (dy - u (u . dy))
        const float *x = X.data() + size_t(i) * m, *dy = dY.data() + size_t(i) * m, *dx = dX.data() + size_t(i) * m;
        const double nx = norm_of(x, m);
        double udy = 0.0;
        for (int32_t j = 0; j < m; ++j) udy += double(x[j]) / nx * double(dy[j]);
        double err = 0.0, big = 0.0;
        for (int32_t j = 0; j < m; ++j) {
            CHECK(std::isfinite(dx[j]));
            const double want = 1.0 / nx * (double(dy[j]) - double(x[j]) / nx * udy);
            err = std::max(err, std::fabs(double(dx[j]) - want));
            big = std::max(big, std::fabs(want));
        }
        CHECK(err <= 1e-6 * big);
    }
    FVec inplace = dY;
    REQUIRE(sfl_l2norm_backward(&p, n, m, sfl_range{0, n}, X.data(), inplace.data(), inplace.data()) == SFL_OK);
    CHECK(bytes_equal(inplace, dX));
}

// --------------------------------------------------------------------- range

TEST_CASE("l2norm: only the rows of the range are written, and they match the whole batch") {
    const int32_t n = 6, m = 13;
    const sfl_l2norm_params p = params(0.75f, 1e-6f);
    const FVec X = randn(size_t(n) * m, 41), dY = randn(size_t(n) * m, 42);
    FVec Yall(X.size()), dXall(X.size());
    REQUIRE(sfl_l2norm_forward(&p, n, m, sfl_range{0, n}, X.data(), Yall.data()) == SFL_OK);
    REQUIRE(sfl_l2norm_backward(&p, n, m, sfl_range{0, n}, X.data(), dY.data(), dXall.data()) == SFL_OK);
    const sfl_range ranges[] = {{2, 5}, {0, 1}, {5, 6}, {3, 3}, {0, 0}, {6, 6}};
    for (const sfl_range r : ranges) {
        CAPTURE(r.begin);
        CAPTURE(r.end);
        FVec Y(X.size(), kSentinel), dX(X.size(), kSentinel);
        REQUIRE(sfl_l2norm_forward(&p, n, m, r, X.data(), Y.data()) == SFL_OK);
        REQUIRE(sfl_l2norm_backward(&p, n, m, r, X.data(), dY.data(), dX.data()) == SFL_OK);
        const size_t b = size_t(r.begin) * m, e = size_t(r.end) * m;
        CHECK(rows_untouched(Y, 0, b));
        CHECK(rows_untouched(Y, e, Y.size()));
        CHECK(rows_untouched(dX, 0, b));
        CHECK(rows_untouched(dX, e, dX.size()));
        CHECK(std::memcmp(Y.data() + b, Yall.data() + b, (e - b) * sizeof(float)) == 0);
        CHECK(std::memcmp(dX.data() + b, dXall.data() + b, (e - b) * sizeof(float)) == 0);
    }
    // rows outside the range are not read either: NaN there changes nothing
    FVec Xn = X;
    for (int32_t j = 0; j < m; ++j) Xn[size_t(j)] = kNaN;
    FVec Y(X.size(), kSentinel);
    REQUIRE(sfl_l2norm_forward(&p, n, m, sfl_range{1, n}, Xn.data(), Y.data()) == SFL_OK);
    CHECK(std::memcmp(Y.data() + m, Yall.data() + m, size_t(n - 1) * m * sizeof(float)) == 0);
}

// ----------------------------------------------------------------- bad input

struct L2Args {
    const sfl_l2norm_params *p;
    sfl_l2norm_params prm;
    int32_t n, m;
    sfl_range range;
    const float *X, *dY;
    bool null_out = false;
};

struct L2Row {
    const char *what;
    std::function<void(L2Args &)> edit;
    sfl_status expect;
    bool forward = true, backward = true;
};

TEST_CASE("l2norm: the bad-input table (forward, backward), outputs untouched byte for byte") {
    const int32_t n = 4, m = 5;
    const FVec X = randn(size_t(n) * m, 51), dY = randn(size_t(n) * m, 52);
    const L2Args good = {nullptr, params(2.0f, 1e-3f), n, m, sfl_range{0, n}, X.data(), dY.data()};
    const std::vector<L2Row> rows = {
        {"params NULL", [](L2Args &a) { a.p = nullptr; }, SFL_ERR_NULL_ARG},
        {"X NULL", [](L2Args &a) { a.X = nullptr; }, SFL_ERR_NULL_ARG},
        {"Y / dX NULL", [](L2Args &a) { a.null_out = true; }, SFL_ERR_NULL_ARG},
        {"dY NULL", [](L2Args &a) { a.dY = nullptr; }, SFL_ERR_NULL_ARG, false, true},
        {"params NULL and m = 0 (NULL checked first)", [](L2Args &a) { a.p = nullptr; a.m = 0; }, SFL_ERR_NULL_ARG},
        {"m = 0", [](L2Args &a) { a.m = 0; }, SFL_ERR_BAD_DIMS},
        {"m < 0", [](L2Args &a) { a.m = -5; }, SFL_ERR_BAD_DIMS},
        {"m > SFL_NN_MAX_DIM", [](L2Args &a) { a.m = SFL_NN_MAX_DIM + 1; }, SFL_ERR_BAD_DIMS},
        {"n = 0", [](L2Args &a) { a.n = 0; a.range = sfl_range{0, 0}; }, SFL_ERR_BAD_DIMS},
        {"n < 0", [](L2Args &a) { a.n = -1; a.range = sfl_range{0, 0}; }, SFL_ERR_BAD_DIMS},
        {"range end > n", [](L2Args &a) { a.range.end = n + 1; }, SFL_ERR_BAD_DIMS},
        {"range begin < 0", [](L2Args &a) { a.range.begin = -1; }, SFL_ERR_BAD_DIMS},
        {"range begin > end", [](L2Args &a) { a.range = sfl_range{3, 2}; }, SFL_ERR_BAD_DIMS},
        {"m = 0 and scale = 0 (dims checked before params)", [](L2Args &a) { a.m = 0; a.prm.scale = 0.0f; }, SFL_ERR_BAD_DIMS},
        {"scale = 0", [](L2Args &a) { a.prm.scale = 0.0f; }, SFL_ERR_BAD_PARAM},
        {"scale < 0", [](L2Args &a) { a.prm.scale = -1.0f; }, SFL_ERR_BAD_PARAM},
        {"scale NaN", [](L2Args &a) { a.prm.scale = kNaN; }, SFL_ERR_BAD_PARAM},
        {"scale Inf", [](L2Args &a) { a.prm.scale = kInf; }, SFL_ERR_BAD_PARAM},
        {"eps = 0", [](L2Args &a) { a.prm.eps = 0.0f; }, SFL_ERR_BAD_PARAM},
        {"eps = -0", [](L2Args &a) { a.prm.eps = -0.0f; }, SFL_ERR_BAD_PARAM},
        {"eps < 0", [](L2Args &a) { a.prm.eps = -1e-6f; }, SFL_ERR_BAD_PARAM},
        {"eps NaN", [](L2Args &a) { a.prm.eps = kNaN; }, SFL_ERR_BAD_PARAM},
        {"eps Inf", [](L2Args &a) { a.prm.eps = kInf; }, SFL_ERR_BAD_PARAM},
        {"bad params, empty range", [](L2Args &a) { a.prm.eps = kNaN; a.range = sfl_range{2, 2}; }, SFL_ERR_BAD_PARAM},
    };
    const FVec untouched(X.size(), kSentinel);
    for (const L2Row &row : rows)
        for (int forward = 1; forward >= 0; --forward) {
            if (forward ? !row.forward : !row.backward) continue;
            CAPTURE(row.what);
            CAPTURE(forward);
            L2Args a = good;
            a.p = &a.prm;
            row.edit(a);
            FVec out(X.size(), kSentinel);
            float *o = a.null_out ? nullptr : out.data();
            if (forward)
                CHECK(sfl_l2norm_forward(a.p, a.n, a.m, a.range, a.X, o) == row.expect);
            else
                CHECK(sfl_l2norm_backward(a.p, a.n, a.m, a.range, a.X, a.dY, o) == row.expect);
            CHECK(bytes_equal(out, untouched));
        }
    // the good arguments work, and the smallest accepted values too
    FVec out(X.size(), kSentinel);
    L2Args a = good;
    CHECK(sfl_l2norm_forward(&a.prm, n, m, a.range, X.data(), out.data()) == SFL_OK);
    CHECK(sfl_l2norm_backward(&a.prm, n, m, a.range, X.data(), dY.data(), out.data()) == SFL_OK);
    const float tmin = std::numeric_limits<float>::denorm_min();
    const sfl_l2norm_params tiny = params(tmin, tmin);
    CHECK(sfl_l2norm_forward(&tiny, n, m, a.range, X.data(), out.data()) == SFL_OK);
    const FVec wide(SFL_NN_MAX_DIM, 1.0f);
    FVec wout(wide.size(), kSentinel);
    CHECK(sfl_l2norm_forward(&a.prm, 1, SFL_NN_MAX_DIM, sfl_range{0, 1}, wide.data(), wout.data()) == SFL_OK);
    CHECK(wout[0] == doctest::Approx(2.0 / 128.0).epsilon(1e-7)); // 2 / sqrt(16384)
}

} // namespace
