// Layer throughput (images/s, one thread) of the SF and CSF layers beside the
// plain layers they replace, measured in the same run:
//   SF 800 -> 500, batch 100   vs  linear 800 -> 500 (Y = X W, one blocked GEMM;
//                                  backward dX = dY W^T, dW = X^T dY, W^T made in the call)
//   CSF 5x5, K = 20 on 28x28x1, batch 100  vs  convolution 5x5, 1 -> 20 (im2col + GEMM;
//                                  backward dW = cols^T dY, dcols = dY W^T, col2im)
// The ratio plain / sparse of images/s is the number that matters (docs/layers.md).
// l1 = 0.1, l2 = 0.01, LARS. SF inputs are unit-norm Gaussian signals over a
// unit-norm Gaussian dictionary (as bench_enet); CSF inputs are synthetic digit-like
// images (a few thick strokes on black, so many patches are empty as in MNIST)
// over the committed MNIST 5x5 dictionary (tests/data/enet/mnist5_P.npy) when the
// C++ wrapper is there to read it, else a Gaussian one.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <chrono>

#include <sfl/sfl.h>

#include "../tests/support/aligned_buffer.hpp"
#include "kernels/gemm/gemm.hpp"

#if __has_include(<sfl/npy.hpp>)
#include <sfl/npy.hpp>
#endif

namespace {

constexpr int32_t kBatch = 100;

using sfl_test::AlignedBuffer;

std::vector<float> unit_columns(int32_t rows, int32_t cols, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> N(0.0f, 1.0f);
    std::vector<float> M(size_t(rows) * size_t(cols));
    for (auto &v : M) v = N(rng);
    for (int32_t j = 0; j < cols; ++j) {
        double s = 0.0;
        for (int32_t i = 0; i < rows; ++i) s += double(M[size_t(i) * cols + j]) * M[size_t(i) * cols + j];
        for (int32_t i = 0; i < rows; ++i) M[size_t(i) * cols + j] = float(M[size_t(i) * cols + j] / std::sqrt(s));
    }
    return M;
}

std::vector<float> mnist_dictionary() {
#if __has_include(<sfl/npy.hpp>)
    const std::string here = __FILE__;
    const std::string path = here.substr(0, here.find_last_of('/')) + "/../tests/data/enet/mnist5_P.npy";
    try {
        const sfl::npy::Array a = sfl::npy::load_f32(path);
        if (a.shape.size() == 2 && a.shape[0] == 25 && a.shape[1] == 20) return a.data;
    } catch (...) {
    }
#endif
    return unit_columns(25, 20, 11u);
}

// n 28x28 images, each 2..4 strokes of width ~2.5 px, values in [0, 1].
std::vector<float> stroke_images(int32_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> U(4.0f, 24.0f);
    std::uniform_int_distribution<int> strokes(2, 4);
    std::vector<float> X(size_t(n) * 784, 0.0f);
    for (int32_t i = 0; i < n; ++i) {
        float *img = X.data() + size_t(i) * 784;
        for (int s = strokes(rng); s > 0; --s) {
            const float x0 = U(rng), y0 = U(rng), x1 = U(rng), y1 = U(rng);
            for (int32_t y = 0; y < 28; ++y)
                for (int32_t x = 0; x < 28; ++x) {
                    const float dx = x1 - x0, dy = y1 - y0, L2 = dx * dx + dy * dy + 1e-6f;
                    float t = ((x - x0) * dx + (y - y0) * dy) / L2;
                    t = t < 0 ? 0 : (t > 1 ? 1 : t);
                    const float ex = x - (x0 + t * dx), ey = y - (y0 + t * dy);
                    const float v = 1.0f - std::sqrt(ex * ex + ey * ey) / 2.5f;
                    if (v > img[y * 28 + x]) img[y * 28 + x] = v;
                }
        }
    }
    return X;
}

std::vector<float> gaussian(size_t n, unsigned seed, float scale) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> N(0.0f, scale);
    std::vector<float> v(n);
    for (auto &x : v) x = N(rng);
    return v;
}

