// Elastic-net encoding throughput (signals/s, one thread) of each solver on the
// paper's sizes at l1 = 0.1, l2 = 0.01: real 5x5 and 8x8 MNIST patches (the
// committed fixtures in tests/data/enet, made by scripts/make_fixtures.py) and
// unit-norm Gaussian signals for 800x500 (the SPAMS comparison's setting).
// Each iteration encodes the whole set through sfl_enet_encode (GEMM + solves).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <sfl/npy.hpp>
#include <sfl/sfl.h>

#include "../tests/support/aligned_buffer.hpp"
#include "common/arena.hpp"
#include "kernels/enet/lars.hpp"
#include "kernels/enet/lars_lanes.hpp"
#include "kernels/enet/plan.hpp"
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

using sfl_test::AlignedBuffer;

// The plan of pr.P for params in mem (SFL_ENET_PLAN_BYTES(K) bytes); nullptr, with the
// benchmark marked skipped, on failure.
const sfl_enet_plan *init_plan(benchmark::State &state, const Problem &pr, const sfl_enet_params &params,
                               AlignedBuffer &mem) {
    const sfl_enet_dims dims = {pr.m, pr.K};
    sfl_enet_plan *plan = nullptr;
    if (sfl_enet_plan_init(mem.data(), SFL_ENET_PLAN_BYTES(pr.K), &params, &dims, pr.P.data(), &plan) != SFL_OK) {
        state.SkipWithError("plan_init failed");
        return nullptr;
    }
    return plan;
}

// Codes and diagnostics of one encode of a Problem.
struct Encoded {
    std::vector<float> A;
    std::vector<sfl_enet_info> info;
    double seconds = 0.0; // summed over the benchmark's iterations
};

// Each iteration encodes pr with params (the benchmark's timing) and, when ref is given,
// with *ref too (timed by hand while paused), so a ratio of the two comes from one run on
// one machine state. One workspace, sized for the larger of the two. False (benchmark
// marked skipped) on an error.
bool encode_paired(benchmark::State &state, const Problem &pr, const sfl_enet_plan *plan,
                   const sfl_enet_params &params, const sfl_enet_params *ref, Encoded *out, Encoded *ref_out) {
    size_t bytes = 0, ref_bytes = 0;
    sfl_enet_encode_workspace_size(&params, plan, &bytes);
    if (ref) sfl_enet_encode_workspace_size(ref, plan, &ref_bytes);
    AlignedBuffer ws_mem(std::max(bytes, ref_bytes));
    const sfl_workspace ws = {ws_mem.data(), ws_mem.size()};
    for (Encoded *e : {out, ref_out}) {
        e->A.assign(size_t(pr.n) * size_t(pr.K), 0.0f);
        e->info.assign(size_t(pr.n), sfl_enet_info{});
    }
    using clock = std::chrono::steady_clock;
    for (auto _ : state) {
        const auto t0 = clock::now();
        const sfl_status st =
            sfl_enet_encode(&ws, &params, plan, pr.P.data(), pr.n, pr.X.data(), out->A.data(), out->info.data());
        benchmark::DoNotOptimize(out->A.data());
        out->seconds += std::chrono::duration<double>(clock::now() - t0).count();
        if (st < 0) {
            state.SkipWithError(sfl_status_string(st));
            return false;
        }
        if (!ref) continue;
        state.PauseTiming();
        const auto t1 = clock::now();
        sfl_enet_encode(&ws, ref, plan, pr.P.data(), pr.n, pr.X.data(), ref_out->A.data(), ref_out->info.data());
        benchmark::DoNotOptimize(ref_out->A.data());
        ref_out->seconds += std::chrono::duration<double>(clock::now() - t1).count();
        state.ResumeTiming();
    }
    return true;
}

double mean_support(const Encoded &e) {
    double s = 0.0;
    for (const auto &i : e.info) s += i.support;
    return e.info.empty() ? 0.0 : s / double(e.info.size());
}

sfl_enet_params bench_params(sfl_enet_solver solver) {
    sfl_enet_params params = SFL_ENET_PARAMS_INIT;
    params.l1 = 0.1f;
    params.l2 = 0.01f;
    params.solver = solver;
    return params;
}

