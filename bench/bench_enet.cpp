// Elastic-net encoding throughput (signals/s, one thread) of each solver on the
// paper's sizes at l1 = 0.1, l2 = 0.01: real 5x5 and 8x8 MNIST patches (the
// committed fixtures in tests/data/enet, made by scripts/make_fixtures.py) and
// unit-norm Gaussian signals for 800x500 (the SPAMS comparison's setting).
// Each iteration encodes the whole set through sfl_enet_encode (GEMM + solves).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <sfl/npy.hpp>
#include <sfl/sfl.h>

#include "shapes.hpp"

#ifndef SFL_BENCH_DATA_DIR
#define SFL_BENCH_DATA_DIR "tests/data/enet"
#endif

namespace {

struct Problem {
    int32_t m = 0, K = 0, n = 0;
    std::vector<float> P, X;
};

std::vector<float> unit_gaussian_columns(int32_t rows, int32_t cols, unsigned seed, bool columns) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> N(0.0f, 1.0f);
    std::vector<float> M(size_t(rows) * size_t(cols));
    for (auto &v : M) v = N(rng);
    const int32_t groups = columns ? cols : rows, len = columns ? rows : cols;
    for (int32_t g = 0; g < groups; ++g) {
        double s = 0.0;
        for (int32_t i = 0; i < len; ++i) {
            const float v = columns ? M[size_t(i) * cols + g] : M[size_t(g) * cols + i];
            s += double(v) * v;
        }
        const float inv = float(1.0 / std::sqrt(s));
        for (int32_t i = 0; i < len; ++i) (columns ? M[size_t(i) * cols + g] : M[size_t(g) * cols + i]) *= inv;
    }
    return M;
}

Problem load_problem(const sfl_bench::DictShape &shape) {
    Problem p;
    p.m = shape.m;
    p.K = shape.K;
    const std::string dir = SFL_BENCH_DATA_DIR;
    if (shape.m == 25 || shape.m == 64) {
        const std::string stem = dir + (shape.m == 25 ? "/mnist5_" : "/mnist8_");
        const sfl::npy::Array P = sfl::npy::load_f32(stem + "P.npy");
        const sfl::npy::Array X = sfl::npy::load_f32(stem + "X.npy");
        p.P = P.data;
        p.n = int32_t(X.shape[0]);
        p.X = X.data;
    } else {
        p.n = 200;
        p.P = unit_gaussian_columns(shape.m, shape.K, 1u, true);
        p.X = unit_gaussian_columns(p.n, shape.m, 2u, false);
    }
    return p;
}

struct Aligned {
    std::vector<unsigned char> raw;
    void *p = nullptr;
    explicit Aligned(size_t n) : raw(n + SFL_WORKSPACE_ALIGN) {
        p = raw.data() + (SFL_WORKSPACE_ALIGN - reinterpret_cast<uintptr_t>(raw.data()) % SFL_WORKSPACE_ALIGN) % SFL_WORKSPACE_ALIGN;
    }
};

void BM_encode(benchmark::State &state, sfl_bench::DictShape shape, sfl_enet_solver solver) {
    const Problem pr = load_problem(shape);
    sfl_enet_params params = SFL_ENET_PARAMS_INIT;
    params.l1 = 0.1f;
    params.l2 = 0.01f;
    params.solver = solver;
    const sfl_enet_dims dims = {pr.m, pr.K};
    Aligned plan_mem(SFL_ENET_PLAN_BYTES(pr.K));
    sfl_enet_plan *plan = nullptr;
    if (sfl_enet_plan_init(plan_mem.p, SFL_ENET_PLAN_BYTES(pr.K), &params, &dims, pr.P.data(), &plan) != SFL_OK) {
        state.SkipWithError("plan_init failed");
        return;
    }
    size_t bytes = 0;
    sfl_enet_encode_workspace_size(&params, plan, &bytes);
    Aligned ws_mem(bytes);
    const sfl_workspace ws = {ws_mem.p, bytes};
    std::vector<float> A(size_t(pr.n) * size_t(pr.K));
    std::vector<sfl_enet_info> info(size_t(pr.n));
    for (auto _ : state) {
        const sfl_status st = sfl_enet_encode(&ws, &params, plan, pr.P.data(), pr.n, pr.X.data(), A.data(), info.data());
        if (st < 0) {
            state.SkipWithError(sfl_status_string(st));
            return;
        }
        benchmark::DoNotOptimize(A.data());
    }
    double support = 0.0, iters = 0.0;
    for (const auto &i : info) {
        support += i.support;
        iters += i.iterations;
    }
    state.counters["signals/s"] = benchmark::Counter(double(pr.n) * double(state.iterations()), benchmark::Counter::kIsRate);
    state.counters["mean_support"] = support / pr.n;
    state.counters["mean_iters"] = iters / pr.n;
    state.counters["signals"] = pr.n;
}

} // namespace

BENCHMARK_CAPTURE(BM_encode, lars_csf25x20_mnist, sfl_bench::kDictShapes[0], SFL_ENET_LARS)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_encode, cd_csf25x20_mnist, sfl_bench::kDictShapes[0], SFL_ENET_CD)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_encode, lars_mid64x256_mnist, sfl_bench::kDictShapes[1], SFL_ENET_LARS)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_encode, cd_mid64x256_mnist, sfl_bench::kDictShapes[1], SFL_ENET_CD)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_encode, lars_sf800x500_gauss, sfl_bench::kDictShapes[2], SFL_ENET_LARS)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_encode, cd_sf800x500_gauss, sfl_bench::kDictShapes[2], SFL_ENET_CD)->Unit(benchmark::kMillisecond);
