// GEMM throughput on the paper's shapes: the blocked SIMD gemm_f32, the naive
// triple loop gemm_f32_ref, and a peak-FMA loop (independent fma chains on
// fbatch registers) measured in the same process. Counters: `flops` (2*M*N*Kd
// per call, as a rate) and `pct_of_peak` (the rate as a percentage of the peak
// loop, measured once per process before the first GEMM benchmark runs).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <time.h>

#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/gemm_tile.hpp"
#include "shapes.hpp"
#include "simd/simd.hpp"

namespace {

using sfl_bench::GemmShape;

// Enough independent chains to cover FMA latency x FMA ports on every target
// (e.g. 4 cycles x 2 ports = 8; SSE2 without FMA: mul + add latency 6 x 2
// ports), within the register file.
#if defined(__AVX512F__) || defined(__aarch64__)
constexpr int kChains = 16;
#else
constexpr int kChains = 12;
#endif
constexpr double kFlopsPerStep = 2.0 * sfl::simd::lanes * kChains;

// Runs `steps` rounds of kChains independent FMAs; returns a value that
// depends on every chain so nothing can be elided.
float fma_chains(int64_t steps) {
#if SFL_HAS_SIMD
    using B = sfl::simd::fbatch;
    B acc[kChains];
    for (int c = 0; c < kChains; ++c) acc[c] = B(1.0f + 0.01f * c);
    B mul(0.999999f), add(1e-3f);
    benchmark::DoNotOptimize(mul);
    benchmark::DoNotOptimize(add);
    for (int64_t s = 0; s < steps; ++s)
        for (int c = 0; c < kChains; ++c) acc[c] = xsimd::fma(acc[c], mul, add);
    B sum(0.0f);
    for (int c = 0; c < kChains; ++c) sum += acc[c];
    return sfl::simd::reduce_add(sum);
#else
    float acc[kChains];
    for (int c = 0; c < kChains; ++c) acc[c] = 1.0f + 0.01f * c;
    float mul = 0.999999f, add = 1e-3f;
    benchmark::DoNotOptimize(mul);
    benchmark::DoNotOptimize(add);
    for (int64_t s = 0; s < steps; ++s)
        for (int c = 0; c < kChains; ++c) acc[c] = acc[c] * mul + add;
    float sum = 0.0f;
    for (int c = 0; c < kChains; ++c) sum += acc[c];
    return sum;
#endif
}

// CPU time of this thread, as Google Benchmark measures it by default (the
// machine may be shared: wall time would count other processes' slices).
double thread_seconds() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Peak FLOP/s of this core, best of a few short timed runs (~0.1 s total).
double peak_flops() {
    static const double peak = [] {
        double best = 0.0;
        const int64_t steps = 1 << 20;
        for (int rep = 0; rep < 5; ++rep) {
            const double t0 = thread_seconds();
            benchmark::DoNotOptimize(fma_chains(steps));
            best = std::max(best, kFlopsPerStep * steps / (thread_seconds() - t0));
        }
        return best;
    }();
    return peak;
}

// `seconds`: thread CPU time of the timed loop, measured by the caller.
void set_counters(benchmark::State &state, double flops_per_iter, double seconds) {
    const double flops = flops_per_iter * static_cast<double>(state.iterations());
    state.counters["flops"] = benchmark::Counter(flops, benchmark::Counter::kIsRate);
    state.counters["pct_of_peak"] = 100.0 * flops / seconds / peak_flops();
}

void BM_peak_fma(benchmark::State &state) {
    const int64_t steps = 4096;
    const double t0 = thread_seconds();
    for (auto _ : state) benchmark::DoNotOptimize(fma_chains(steps));
    set_counters(state, kFlopsPerStep * steps, thread_seconds() - t0);
    state.SetLabel(std::string(sfl::simd::arch_name()) + " lanes=" + std::to_string(sfl::simd::lanes) +
                   " chains=" + std::to_string(kChains));
}

using GemmFn = void (*)(int32_t, int32_t, int32_t, const float *, int32_t, bool, const float *, int32_t, float *,
                        int32_t, bool);

void BM_gemm(benchmark::State &state, GemmShape s, GemmFn fn) {
    peak_flops(); // measure before timing starts
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    const int32_t lda = s.trans_a ? s.M : s.Kd; // A is M x Kd, or Kd x M for the Gram
    std::vector<float> A((size_t)s.M * s.Kd), Bm((size_t)s.Kd * s.N), C((size_t)s.M * s.N);
    for (float &v : A) v = u(rng);
    for (float &v : Bm) v = u(rng);
    const double t0 = thread_seconds();
    for (auto _ : state) {
        fn(s.M, s.N, s.Kd, A.data(), lda, s.trans_a, Bm.data(), s.N, C.data(), s.N, false);
        benchmark::DoNotOptimize(C.data());
        benchmark::ClobberMemory();
    }
    set_counters(state, 2.0 * s.M * s.N * s.Kd, thread_seconds() - t0);
    state.SetLabel("MxNxKd=" + std::to_string(s.M) + "x" + std::to_string(s.N) + "x" + std::to_string(s.Kd) +
                   (s.trans_a ? " A^T" : "") + " tile=" + std::to_string(sfl::kernels::kGemmMR) + "x" +
                   std::to_string(sfl::kernels::kGemmNR) + "x" + std::to_string(sfl::kernels::kGemmKC));
}

const bool registered = [] {
    benchmark::RegisterBenchmark("peak_fma", BM_peak_fma);
    for (const GemmShape &s : sfl_bench::kGemmShapes) {
        benchmark::RegisterBenchmark((std::string("gemm_simd/") + s.name).c_str(), BM_gemm, s,
                                     &sfl::kernels::gemm_f32);
        benchmark::RegisterBenchmark((std::string("gemm_ref/") + s.name).c_str(), BM_gemm, s,
                                     &sfl::kernels::gemm_f32_ref);
    }
    return true;
}();

} // namespace
