#include "kernels/nn/conv2d.hpp"

#include <cstring>

#include "kernels/gemm/gemm.hpp"
#include "kernels/linalg/dense.hpp"
#include "kernels/nn/rows.hpp"
#include "kernels/patch/im2col.hpp"

namespace sfl {
namespace nn {

namespace {

constexpr int32_t kBlock = SFL_CONV2D_BLOCK;

// Calls f(image, first patch, last patch + 1, row offset in the tile) for the
// pieces of the global patch span [P0, P1), one piece per image it touches.
template <class F> void for_each_image_piece(const patch::Geometry &g, int64_t P0, int64_t P1, F f) {
    const int64_t np = g.patches();
    for (int64_t P = P0; P < P1;) {
        const int64_t i = P / np, p = P % np;
        const int64_t take = np - p < P1 - P ? np - p : P1 - P;
        f(i, p, p + take, P - P0);
        P += take;
    }
}

void im2col_span(const patch::Geometry &g, const float *X, int64_t P0, int64_t P1, float *cols) {
    for_each_image_piece(g, P0, P1, [&](int64_t i, int64_t p0, int64_t p1, int64_t row) {
        patch::im2col_rows(g, X + i * g.image_elems(), p0, p1, cols + row * g.m);
    });
}

void col2im_span(const patch::Geometry &g, const float *cols, int64_t P0, int64_t P1, float *X) {
    for_each_image_piece(g, P0, P1, [&](int64_t i, int64_t p0, int64_t p1, int64_t row) {
        patch::col2im_rows(g, cols + row * g.m, p0, p1, X + i * g.image_elems());
    });
}

} // namespace

int32_t conv2d_forward_tile_rows(int64_t patches) {
    return static_cast<int32_t>(patches < kBlock ? patches : kBlock);
}

Conv2dForwardBuffers conv2d_forward_carve(Arena &arena, const patch::Geometry &g) {
    return Conv2dForwardBuffers::carve(arena, g.m, conv2d_forward_tile_rows(static_cast<int64_t>(g.n) * g.patches()));
}

size_t conv2d_forward_bytes(const patch::Geometry &g) {
    Arena count;
    conv2d_forward_carve(count, g);
    return count.used();
}

size_t conv2d_backward_bytes(int32_t m, int32_t cout) {
    Arena count;
    Conv2dBackwardBuffers::carve(count, m, cout);
    return count.used();
}

Conv2dForwardBuffers Conv2dForwardBuffers::carve(Arena &arena, int32_t m, int32_t rows) {
    Conv2dForwardBuffers b;
    b.cols = arena.take<float>(static_cast<size_t>(rows) * static_cast<size_t>(m));
    b.rows = rows;
    return b;
}

Conv2dBackwardBuffers Conv2dBackwardBuffers::carve(Arena &arena, int32_t m, int32_t cout) {
    Conv2dBackwardBuffers b;
    b.cols = arena.take<float>(static_cast<size_t>(kBlock) * static_cast<size_t>(m));
    b.dcols = arena.take<float>(static_cast<size_t>(kBlock) * static_cast<size_t>(m));
    b.WT = arena.take<float>(static_cast<size_t>(m) * static_cast<size_t>(cout));
    return b;
}

void conv2d_forward(const patch::Geometry &g, const Conv2dForwardBuffers &buf, int32_t i0, int32_t i1,
                    const float *X, int32_t cout, const float *W, const float *b, float *Y) {
    // Tiles of buf.rows patches; when that is less than SFL_CONV2D_BLOCK it covers the
    // whole batch, so the tiles (and the results, bit for bit) are the same either way.
    const int64_t np = g.patches(), end = i1 * np, T = buf.rows;
    for (int64_t P0 = i0 * np; P0 < end; P0 += T) {
        const int32_t nb = static_cast<int32_t>(end - P0 < T ? end - P0 : T);
        float *Yt = Y + P0 * cout;
        im2col_span(g, X, P0, P0 + nb, buf.cols);
        if (b) fill_rows(nb, cout, b, Yt); // the GEMM then adds onto the bias
        kernels::gemm_f32(nb, cout, g.m, buf.cols, g.m, false, W, cout, Yt, cout, b != nullptr);
    }
}

void conv2d_backward(const patch::Geometry &g, const Conv2dBackwardBuffers &buf, int32_t i0, int32_t i1,
                     const float *X, int32_t cout, const float *W, const float *dY, float *dX, float *dW, float *db) {
    const int32_t m = g.m;
    const int64_t np = g.patches(), end = i1 * np;
    if (dX) {
        linalg::transpose(m, cout, W, buf.WT);
        std::memset(dX + i0 * g.image_elems(), 0, sizeof(float) * static_cast<size_t>((i1 - i0) * g.image_elems()));
    }
    for (int64_t P0 = i0 * np; P0 < end; P0 += kBlock) {
        const int32_t nb = static_cast<int32_t>(end - P0 < kBlock ? end - P0 : kBlock);
        const float *dYt = dY + P0 * cout;
        im2col_span(g, X, P0, P0 + nb, buf.cols);
        kernels::gemm_f32(m, cout, nb, buf.cols, m, true, dYt, cout, dW, cout, true);
        if (db) add_column_sums(nb, cout, dYt, db);
        if (dX) {
            kernels::gemm_f32(nb, m, cout, dYt, cout, false, buf.WT, m, buf.dcols, m, false);
            col2im_span(g, buf.dcols, P0, P0 + nb, dX);
        }
    }
}

} // namespace nn
} // namespace sfl
