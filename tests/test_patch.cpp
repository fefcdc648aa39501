// Patch kernels: output shapes, im2col against the definition, col2im as the
// exact adjoint of im2col (<im2col x, y> == <x, col2im y>), accumulation.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include <sfl/sfl.h>

namespace {

struct Geo {
    sfl_dims4 in;
    sfl_patch_params p;
};

sfl_patch_params params(int32_t kh, int32_t kw, int32_t sh, int32_t sw, int32_t ph, int32_t pw) {
    sfl_patch_params p = SFL_PATCH_PARAMS_INIT(kh, kw);
    p.stride = sfl_tile{sh, sw};
    p.padding = sfl_tile{ph, pw};
    return p;
}

const Geo kGeos[] = {
    {{1, 28, 28, 1}, params(5, 5, 1, 1, 0, 0)}, {{2, 7, 9, 3}, params(3, 2, 1, 1, 0, 0)},
    {{3, 8, 8, 2}, params(3, 3, 2, 2, 1, 1)},   {{1, 5, 6, 4}, params(2, 4, 3, 1, 1, 2)},
    {{2, 4, 4, 1}, params(4, 4, 1, 1, 0, 0)},   {{1, 1, 7, 5}, params(1, 3, 1, 2, 0, 1)},
    {{2, 6, 5, 2}, params(5, 5, 1, 1, 4, 4)},
};

std::vector<float> random_vec(size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> U(-1.0f, 1.0f);
    std::vector<float> v(n);
    for (auto &x : v) x = U(rng);
    return v;
}

size_t elems(const sfl_dims4 &d) { return size_t(d.n) * size_t(d.h) * size_t(d.w) * size_t(d.c); }

} // namespace

TEST_CASE("patch output dims follow (size + 2 pad - k) / stride + 1") {
    for (const Geo &g : kGeos) {
        sfl_dims4 cols{};
        REQUIRE(sfl_patch_out_dims(&g.p, &g.in, &cols) == SFL_OK);
        CHECK(cols.n == g.in.n);
        CHECK(cols.h == (g.in.h + 2 * g.p.padding.h - g.p.kernel.h) / g.p.stride.h + 1);
        CHECK(cols.w == (g.in.w + 2 * g.p.padding.w - g.p.kernel.w) / g.p.stride.w + 1);
        CHECK(cols.c == g.p.kernel.h * g.p.kernel.w * g.in.c);
        // the last patch starts inside the padded image and ends inside it
        CHECK((cols.h - 1) * g.p.stride.h + g.p.kernel.h <= g.in.h + 2 * g.p.padding.h);
        CHECK(cols.h * g.p.stride.h + g.p.kernel.h > g.in.h + 2 * g.p.padding.h);
    }
    const sfl_patch_params valid = SFL_PATCH_PARAMS_INIT(5, 5);
    const sfl_dims4 mnist = {100, 28, 28, 1};
    sfl_dims4 cols{};
    REQUIRE(sfl_patch_out_dims(&valid, &mnist, &cols) == SFL_OK);
    CHECK(cols.h == 24);
    CHECK(cols.w == 24);
    CHECK(cols.c == 25);
    CHECK(SFL_PATCH_OUT_EXTENT(28, 5, 1, 0) == 24);
}