void transpose(int32_t rows, int32_t cols, const float *A, float *AT) {
    for (int32_t i = 0; i < rows; ++i)
        for (int32_t j = 0; j < cols; ++j) AT[size_t(j) * rows + i] = A[size_t(i) * cols + j];
}

// A layer's dictionary, plan and buffers for one shape.
struct SparseLayer {
    bool csf;
    int32_t m, K;
    sfl_enet_params params = SFL_ENET_PARAMS_INIT;
    sfl_patch_params patch = SFL_PATCH_PARAMS_INIT(5, 5);
    sfl_dims4 in{kBatch, 28, 28, 1};
    int64_t rows;
    std::vector<float> P, X, A, dA, dX, dP, lu;
    AlignedBuffer plan_mem, fwd, bwd, cache_mem;
    sfl_enet_plan *plan = nullptr;

    explicit SparseLayer(bool csf_, int32_t lanes = 0)
        : csf(csf_), m(csf_ ? 25 : 800), K(csf_ ? 20 : 500), plan_mem(SFL_ENET_PLAN_BYTES(K)) {
        params.l1 = 0.1f;
        params.l2 = 0.01f;
        params.lanes = lanes;
        rows = csf ? int64_t(kBatch) * 24 * 24 : kBatch;
        P = csf ? mnist_dictionary() : unit_columns(m, K, 1u);
        X = csf ? stroke_images(kBatch, 2u) : unit_rows(kBatch, m);
        A.assign(size_t(rows) * K, 0.0f);
        dA = gaussian(A.size(), 3u, 1.0f);
        dX.assign(X.size(), 0.0f);
        dP.assign(P.size(), 0.0f);
        lu.assign(kBatch, 0.0f);
        const sfl_enet_dims dims = {m, K};
        sfl_enet_plan_init(plan_mem.data(), plan_mem.size(), &params, &dims, P.data(), &plan);
        size_t f = 0, b = 0, c = 0;
        if (csf) {
            sfl_csf_forward_workspace_size(&params, plan, &f);
            sfl_csf_backward_workspace_size(plan, &b);
            sfl_csf_cache_size(&patch, plan, &in, &c);
        } else {
            sfl_sf_forward_workspace_size(&params, plan, &f);
            sfl_sf_backward_workspace_size(plan, &b);
            sfl_sf_cache_size(plan, kBatch, &c);
        }
        fwd = AlignedBuffer(f);
        bwd = AlignedBuffer(b);
        cache_mem = AlignedBuffer(c);
    }
    static std::vector<float> unit_rows(int32_t n, int32_t len) {
        std::vector<float> X = gaussian(size_t(n) * len, 2u, 1.0f);
        for (int32_t i = 0; i < n; ++i) {
            double s = 0.0;
            for (int32_t k = 0; k < len; ++k) s += double(X[size_t(i) * len + k]) * X[size_t(i) * len + k];
            for (int32_t k = 0; k < len; ++k) X[size_t(i) * len + k] = float(X[size_t(i) * len + k] / std::sqrt(s));
        }
        return X;
    }
    sfl_status forward() {
        const sfl_workspace ws = fwd.workspace();
        const sfl_layer_cache cache = cache_mem.cache();
        const sfl_range all = {0, kBatch};
        if (csf) return sfl_csf_forward(&ws, &params, &patch, plan, P.data(), &in, all, X.data(), A.data(), &cache, lu.data(), nullptr);
        return sfl_sf_forward(&ws, &params, plan, P.data(), kBatch, all, X.data(), A.data(), &cache, lu.data(), nullptr);
    }
    sfl_status backward() {
        const sfl_workspace ws = bwd.workspace();
        const sfl_layer_cache cache = cache_mem.cache();
        const sfl_range all = {0, kBatch};
        const sfl_loss_mix mix = {0.5f, 0.5f, 0.5f, 0.5f};
        if (csf) return sfl_csf_backward(&ws, &mix, &patch, plan, P.data(), &in, all, X.data(), A.data(), &cache, dA.data(), nullptr, dX.data(), dP.data());
        return sfl_sf_backward(&ws, &mix, plan, P.data(), kBatch, all, X.data(), A.data(), &cache, dA.data(), nullptr, dX.data(), dP.data());
    }
    double mean_support() const {
        double s = 0.0;
        for (float v : A) s += v != 0.0f;
        return s / double(rows);
    }
};

