// Bad input to the plain layers of sfl_nn.h: for every function, a table of
// argument edits, each giving its documented status with every output
// untouched; the workspace queries equal the compile-time macros over a grid;
// the exact size works, one byte less or a misaligned buffer fails.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <limits>
#include <vector>

#include <sfl/sfl.h>

#include "support/aligned_buffer.hpp"

using sfl_test::AlignedBuffer;

namespace {

constexpr float kSentinel = 8765.5f;
constexpr int32_t kISentinel = -12345;
const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

bool untouched(const std::vector<float> &v) {
    for (float x : v)
        if (x != kSentinel) return false;
    return true;
}

bool untouched(const std::vector<int32_t> &v) {
    for (int32_t x : v)
        if (x != kISentinel) return false;
    return true;
}

std::vector<float> filled(size_t n, float v = 0.5f) { return std::vector<float>(n, v); }

// Rows of a table: an edit of a copy of good arguments and the expected status.
template <class Args> struct Row {
    const char *what;
    std::function<void(Args &)> edit;
    sfl_status expect;
};

template <class T> T *bump(T *p) { return reinterpret_cast<T *>(reinterpret_cast<char *>(p) + 4); }

// ---------------------------------------------------------------- convolution

struct ConvArgs {
    sfl_workspace fws, bws;
    const sfl_patch_params *patch;
    const sfl_dims4 *in;
    sfl_patch_params p;
    sfl_dims4 d;
    sfl_range range;
    int32_t cout;
    const float *X, *W, *b, *dY;
    bool null_Y = false, null_dW = false;
};

TEST_CASE("conv2d: the bad-input table (forward, backward, size queries)") {
    const sfl_patch_params p0 = {{3, 3}, {2, 1}, {1, 1}};
    const sfl_dims4 d0 = {3, 6, 5, 2};
    const int32_t cout = 4, m = 18;
    const int32_t oh = SFL_PATCH_OUT_EXTENT(6, 3, 2, 1), ow = SFL_PATCH_OUT_EXTENT(5, 3, 1, 1);
    // The exact sizes (the forward tile holds this batch's 3*oh*ow patches, fewer than a block).
    const size_t fbytes = SFL_CONV2D_FORWARD_WORKSPACE_BYTES_FOR(m, 3 * oh * ow),
                 bbytes = SFL_CONV2D_BACKWARD_WORKSPACE_BYTES(m, cout);
    AlignedBuffer fmem(fbytes + 64), bmem(bbytes + 64);
    const std::vector<float> X = filled(size_t(3) * 6 * 5 * 2), W = filled(size_t(m) * cout), b = filled(cout),
                             dY = filled(size_t(3) * oh * ow * cout);
    ConvArgs good = {{fmem.data(), fbytes}, {bmem.data(), bbytes}, nullptr, nullptr, p0, d0, sfl_range{0, 3}, cout,
                     X.data(), W.data(), b.data(), dY.data()};

    using R = Row<ConvArgs>;
    const std::vector<R> rows = {
        {"workspace one byte short", [](ConvArgs &a) { a.fws.size -= 1; a.bws.size -= 1; }, SFL_ERR_WORKSPACE_TOO_SMALL},
        {"workspace size 0", [](ConvArgs &a) { a.fws.size = 0; a.bws.size = 0; }, SFL_ERR_WORKSPACE_TOO_SMALL},
        {"workspace misaligned", [](ConvArgs &a) { a.fws.buf = bump(a.fws.buf); a.bws.buf = bump(a.bws.buf); }, SFL_ERR_MISALIGNED},
        {"workspace NULL buffer", [](ConvArgs &a) { a.fws.buf = nullptr; a.bws.buf = nullptr; }, SFL_ERR_NULL_ARG},
        {"patch NULL", [](ConvArgs &a) { a.patch = nullptr; }, SFL_ERR_NULL_ARG},
        {"dims NULL", [](ConvArgs &a) { a.in = nullptr; }, SFL_ERR_NULL_ARG},
        {"X NULL", [](ConvArgs &a) { a.X = nullptr; }, SFL_ERR_NULL_ARG},
        {"W NULL", [](ConvArgs &a) { a.W = nullptr; }, SFL_ERR_NULL_ARG},
        {"kernel 0", [](ConvArgs &a) { a.p.kernel.w = 0; }, SFL_ERR_BAD_PARAM},
        {"stride 0", [](ConvArgs &a) { a.p.stride.h = 0; }, SFL_ERR_BAD_PARAM},
        {"padding < 0", [](ConvArgs &a) { a.p.padding.w = -1; }, SFL_ERR_BAD_PARAM},
        {"padding == kernel", [](ConvArgs &a) { a.p.padding.h = 3; }, SFL_ERR_BAD_PARAM},
        {"padded image smaller than the kernel", [](ConvArgs &a) { a.p.kernel.h = 9; a.p.padding.h = 1; }, SFL_ERR_BAD_DIMS},
        {"n = 0", [](ConvArgs &a) { a.d.n = 0; a.range = sfl_range{0, 0}; }, SFL_ERR_BAD_DIMS},
        {"n < 0", [](ConvArgs &a) { a.d.n = -3; a.range = sfl_range{0, 0}; }, SFL_ERR_BAD_DIMS},
        {"c = 0", [](ConvArgs &a) { a.d.c = 0; }, SFL_ERR_BAD_DIMS},
        {"h > SFL_PATCH_MAX_DIM", [](ConvArgs &a) { a.d.h = SFL_PATCH_MAX_DIM + 1; }, SFL_ERR_BAD_DIMS},
        {"patch length > SFL_PATCH_MAX_DIM", [](ConvArgs &a) { a.d.c = 2000; }, SFL_ERR_BAD_DIMS},
        {"cout = 0", [](ConvArgs &a) { a.cout = 0; }, SFL_ERR_BAD_DIMS},
        {"cout > SFL_NN_MAX_DIM", [](ConvArgs &a) { a.cout = SFL_NN_MAX_DIM + 1; }, SFL_ERR_BAD_DIMS},
        {"range end > n", [](ConvArgs &a) { a.range.end = 4; }, SFL_ERR_BAD_DIMS},
        {"range begin < 0", [](ConvArgs &a) { a.range.begin = -1; }, SFL_ERR_BAD_DIMS},
        {"range begin > end", [](ConvArgs &a) { a.range = sfl_range{2, 1}; }, SFL_ERR_BAD_DIMS},
        {"Y NULL", [](ConvArgs &a) { a.null_Y = true; }, SFL_ERR_NULL_ARG},
    };
    const std::vector<R> backward_rows = {
        {"dY NULL", [](ConvArgs &a) { a.dY = nullptr; }, SFL_ERR_NULL_ARG},
        {"dW NULL", [](ConvArgs &a) { a.null_dW = true; }, SFL_ERR_NULL_ARG},
    };
    auto run = [&](const R &row, bool forward) {
        CAPTURE(row.what);
        CAPTURE(forward);
        ConvArgs a = good;
        a.patch = &a.p;
        a.in = &a.d;
        row.edit(a);
        std::vector<float> Y(dY.size(), kSentinel), dX(X.size(), kSentinel), dW(W.size(), kSentinel), db(b.size(), kSentinel);
        if (forward) {
            CHECK(sfl_conv2d_forward(&a.fws, a.patch, a.in, a.range, a.X, a.cout, a.W, a.b, a.null_Y ? nullptr : Y.data()) == row.expect);
        } else {
            CHECK(sfl_conv2d_backward(&a.bws, a.patch, a.in, a.range, a.X, a.cout, a.W, a.dY, dX.data(),
                                      a.null_dW ? nullptr : dW.data(), db.data()) == row.expect);
        }
        CHECK(untouched(Y));
        CHECK(untouched(dX));
        CHECK(untouched(dW));
        CHECK(untouched(db));
    };
    for (const R &row : rows) {
        run(row, true);
        if (std::strcmp(row.what, "Y NULL") != 0) run(row, false);
    }
    for (const R &row : backward_rows) run(row, false);

    // NULL workspace struct; the size queries
    std::vector<float> Y(dY.size(), kSentinel), dW(W.size(), kSentinel);
    CHECK(sfl_conv2d_forward(nullptr, &p0, &d0, good.range, X.data(), cout, W.data(), nullptr, Y.data()) == SFL_ERR_NULL_ARG);
    CHECK(sfl_conv2d_backward(nullptr, &p0, &d0, good.range, X.data(), cout, W.data(), dY.data(), nullptr, dW.data(), nullptr) == SFL_ERR_NULL_ARG);
    CHECK(untouched(Y));
    CHECK(untouched(dW));
    size_t bytes = 77;
    CHECK(sfl_conv2d_forward_workspace_size(&p0, &d0, cout, nullptr) == SFL_ERR_NULL_ARG);
    CHECK(sfl_conv2d_forward_workspace_size(nullptr, &d0, cout, &bytes) == SFL_ERR_NULL_ARG);
    CHECK(sfl_conv2d_backward_workspace_size(&p0, nullptr, cout, &bytes) == SFL_ERR_NULL_ARG);
    CHECK(sfl_conv2d_forward_workspace_size(&p0, &d0, 0, &bytes) == SFL_ERR_BAD_DIMS);
    sfl_patch_params bad = p0;
    bad.stride.w = 0;
    CHECK(sfl_conv2d_backward_workspace_size(&bad, &d0, cout, &bytes) == SFL_ERR_BAD_PARAM);
    CHECK(bytes == 77);

    // Exact sizes work; dX and the biases are optional; an empty range writes nothing.
    const sfl_workspace fexact = {fmem.data(), fbytes}, bexact = {bmem.data(), bbytes};
    CHECK(sfl_conv2d_forward(&fexact, &p0, &d0, sfl_range{1, 1}, X.data(), cout, W.data(), b.data(), Y.data()) == SFL_OK);
    CHECK(untouched(Y));
    CHECK(sfl_conv2d_forward(&fexact, &p0, &d0, sfl_range{0, 3}, X.data(), cout, W.data(), nullptr, Y.data()) == SFL_OK);
    std::fill(dW.begin(), dW.end(), 0.0f);
    CHECK(sfl_conv2d_backward(&bexact, &p0, &d0, sfl_range{0, 3}, X.data(), cout, W.data(), dY.data(), nullptr, dW.data(), nullptr) == SFL_OK);
}

TEST_CASE("conv2d / linear sizes: queries == compile-time macros over a grid, and static buffers") {
    for (int32_t k : {1, 3, 5})
        for (int32_t c : {1, 2, 20})
            for (int32_t cout : {1, 7, 20, 50, 500}) {
                CAPTURE(k);
                CAPTURE(c);
                CAPTURE(cout);
                const sfl_patch_params p = SFL_PATCH_PARAMS_INIT(k, k);
                const sfl_dims4 d = {2, 12, 12, c};
                const int32_t m = k * k * c;
                size_t f = 0, b = 0;
                REQUIRE(sfl_conv2d_forward_workspace_size(&p, &d, cout, &f) == SFL_OK);
                REQUIRE(sfl_conv2d_backward_workspace_size(&p, &d, cout, &b) == SFL_OK);
                const int64_t oh = 12 - k + 1; // valid convolution of 12 x 12
                CHECK(f == SFL_CONV2D_FORWARD_WORKSPACE_BYTES_FOR(m, int64_t(d.n) * oh * oh));
                CHECK(f <= SFL_CONV2D_FORWARD_WORKSPACE_BYTES(m));
                CHECK(b == SFL_CONV2D_BACKWARD_WORKSPACE_BYTES(m, cout));
            }
    for (int32_t in : {1, 15, 16, 17, 800})
        for (int32_t out : {1, 10, 500, SFL_NN_MAX_DIM}) {
            const sfl_linear_dims d = {in, out};
            size_t bytes = 0;
            REQUIRE(sfl_linear_backward_workspace_size(&d, &bytes) == SFL_OK);
            CHECK(bytes == SFL_LINEAR_BACKWARD_WORKSPACE_BYTES(in, out));
        }
    // the paper's layers, firmware style: workspaces as static arrays
    alignas(SFL_WORKSPACE_ALIGN) static unsigned char conv1_fwd[SFL_CONV2D_FORWARD_WORKSPACE_BYTES(25)];
    alignas(SFL_WORKSPACE_ALIGN) static unsigned char conv2_bwd[SFL_CONV2D_BACKWARD_WORKSPACE_BYTES(500, 50)];
    alignas(SFL_WORKSPACE_ALIGN) static unsigned char fc_bwd[SFL_LINEAR_BACKWARD_WORKSPACE_BYTES(800, 500)];
    CHECK(sizeof conv1_fwd == 25600);
    CHECK(sizeof conv2_bwd == 2 * 512000 + 100032);
    CHECK(sizeof fc_bwd == 1600000);
    CHECK(SFL_CONV2D_BACKWARD_WORKSPACE_BYTES(25, 20) == 53248); // the numbers of docs/c-api.md
    CHECK(SFL_CONV2D_FORWARD_WORKSPACE_BYTES(500) == 512000);
    CHECK(SFL_LINEAR_BACKWARD_WORKSPACE_BYTES(500, 10) == 20032);
    static float X1[28 * 28], W1[25 * 20], Y1[24 * 24 * 20];
    const sfl_patch_params p = SFL_PATCH_PARAMS_INIT(5, 5);
    const sfl_dims4 in = {1, 28, 28, 1};
    const sfl_workspace ws = {conv1_fwd, sizeof conv1_fwd};
    CHECK(sfl_conv2d_forward(&ws, &p, &in, sfl_range{0, 1}, X1, 20, W1, nullptr, Y1) == SFL_OK);
}

// ---------------------------------------------------------------- max pooling

struct PoolArgs {
    const sfl_patch_params *pool;
    const sfl_dims4 *in;
    sfl_patch_params p;
    sfl_dims4 d;
    sfl_range range;
    const float *X, *dY;
    const int32_t *index;
    bool null_Y = false, null_dX = false;
};

TEST_CASE("maxpool: the bad-input table (out dims, forward, backward)") {
    const sfl_patch_params p0 = {{2, 2}, {2, 2}, {0, 0}};
    const sfl_dims4 d0 = {3, 6, 4, 2}; // outputs 3 x 2 x 2, 12 per image
    std::vector<float> X(size_t(3) * 6 * 4 * 2);
    for (size_t k = 0; k < X.size(); ++k) X[k] = float((k * 37) % 101);
    const std::vector<float> dY = filled(36, 1.0f);
    std::vector<int32_t> index(36);
    std::vector<float> Ygood(36);
    REQUIRE(sfl_maxpool2d_forward(&p0, &d0, sfl_range{0, 3}, X.data(), Ygood.data(), index.data()) == SFL_OK);
    PoolArgs good = {nullptr, nullptr, p0, d0, sfl_range{0, 3}, X.data(), dY.data(), index.data()};

    using R = Row<PoolArgs>;
    const std::vector<R> rows = {
        {"pool NULL", [](PoolArgs &a) { a.pool = nullptr; }, SFL_ERR_NULL_ARG},
        {"dims NULL", [](PoolArgs &a) { a.in = nullptr; }, SFL_ERR_NULL_ARG},
        {"padding 1", [](PoolArgs &a) { a.p.padding.h = 1; }, SFL_ERR_BAD_PARAM},
        {"padding -1", [](PoolArgs &a) { a.p.padding.w = -1; }, SFL_ERR_BAD_PARAM},
        {"kernel 0", [](PoolArgs &a) { a.p.kernel.h = 0; }, SFL_ERR_BAD_PARAM},
        {"stride 0", [](PoolArgs &a) { a.p.stride.w = 0; }, SFL_ERR_BAD_PARAM},
        {"window taller than the image", [](PoolArgs &a) { a.p.kernel.h = 7; }, SFL_ERR_BAD_DIMS},
        {"window wider than the image", [](PoolArgs &a) { a.p.kernel.w = 5; }, SFL_ERR_BAD_DIMS},
        {"n = 0", [](PoolArgs &a) { a.d.n = 0; a.range = sfl_range{0, 0}; }, SFL_ERR_BAD_DIMS},
        {"c = 0", [](PoolArgs &a) { a.d.c = 0; }, SFL_ERR_BAD_DIMS},
        {"w > SFL_PATCH_MAX_DIM", [](PoolArgs &a) { a.d.w = SFL_PATCH_MAX_DIM + 1; }, SFL_ERR_BAD_DIMS},
        {"image of more than INT32_MAX floats", [](PoolArgs &a) { a.d = sfl_dims4{1, 16384, 16384, 8}; }, SFL_ERR_BAD_DIMS},
    };
    const std::vector<R> batch_rows = {
        {"X / dY NULL", [](PoolArgs &a) { a.X = nullptr; a.dY = nullptr; }, SFL_ERR_NULL_ARG},
        {"Y / dX NULL", [](PoolArgs &a) { a.null_Y = true; a.null_dX = true; }, SFL_ERR_NULL_ARG},
        {"range end > n", [](PoolArgs &a) { a.range.end = 4; }, SFL_ERR_BAD_DIMS},
        {"range begin < 0", [](PoolArgs &a) { a.range.begin = -1; }, SFL_ERR_BAD_DIMS},
        {"range begin > end", [](PoolArgs &a) { a.range = sfl_range{3, 2}; }, SFL_ERR_BAD_DIMS},
    };
    // Index edits: only backward reads the index.
    std::vector<int32_t> bad_index;
    auto with_index = [&](int32_t pos, int32_t value) {
        return [&bad_index, &index, pos, value](PoolArgs &a) {
            bad_index = index;
            bad_index[size_t(pos)] = value;
            a.index = bad_index.data();
        };
    };
    const int32_t img = 6 * 4 * 2;
    const std::vector<R> index_rows = {
        {"index NULL", [](PoolArgs &a) { a.index = nullptr; }, SFL_ERR_NULL_ARG},
        {"index negative", with_index(3, -1), SFL_ERR_BAD_DIMS},
        {"index past the image", with_index(23, img), SFL_ERR_BAD_DIMS},
        {"index past the batch", with_index(35, 3 * img), SFL_ERR_BAD_DIMS},
        {"index in another window", with_index(0, (2 * 4 + 2) * 2), SFL_ERR_BAD_DIMS},
        {"index at another channel", with_index(0, 1), SFL_ERR_BAD_DIMS},
        {"index of the last image, bad", with_index(2 * 12 + 11, 0), SFL_ERR_BAD_DIMS},
    };
    auto run = [&](const R &row, int which) { // 0 out dims, 1 forward, 2 backward
        CAPTURE(row.what);
        CAPTURE(which);
        PoolArgs a = good;
        a.pool = &a.p;
        a.in = &a.d;
        row.edit(a);
        std::vector<float> Y(36, kSentinel), dX(X.size(), kSentinel);
        std::vector<int32_t> idx(36, kISentinel);
        sfl_dims4 out = {-1, -1, -1, -1};
        if (which == 0) {
            CHECK(sfl_maxpool2d_out_dims(a.pool, a.in, &out) == row.expect);
            CHECK(out.n == -1);
            CHECK(out.h == -1);
        } else if (which == 1) {
            CHECK(sfl_maxpool2d_forward(a.pool, a.in, a.range, a.X, a.null_Y ? nullptr : Y.data(), idx.data()) == row.expect);
        } else {
            CHECK(sfl_maxpool2d_backward(a.pool, a.in, a.range, a.index, a.dY, a.null_dX ? nullptr : dX.data()) == row.expect);
        }
        CHECK(untouched(Y));
        CHECK(untouched(idx));
        CHECK(untouched(dX));
    };
    for (const R &row : rows)
        for (int which = 0; which < 3; ++which) run(row, which);
    for (const R &row : batch_rows)
        for (int which = 1; which < 3; ++which) run(row, which);
    for (const R &row : index_rows) run(row, 2);
    sfl_dims4 out{};
    CHECK(sfl_maxpool2d_out_dims(&p0, &d0, nullptr) == SFL_ERR_NULL_ARG);
    CHECK(sfl_maxpool2d_out_dims(&p0, &d0, &out) == SFL_OK);
    CHECK((out.n == 3 && out.h == 3 && out.w == 2 && out.c == 2));

    // A bad index outside the range is not read; the range's images are done.
    bad_index = index;
    bad_index[0] = -7;
    std::vector<float> dX(X.size(), kSentinel);
    CHECK(sfl_maxpool2d_backward(&p0, &d0, sfl_range{1, 3}, bad_index.data(), dY.data(), dX.data()) == SFL_OK);
    CHECK(std::all_of(dX.begin(), dX.begin() + img, [](float v) { return v == kSentinel; }));
    CHECK(std::all_of(dX.begin() + img, dX.end(), [](float v) { return v == 0.0f || v == 1.0f; }));
}

// ---------------------------------------------------------------------- ReLU

TEST_CASE("maxpool backward: every index value at every output, against the window's definition") {
    // Output (oy, ox, ch) of image i may name only the input (y, x, ch) of its own window:
    // v = (y w + x) c + ch with y - oy sh in [0, kh), x - ox sw in [0, kw). Checked for
    // each output position and every v in [-3, h w c + 3) (the rest of the index valid),
    // for a small window (compared with candidate offsets) and one of more than 16 pixels
    // (the division path).
    struct Geo {
        int32_t h, w, c, kh, kw, sh, sw;
    };
    for (const Geo geo : {Geo{5, 4, 3, 2, 2, 2, 2}, Geo{5, 6, 2, 3, 2, 1, 2}, Geo{6, 6, 2, 5, 4, 1, 2}}) {
        CAPTURE(geo.kh);
        CAPTURE(geo.kw);
        const sfl_dims4 in{2, geo.h, geo.w, geo.c};
        sfl_patch_params p{};
        p.kernel = sfl_tile{geo.kh, geo.kw};
        p.stride = sfl_tile{geo.sh, geo.sw};
        sfl_dims4 od{};
        REQUIRE(sfl_maxpool2d_out_dims(&p, &in, &od) == SFL_OK);
        const int32_t img = geo.h * geo.w * geo.c, out = od.h * od.w * od.c;
        std::vector<float> X(size_t(2 * img)), Y(size_t(2 * out)), dY(size_t(2 * out), 1.0f), dX(X.size());
        for (size_t k = 0; k < X.size(); ++k) X[k] = float((k * 37) % 101);
        std::vector<int32_t> index(size_t(2 * out));
        REQUIRE(sfl_maxpool2d_forward(&p, &in, sfl_range{0, 2}, X.data(), Y.data(), index.data()) == SFL_OK);
        int checked = 0, wrong = 0;
        for (int32_t o = 0; o < out; ++o) {
            const int32_t ch = o % od.c, ox = (o / od.c) % od.w, oy = o / od.c / od.w;
            for (int32_t v = -3; v < img + 3; ++v) {
                bool want = false;
                if (v >= 0 && v < img) {
                    const int32_t y = v / (geo.w * geo.c), x = v / geo.c % geo.w;
                    want = v % geo.c == ch && y >= oy * geo.sh && y < oy * geo.sh + geo.kh && x >= ox * geo.sw &&
                           x < ox * geo.sw + geo.kw;
                }
                std::vector<int32_t> edited = index;
                edited[size_t(out + o)] = v; // image 1
                const sfl_status st =
                    sfl_maxpool2d_backward(&p, &in, sfl_range{0, 2}, edited.data(), dY.data(), dX.data());
                wrong += (st == SFL_OK) != want || (st != SFL_OK && st != SFL_ERR_BAD_DIMS);
                ++checked;
            }
        }
        CHECK(checked == out * (img + 6));
        CHECK(wrong == 0);
    }
}

TEST_CASE("ReLU: NULL pointers give SFL_ERR_NULL_ARG, outputs untouched, count 0 is fine") {
    std::vector<float> x = filled(5, -1.0f), y(5, kSentinel), dy = filled(5, 2.0f), dx(5, kSentinel);
    CHECK(sfl_relu_forward(5, nullptr, y.data()) == SFL_ERR_NULL_ARG);
    CHECK(sfl_relu_forward(5, x.data(), nullptr) == SFL_ERR_NULL_ARG);
    CHECK(sfl_relu_backward(5, nullptr, dy.data(), dx.data()) == SFL_ERR_NULL_ARG);
    CHECK(sfl_relu_backward(5, x.data(), nullptr, dx.data()) == SFL_ERR_NULL_ARG);
    CHECK(sfl_relu_backward(5, x.data(), dy.data(), nullptr) == SFL_ERR_NULL_ARG);
    CHECK(untouched(y));
    CHECK(untouched(dx));
    CHECK(sfl_relu_forward(0, x.data(), y.data()) == SFL_OK);
    CHECK(sfl_relu_backward(0, x.data(), dy.data(), dx.data()) == SFL_OK);
    CHECK(untouched(y));
    CHECK(untouched(dx));
}

// ------------------------------------------------------------ fully connected

struct LinearArgs {
    sfl_workspace ws;
    const sfl_linear_dims *dims;
    sfl_linear_dims d;
    int32_t n;
    sfl_range range;
    const float *X, *W, *dY;
    bool null_Y = false, null_dW = false;
};

TEST_CASE("linear: the bad-input table (forward, backward, size query)") {
    const sfl_linear_dims d0 = {6, 4};
    const int32_t n = 5;
    const size_t bytes = SFL_LINEAR_BACKWARD_WORKSPACE_BYTES(6, 4);
    AlignedBuffer mem(bytes + 64);
    const std::vector<float> X = filled(size_t(n) * 6), W = filled(24), b = filled(4), dY = filled(size_t(n) * 4);
    const LinearArgs good = {{mem.data(), bytes}, nullptr, d0, n, sfl_range{0, n}, X.data(), W.data(), dY.data()};

    using R = Row<LinearArgs>;
    const std::vector<R> rows = {
        {"dims NULL", [](LinearArgs &a) { a.dims = nullptr; }, SFL_ERR_NULL_ARG},
        {"X NULL", [](LinearArgs &a) { a.X = nullptr; }, SFL_ERR_NULL_ARG},
        {"W NULL", [](LinearArgs &a) { a.W = nullptr; }, SFL_ERR_NULL_ARG},
        {"in = 0", [](LinearArgs &a) { a.d.in = 0; }, SFL_ERR_BAD_DIMS},
        {"out < 0", [](LinearArgs &a) { a.d.out = -4; }, SFL_ERR_BAD_DIMS},
        {"in > SFL_NN_MAX_DIM", [](LinearArgs &a) { a.d.in = SFL_NN_MAX_DIM + 1; }, SFL_ERR_BAD_DIMS},
        {"n = 0", [](LinearArgs &a) { a.n = 0; a.range = sfl_range{0, 0}; }, SFL_ERR_BAD_DIMS},
        {"range end > n", [](LinearArgs &a) { a.range.end = 6; }, SFL_ERR_BAD_DIMS},
        {"range begin < 0", [](LinearArgs &a) { a.range.begin = -2; }, SFL_ERR_BAD_DIMS},
        {"range begin > end", [](LinearArgs &a) { a.range = sfl_range{4, 3}; }, SFL_ERR_BAD_DIMS},
        {"output NULL", [](LinearArgs &a) { a.null_Y = true; a.null_dW = true; }, SFL_ERR_NULL_ARG},
    };
    const std::vector<R> backward_rows = {
        {"dY NULL", [](LinearArgs &a) { a.dY = nullptr; }, SFL_ERR_NULL_ARG},
        {"workspace one byte short", [](LinearArgs &a) { a.ws.size -= 1; }, SFL_ERR_WORKSPACE_TOO_SMALL},
        {"workspace misaligned", [](LinearArgs &a) { a.ws.buf = bump(a.ws.buf); }, SFL_ERR_MISALIGNED},
        {"workspace NULL buffer", [](LinearArgs &a) { a.ws.buf = nullptr; }, SFL_ERR_NULL_ARG},
        {"workspace too small, empty range", [](LinearArgs &a) { a.ws.size = 64; a.range = sfl_range{2, 2}; }, SFL_ERR_WORKSPACE_TOO_SMALL},
    };
    auto run = [&](const R &row, bool forward) {
        CAPTURE(row.what);
        CAPTURE(forward);
        LinearArgs a = good;
        a.dims = &a.d;
        row.edit(a);
        std::vector<float> Y(size_t(n) * 4, kSentinel), dX(X.size(), kSentinel), dW(W.size(), kSentinel), db(4, kSentinel);
        if (forward)
            CHECK(sfl_linear_forward(a.dims, a.n, a.range, a.X, a.W, b.data(), a.null_Y ? nullptr : Y.data()) == row.expect);
        else
            CHECK(sfl_linear_backward(&a.ws, a.dims, a.n, a.range, a.X, a.W, a.dY, dX.data(), a.null_dW ? nullptr : dW.data(),
                                      db.data()) == row.expect);
        CHECK(untouched(Y));
        CHECK(untouched(dX));
        CHECK(untouched(dW));
        CHECK(untouched(db));
    };
    for (const R &row : rows) {
        run(row, true);
        run(row, false);
    }
    for (const R &row : backward_rows) run(row, false);
    std::vector<float> dW(W.size(), kSentinel);
    CHECK(sfl_linear_backward(nullptr, &d0, n, good.range, X.data(), W.data(), dY.data(), nullptr, dW.data(), nullptr) == SFL_ERR_NULL_ARG);
    CHECK(untouched(dW));
    size_t q = 99;
    CHECK(sfl_linear_backward_workspace_size(nullptr, &q) == SFL_ERR_NULL_ARG);
    CHECK(sfl_linear_backward_workspace_size(&d0, nullptr) == SFL_ERR_NULL_ARG);
    const sfl_linear_dims zero = {0, 4};
    CHECK(sfl_linear_backward_workspace_size(&zero, &q) == SFL_ERR_BAD_DIMS);
    CHECK(q == 99);
    // exact size works, optional outputs NULL
    const sfl_workspace exact = {mem.data(), bytes};
    std::fill(dW.begin(), dW.end(), 0.0f);
    CHECK(sfl_linear_backward(&exact, &d0, n, good.range, X.data(), W.data(), dY.data(), nullptr, dW.data(), nullptr) == SFL_OK);
    CHECK(dW[0] == 0.5f * 0.5f * float(n));
}

// ------------------------------------------------------ softmax cross-entropy

struct XentArgs {
    int32_t n, classes;
    sfl_range range;
    const float *logits;
    const int32_t *labels;
    float scale;
};

TEST_CASE("softmax xent: the bad-input table") {
    const int32_t n = 4, classes = 3;
    const std::vector<float> z = {0.1f, 0.2f, 0.3f, 1.0f, -1.0f, 0.0f, 5.0f, 4.0f, 3.0f, 0.0f, 0.0f, 0.0f};
    const std::vector<int32_t> labels = {0, 2, -1, 1};
    std::vector<int32_t> bad_labels;
    const XentArgs good = {n, classes, sfl_range{0, n}, z.data(), labels.data(), 0.25f};
    auto with_label = [&](int32_t pos, int32_t value) {
        return [&bad_labels, &labels, pos, value](XentArgs &a) {
            bad_labels = labels;
            bad_labels[size_t(pos)] = value;
            a.labels = bad_labels.data();
        };
    };
    using R = Row<XentArgs>;
    const std::vector<R> rows = {
        {"logits NULL", [](XentArgs &a) { a.logits = nullptr; }, SFL_ERR_NULL_ARG},
        {"labels NULL", [](XentArgs &a) { a.labels = nullptr; }, SFL_ERR_NULL_ARG},
        {"n = 0", [](XentArgs &a) { a.n = 0; a.range = sfl_range{0, 0}; }, SFL_ERR_BAD_DIMS},
        {"classes = 1", [](XentArgs &a) { a.classes = 1; }, SFL_ERR_BAD_DIMS},
        {"classes > SFL_NN_MAX_DIM", [](XentArgs &a) { a.classes = SFL_NN_MAX_DIM + 1; }, SFL_ERR_BAD_DIMS},
        {"range end > n", [](XentArgs &a) { a.range.end = n + 1; }, SFL_ERR_BAD_DIMS},
        {"range begin < 0", [](XentArgs &a) { a.range.begin = -1; }, SFL_ERR_BAD_DIMS},
        {"range begin > end", [](XentArgs &a) { a.range = sfl_range{3, 1}; }, SFL_ERR_BAD_DIMS},
        {"label == classes", with_label(3, classes), SFL_ERR_BAD_PARAM},
        {"label -2", with_label(0, -2), SFL_ERR_BAD_PARAM},
        {"label huge", with_label(1, 1 << 30), SFL_ERR_BAD_PARAM},
        {"scale NaN", [](XentArgs &a) { a.scale = kNaN; }, SFL_ERR_BAD_PARAM},
        {"scale Inf", [](XentArgs &a) { a.scale = -kInf; }, SFL_ERR_BAD_PARAM},
    };
    for (const R &row : rows) {
        CAPTURE(row.what);
        XentArgs a = good;
        row.edit(a);
        std::vector<float> loss(size_t(n), kSentinel), d(z.size(), kSentinel);
        CHECK(sfl_softmax_xent(a.n, a.classes, a.range, a.logits, a.labels, a.scale, loss.data(), d.data()) == row.expect);
        CHECK(untouched(loss));
        CHECK(untouched(d));
    }
    // a bad label outside the range is not read
    bad_labels = labels;
    bad_labels[0] = 17;
    std::vector<float> loss(size_t(n), kSentinel);
    CHECK(sfl_softmax_xent(n, classes, sfl_range{1, n}, z.data(), bad_labels.data(), 1.0f, loss.data(), nullptr) == SFL_OK);
    CHECK(loss[0] == kSentinel);
    CHECK(loss[2] == 0.0f);
    // both outputs NULL: arguments still checked, nothing to write
    CHECK(sfl_softmax_xent(n, classes, good.range, z.data(), labels.data(), 1.0f, nullptr, nullptr) == SFL_OK);
    CHECK(sfl_softmax_xent(n, classes, good.range, z.data(), bad_labels.data(), 1.0f, nullptr, nullptr) == SFL_ERR_BAD_PARAM);
}

} // namespace