// lanes: params.lanes = 1 (LARS, K <= 32: several signals per call side by side); each iteration then also runs the
// one-at-a-time encode (timed by hand, paused), so x_one_at_a_time is a ratio measured in the same run.
void BM_encode(benchmark::State &state, sfl_bench::DictShape shape, sfl_enet_solver solver, bool lanes = false) {
    const Problem pr = load_problem(shape);
    sfl_enet_params params = bench_params(solver);
    AlignedBuffer plan_mem(SFL_ENET_PLAN_BYTES(pr.K));
    const sfl_enet_plan *plan = init_plan(state, pr, params, plan_mem);
    if (!plan) return;
    const sfl_enet_params one = params;
    params.lanes = lanes ? 1 : 0;
    Encoded e, e_one;
    if (!encode_paired(state, pr, plan, params, lanes ? &one : nullptr, &e, &e_one)) return;
    if (lanes) {
        state.counters["x_one_at_a_time"] = e.seconds > 0 ? e_one.seconds / e.seconds : 0.0;
        double worst = 0.0; // largest relative objective difference to the one-at-a-time codes
        for (int32_t i = 0; i < pr.n; ++i) {
            const double f = e.info[size_t(i)].objective, g = e_one.info[size_t(i)].objective;
            const double d = std::fabs(f - g) / std::max({std::fabs(f), std::fabs(g), 1e-30});
            worst = std::max(worst, d);
        }
        state.counters["max_rel_obj_diff"] = worst;
    }
    double iters = 0.0;
    for (const auto &i : e.info) iters += i.iterations;
    state.counters["signals/s"] = benchmark::Counter(double(pr.n) * double(state.iterations()), benchmark::Counter::kIsRate);
    state.counters["mean_support"] = mean_support(e);
    state.counters["mean_iters"] = iters / pr.n;
    state.counters["signals"] = pr.n;
}

// Non-negative codes (params.positive = 1) against the signed codes of the same data and
// solver, one row at a time: each iteration runs both, the signed one timed by hand while
// paused, so x_signed = signed time / non-negative time comes from one run (above 1: the
// non-negative codes are faster). Their supports are smaller (mean_support vs
// signed_support): about half the correlations cannot enter.
void BM_encode_positive(benchmark::State &state, sfl_bench::DictShape shape, sfl_enet_solver solver) {
    const Problem pr = load_problem(shape);
    sfl_enet_params params = bench_params(solver);
    AlignedBuffer plan_mem(SFL_ENET_PLAN_BYTES(pr.K));
    const sfl_enet_plan *plan = init_plan(state, pr, params, plan_mem);
    if (!plan) return;
    const sfl_enet_params signed_params = params;
    params.positive = 1;
    Encoded e, e_signed;
    if (!encode_paired(state, pr, plan, params, &signed_params, &e, &e_signed)) return;
    double kkt = 0.0;
    for (const auto &i : e.info) kkt = std::max(kkt, double(i.kkt));
    state.counters["signals/s"] = benchmark::Counter(double(pr.n) * double(state.iterations()), benchmark::Counter::kIsRate);
    state.counters["x_signed"] = e.seconds > 0 ? e_signed.seconds / e.seconds : 0.0;
    state.counters["mean_support"] = mean_support(e);
    state.counters["signed_support"] = mean_support(e_signed);
    state.counters["max_kkt"] = kkt;
}

