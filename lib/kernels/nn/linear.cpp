#include "kernels/nn/linear.hpp"

#include "kernels/gemm/gemm.hpp"
#include "kernels/linalg/dense.hpp"
#include "kernels/nn/rows.hpp"

namespace sfl {
namespace nn {

LinearBackwardBuffers LinearBackwardBuffers::carve(Arena &arena, int32_t in, int32_t out) {
    LinearBackwardBuffers b;
    b.WT = arena.take<float>(static_cast<size_t>(in) * static_cast<size_t>(out));
    return b;
}

size_t linear_backward_bytes(int32_t in, int32_t out) {
    Arena count;
    LinearBackwardBuffers::carve(count, in, out);
    return count.used();
}

void linear_forward(int32_t in, int32_t out, int32_t r0, int32_t r1, const float *X, const float *W, const float *b,
                    float *Y) {
    const int32_t rows = r1 - r0;
    float *Yr = Y + static_cast<int64_t>(r0) * out;
    if (b) fill_rows(rows, out, b, Yr); // the GEMM then adds onto the bias
    kernels::gemm_f32(rows, out, in, X + static_cast<int64_t>(r0) * in, in, false, W, out, Yr, out, b != nullptr);
}

void linear_backward(const LinearBackwardBuffers &buf, int32_t in, int32_t out, int32_t r0, int32_t r1,
                     const float *X, const float *W, const float *dY, float *dX, float *dW, float *db) {
    const int32_t rows = r1 - r0;
    if (rows == 0) return;
    const float *dYr = dY + static_cast<int64_t>(r0) * out;
    kernels::gemm_f32(in, out, rows, X + static_cast<int64_t>(r0) * in, in, true, dYr, out, dW, out, true);
    if (db) add_column_sums(rows, out, dYr, db);
    if (!dX) return;
    float *dXr = dX + static_cast<int64_t>(r0) * in;
    if (static_cast<int64_t>(rows) * (in + out) <= static_cast<int64_t>(in) * out) {
        // Few rows (training batches split over threads): dX^T = W dY^T, with the two small
        // transposes in the WT buffer, instead of transposing all of W on every call.
        float *dYT = buf.WT;                                     // out x rows
        float *dXT = buf.WT + static_cast<int64_t>(out) * rows;  // in x rows
        linalg::transpose(rows, out, dYr, dYT);
        kernels::gemm_f32(in, rows, out, W, out, false, dYT, rows, dXT, rows, false);
        linalg::transpose(in, rows, dXT, dXr);
        return;
    }
    linalg::transpose(in, out, W, buf.WT);
    kernels::gemm_f32(rows, in, out, dYr, out, false, buf.WT, in, dXr, in, false);
}

} // namespace nn
} // namespace sfl