void finish(benchmark::State &state) {
    state.counters["images/s"] = benchmark::Counter(double(kBatch) * double(state.iterations()), benchmark::Counter::kIsRate);
}

// lanes: params.lanes = 1 (the training wrapper's setting); each iteration then also
// runs the one-row forward (timed by hand, paused), so x_one_row is a same-run ratio.
void BM_sparse_forward(benchmark::State &state, bool csf, bool lanes = false) {
    SparseLayer L(csf, lanes ? 1 : 0), one(csf, 0);
    using clock = std::chrono::steady_clock;
    double t_main = 0.0, t_one = 0.0;
    for (auto _ : state) {
        const auto t0 = clock::now();
        const sfl_status st = L.forward();
        t_main += std::chrono::duration<double>(clock::now() - t0).count();
        if (st < 0) {
            state.SkipWithError(sfl_status_string(st));
            return;
        }
        benchmark::DoNotOptimize(L.A.data());
        if (!lanes) continue;
        state.PauseTiming();
        const auto t1 = clock::now();
        one.forward();
        benchmark::DoNotOptimize(one.A.data());
        t_one += std::chrono::duration<double>(clock::now() - t1).count();
        state.ResumeTiming();
    }
    finish(state);
    state.counters["mean_support"] = L.mean_support();
    if (lanes) state.counters["x_one_row"] = t_main > 0 ? t_one / t_main : 0.0;
}

void BM_sparse_backward(benchmark::State &state, bool csf) {
    SparseLayer L(csf);
    if (L.forward() < 0) {
        state.SkipWithError("forward failed");
        return;
    }
    for (auto _ : state) {
        const sfl_status st = L.backward();
        if (st < 0) {
            state.SkipWithError(sfl_status_string(st));
            return;
        }
        benchmark::DoNotOptimize(L.dP.data());
    }
    finish(state);
}

// Linear 800 -> 500 on 100 rows: Y = X W; backward dX = dY W^T, dW += X^T dY.
void BM_linear(benchmark::State &state, bool backward) {
    const int32_t m = 800, K = 500, n = kBatch;
    const std::vector<float> W = gaussian(size_t(m) * K, 1u, 0.05f), X = gaussian(size_t(n) * m, 2u, 1.0f),
                             dY = gaussian(size_t(n) * K, 3u, 1.0f);
    std::vector<float> Y(size_t(n) * K), WT(W.size()), dX(X.size()), dW(W.size(), 0.0f);
    for (auto _ : state) {
        if (!backward) {
            sfl::kernels::gemm_f32(n, K, m, X.data(), m, false, W.data(), K, Y.data(), K, false);
            benchmark::DoNotOptimize(Y.data());
        } else {
            transpose(m, K, W.data(), WT.data());
            sfl::kernels::gemm_f32(n, m, K, dY.data(), K, false, WT.data(), m, dX.data(), m, false);
            sfl::kernels::gemm_f32(m, K, n, X.data(), m, true, dY.data(), K, dW.data(), K, true);
            benchmark::DoNotOptimize(dX.data());
            benchmark::DoNotOptimize(dW.data());
        }
    }
    finish(state);
}