// The lane-parallel LARS (kernels/enet/lars_lanes) against lars_solve row by row on
// the same G and C = X P (computed once, outside the timing): only the solves are
// timed. Each iteration runs both; the benchmark's time is the lanes' (signals/s),
// the reference's is timed by hand between PauseTiming/ResumeTiming, so
// x_reference = lanes rate / reference rate comes from one run on one machine state.
void BM_lars_lanes(benchmark::State &state, sfl_bench::DictShape shape) {
    Problem pr;
    if (shape.m == 25 && shape.K == 20) {
        pr = load_problem(shape);
    } else { // 25 x 32 unit-norm Gaussian atoms and signals
        pr.m = shape.m;
        pr.K = shape.K;
        pr.n = 400;
        pr.P = unit_gaussian_columns(pr.m, pr.K, 1u, true);
        pr.X = unit_gaussian_columns(pr.n, pr.m, 2u, false);
    }
    const float l1 = 0.1f;
    sfl_enet_params params = SFL_ENET_PARAMS_INIT;
    params.l1 = l1;
    params.l2 = 0.01f;
    AlignedBuffer plan_mem(SFL_ENET_PLAN_BYTES(pr.K));
    const sfl_enet_plan *plan = init_plan(state, pr, params, plan_mem);
    if (!plan) return;
    const int32_t K = pr.K, n = pr.n, max_iter = 4 * K + 16;
    const float *G = sfl::enet::plan_gram(plan), *inv_diag = sfl::enet::plan_inv_diag(plan);
    std::vector<float> C(size_t(n) * size_t(K));
    std::vector<double> xsq(static_cast<size_t>(n));
    int64_t blank = 0;
    for (int32_t i = 0; i < n; ++i) {
        const float *x = pr.X.data() + size_t(i) * pr.m;
        double s = 0.0, mx = 0.0;
        for (int32_t r = 0; r < pr.m; ++r) s += double(x[r]) * x[r];
        xsq[size_t(i)] = s;
        for (int32_t k = 0; k < K; ++k) {
            double v = 0.0;
            for (int32_t r = 0; r < pr.m; ++r) v += double(x[r]) * pr.P[size_t(r) * K + k];
            C[size_t(i) * K + k] = float(v);
            mx = std::max(mx, std::fabs(double(float(v))));
        }
        blank += mx > l1 ? 0 : 1;
    }
    const size_t lanes_bytes = sfl::enet::lars_lanes_workspace_bytes(K);
    AlignedBuffer lanes_ws(lanes_bytes);
    sfl::Arena counting;
    (void)sfl::enet::LarsBuffers::carve(counting, K);
    AlignedBuffer ref_ws(counting.used());
    sfl::Arena arena(ref_ws.data(), counting.used());
    const sfl::enet::LarsBuffers buf = sfl::enet::LarsBuffers::carve(arena, K);
    std::vector<float> A(size_t(n) * size_t(K)), Aref(size_t(n) * size_t(K));
    sfl::enet::LanesStats stats;
    using clock = std::chrono::steady_clock;
    double t_lanes = 0.0, t_ref = 0.0;
    for (auto _ : state) {
        const auto t0 = clock::now();
        const sfl_status st = sfl::enet::lars_lanes_solve_rows(lanes_ws.data(), lanes_bytes, G, inv_diag, K, l1, n, C.data(),
                                                               xsq.data(), max_iter, A.data(), &stats);
        benchmark::DoNotOptimize(A.data());
        t_lanes += std::chrono::duration<double>(clock::now() - t0).count();
        if (st < 0) {
            state.SkipWithError(sfl_status_string(st));
            return;
        }
        state.PauseTiming();
        const auto t1 = clock::now();
        for (int32_t i = 0; i < n; ++i) {
            const sfl::enet::Problem pb{G, inv_diag, K, l1, xsq[size_t(i)], C.data() + size_t(i) * K, false};
            sfl::enet::lars_solve(buf, pb, max_iter, Aref.data() + size_t(i) * K, nullptr, nullptr, nullptr);
        }
        benchmark::DoNotOptimize(Aref.data());
        t_ref += std::chrono::duration<double>(clock::now() - t1).count();
        state.ResumeTiming();
    }
    const double done = double(n) * double(state.iterations());
    state.counters["signals/s"] = benchmark::Counter(done, benchmark::Counter::kIsRate);
    state.counters["ref_signals/s"] = t_ref > 0 ? done / t_ref : 0.0;
    state.counters["x_reference"] = t_lanes > 0 ? t_ref / t_lanes : 0.0;
    state.counters["fallbacks"] = stats.fallbacks;
    state.counters["blank"] = double(blank);
    state.counters["signals"] = n;
    state.SetLabel(sfl_simd_arch());
}

} // namespace

BENCHMARK_CAPTURE(BM_lars_lanes, csf25x20_mnist, sfl_bench::kDictShapes[0])->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_lars_lanes, gauss25x32, sfl_bench::DictShape{"gauss25x32", 25, 32})->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_encode, lars_csf25x20_mnist, sfl_bench::kDictShapes[0], SFL_ENET_LARS)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_encode, lars_lanes_csf25x20_mnist, sfl_bench::kDictShapes[0], SFL_ENET_LARS, true)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_encode, cd_csf25x20_mnist, sfl_bench::kDictShapes[0], SFL_ENET_CD)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_encode, lars_mid64x256_mnist, sfl_bench::kDictShapes[1], SFL_ENET_LARS)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_encode, cd_mid64x256_mnist, sfl_bench::kDictShapes[1], SFL_ENET_CD)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_encode, lars_sf800x500_gauss, sfl_bench::kDictShapes[2], SFL_ENET_LARS)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_encode, cd_sf800x500_gauss, sfl_bench::kDictShapes[2], SFL_ENET_CD)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_encode_positive, lars_csf25x20_mnist, sfl_bench::kDictShapes[0], SFL_ENET_LARS)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_encode_positive, cd_csf25x20_mnist, sfl_bench::kDictShapes[0], SFL_ENET_CD)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_encode_positive, lars_mid64x256_mnist, sfl_bench::kDictShapes[1], SFL_ENET_LARS)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_encode_positive, cd_mid64x256_mnist, sfl_bench::kDictShapes[1], SFL_ENET_CD)
    ->Unit(benchmark::kMicrosecond);