TEST_CASE("im2col matches the definition, HWC with (dy, dx, ch) patch order and zero padding") {
    unsigned seed = 1;
    for (const Geo &g : kGeos) {
        sfl_dims4 cols{};
        REQUIRE(sfl_patch_out_dims(&g.p, &g.in, &cols) == SFL_OK);
        const std::vector<float> x = random_vec(elems(g.in), ++seed);
        std::vector<float> out(elems(cols), 99.0f);
        REQUIRE(sfl_im2col_f32(&g.p, &g.in, x.data(), out.data()) == SFL_OK);
        const int32_t H = g.in.h, W = g.in.w, C = g.in.c, kh = g.p.kernel.h, kw = g.p.kernel.w;
        size_t bad = 0;
        for (int32_t i = 0; i < g.in.n; ++i)
            for (int32_t oy = 0; oy < cols.h; ++oy)
                for (int32_t ox = 0; ox < cols.w; ++ox)
                    for (int32_t dy = 0; dy < kh; ++dy)
                        for (int32_t dx = 0; dx < kw; ++dx)
                            for (int32_t ch = 0; ch < C; ++ch) {
                                const int32_t y = oy * g.p.stride.h - g.p.padding.h + dy;
                                const int32_t xx = ox * g.p.stride.w - g.p.padding.w + dx;
                                const float want = (y >= 0 && y < H && xx >= 0 && xx < W)
                                                       ? x[((size_t(i) * H + y) * W + xx) * C + ch]
                                                       : 0.0f;
                                const size_t row = (size_t(i) * cols.h + oy) * cols.w + ox;
                                if (out[row * cols.c + (size_t(dy) * kw + dx) * C + ch] != want) ++bad;
                            }
        CHECK(bad == 0);
    }
}

TEST_CASE("col2im is the exact adjoint of im2col and accumulates") {
    unsigned seed = 100;
    for (const Geo &g : kGeos) {
        sfl_dims4 cols{};
        REQUIRE(sfl_patch_out_dims(&g.p, &g.in, &cols) == SFL_OK);
        const std::vector<float> x = random_vec(elems(g.in), ++seed);
        const std::vector<float> y = random_vec(elems(cols), ++seed);
        std::vector<float> ix(elems(cols));
        REQUIRE(sfl_im2col_f32(&g.p, &g.in, x.data(), ix.data()) == SFL_OK);
        const std::vector<float> base = random_vec(elems(g.in), ++seed);
        std::vector<float> cy = base;
        REQUIRE(sfl_col2im_f32(&g.p, &g.in, y.data(), cy.data()) == SFL_OK);
        double lhs = 0.0, rhs = 0.0, mag = 0.0;
        for (size_t k = 0; k < ix.size(); ++k) {
            lhs += double(ix[k]) * y[k];
            mag += std::fabs(double(ix[k]) * y[k]);
        }
        for (size_t k = 0; k < x.size(); ++k) rhs += double(x[k]) * (double(cy[k]) - double(base[k]));
        CHECK(std::fabs(lhs - rhs) <= 1e-5 * mag); // col2im sums in float: exact up to rounding
        // accumulation: running col2im twice from zero gives twice once
        std::vector<float> once(x.size(), 0.0f), twice(x.size(), 0.0f);
        REQUIRE(sfl_col2im_f32(&g.p, &g.in, y.data(), once.data()) == SFL_OK);
        REQUIRE(sfl_col2im_f32(&g.p, &g.in, y.data(), twice.data()) == SFL_OK);
        REQUIRE(sfl_col2im_f32(&g.p, &g.in, y.data(), twice.data()) == SFL_OK);
        for (size_t k = 0; k < x.size(); ++k) CHECK(twice[k] == doctest::Approx(2.0 * once[k]).epsilon(1e-6));
    }
}

TEST_CASE("col2im with all-ones columns counts how many patches cover each pixel") {
    const sfl_patch_params p = SFL_PATCH_PARAMS_INIT(3, 3);
    const sfl_dims4 in = {1, 5, 5, 1};
    std::vector<float> ones(9 * 9, 1.0f), x(25, 0.0f);
    REQUIRE(sfl_col2im_f32(&p, &in, ones.data(), x.data()) == SFL_OK);
    auto cover = [](int32_t v) { return float(std::min<int32_t>(v, 2) - std::max<int32_t>(v - 2, 0) + 1); };
    for (int32_t y = 0; y < 5; ++y)
        for (int32_t xx = 0; xx < 5; ++xx) CHECK(x[size_t(y) * 5 + xx] == cover(y) * cover(xx));
}