// dX = dY W^T of the 800 -> 500 linear layer for `rows` rows, the two ways
// linear_backward (lib/kernels/nn/linear.cpp) chooses between: (a) transpose all of W,
// then dY W^T; (b) dX^T = W dY^T with two small transposes. Timed in the same run:
// x_transpose_w = time(a) / time(b).
void BM_linear_dx(benchmark::State &state, int32_t rows) {
    const int32_t in = 800, out = 500;
    const std::vector<float> W = gaussian(size_t(in) * out, 1u, 0.05f), dY = gaussian(size_t(rows) * out, 3u, 1.0f);
    std::vector<float> WT(W.size()), dX(size_t(rows) * in), dYT(dY.size()), dXT(dX.size());
    using clock = std::chrono::steady_clock;
    double ta = 0.0, tb = 0.0;
    for (auto _ : state) {
        const auto t0 = clock::now();
        transpose(rows, out, dY.data(), dYT.data());
        sfl::kernels::gemm_f32(in, rows, out, W.data(), out, false, dYT.data(), rows, dXT.data(), rows, false);
        transpose(in, rows, dXT.data(), dX.data());
        benchmark::DoNotOptimize(dX.data());
        tb += std::chrono::duration<double>(clock::now() - t0).count();
        state.PauseTiming();
        const auto t1 = clock::now();
        transpose(in, out, W.data(), WT.data());
        sfl::kernels::gemm_f32(rows, in, out, dY.data(), out, false, WT.data(), in, dX.data(), in, false);
        benchmark::DoNotOptimize(dX.data());
        ta += std::chrono::duration<double>(clock::now() - t1).count();
        state.ResumeTiming();
    }
    state.counters["x_transpose_w"] = tb > 0 ? ta / tb : 0.0;
}

// Convolution 5x5, 1 -> 20 on 100 28x28 images (valid): im2col + GEMM, and back.
void BM_conv(benchmark::State &state, bool backward) {
    const int32_t m = 25, K = 20;
    const sfl_patch_params patch = SFL_PATCH_PARAMS_INIT(5, 5);
    const sfl_dims4 in = {kBatch, 28, 28, 1};
    const int32_t rows = kBatch * 24 * 24;
    const std::vector<float> W = gaussian(size_t(m) * K, 1u, 0.2f), X = stroke_images(kBatch, 2u),
                             dY = gaussian(size_t(rows) * K, 3u, 1.0f);
    std::vector<float> cols(size_t(rows) * m), Y(size_t(rows) * K), WT(W.size()), dcols(cols.size()),
        dX(X.size()), dW(W.size(), 0.0f);
    for (auto _ : state) {
        if (!backward) {
            sfl_im2col_f32(&patch, &in, X.data(), cols.data());
            sfl::kernels::gemm_f32(rows, K, m, cols.data(), m, false, W.data(), K, Y.data(), K, false);
            benchmark::DoNotOptimize(Y.data());
        } else {
            sfl_im2col_f32(&patch, &in, X.data(), cols.data()); // the forward's cols are not kept
            sfl::kernels::gemm_f32(m, K, rows, cols.data(), m, true, dY.data(), K, dW.data(), K, true);
            transpose(m, K, W.data(), WT.data());
            sfl::kernels::gemm_f32(rows, m, K, dY.data(), K, false, WT.data(), m, dcols.data(), m, false);
            std::fill(dX.begin(), dX.end(), 0.0f);
            sfl_col2im_f32(&patch, &in, dcols.data(), dX.data());
            benchmark::DoNotOptimize(dX.data());
            benchmark::DoNotOptimize(dW.data());
        }
    }
    finish(state);
}

} // namespace

BENCHMARK_CAPTURE(BM_sparse_forward, sf800x500_b100, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_linear, fc800x500_b100_forward, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_sparse_backward, sf800x500_b100, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_linear, fc800x500_b100_backward, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_linear_dx, fc800x500_rows10, 10)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_linear_dx, fc800x500_rows100, 100)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_sparse_forward, csf5x5k20_28x28_b100, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_sparse_forward, csf5x5k20_28x28_b100_lanes, true, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_conv, conv5x5k20_28x28_b100_forward, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_sparse_backward, csf5x5k20_28x28_b100, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_conv, conv5x5k20_28x28_b100_backward, true)->Unit(benchmark::kMillisecond);
