// Threaded encode: contiguous row ranges, one sfl::Workspace per thread. The C
// kernels are single-threaded and reentrant; threads share only read-only data
// (plan, P, X) and write disjoint rows of A and info.
#include "encode.hpp"

#include <algorithm>
#include <chrono>
#include <climits>

#include "sfl/parallel.hpp"

namespace sfl_encode {
namespace {

// info[i].status before any solve: tells a whole-call failure (info untouched)
// from per-signal failures (info filled).
constexpr int32_t kNotRun = INT32_MIN;

// Rows per sfl_enet_encode call: progress is counted per call (a multiple of the 16 rows
// the LARS lanes take at a time; the codes do not depend on it).
constexpr int64_t kChunk = 256;

} // namespace

EncodeResult encode_rows(const sfl::EnetPlan &plan, const sfl_enet_params &given, const float *P, const float *X,
                         size_t n, unsigned threads, RowProgress &progress) {
    sfl_enet_params params = given;
    params.lanes = 1; // LARS with K <= 32: several signals at a time (sfl_enet.h)
    const sfl_enet_dims dims = plan.dims();
    const size_t m = static_cast<size_t>(dims.m), K = static_cast<size_t>(dims.K);
    const int T = sfl::parallel_threads(int64_t(n), int(threads));

    size_t ws_bytes = 0;
    sfl::check(sfl_enet_encode_workspace_size(&params, plan.get(), &ws_bytes), "sfl_enet_encode_workspace_size");
    std::vector<sfl::Workspace> ws;
    ws.reserve(T);
    for (int t = 0; t < T; ++t) ws.emplace_back(ws_bytes);

    EncodeResult r;
    r.A.assign(n * K, 0.0f);
    sfl_enet_info blank{};
    blank.status = kNotRun;
    r.info.assign(n, blank);
    r.threads = unsigned(T);

    // Thread t encodes the rows [i0, i1) of its range (sfl::split_range), kChunk at a time;
    // its status: the first failure as a whole, else the last chunk's.
    std::vector<sfl_status> status(size_t(T), SFL_OK);
    const auto start = std::chrono::steady_clock::now();
    sfl::parallel_for(int64_t(n), T, [&](int64_t i0, int64_t i1, int t) {
        const sfl_workspace view = ws[size_t(t)].view();
        for (int64_t c0 = i0; c0 < i1; c0 += kChunk) {
            const int64_t rows = std::min(kChunk, i1 - c0);
            status[size_t(t)] = sfl_enet_encode(&view, &params, plan.get(), P, static_cast<int32_t>(rows),
                                                X + size_t(c0) * m, r.A.data() + size_t(c0) * K, r.info.data() + c0);
            if (status[size_t(t)] < 0) break;
            progress.add(rows);
        }
    });
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress.finish();

    for (int t = 0; t < T; ++t) {
        if (status[size_t(t)] >= 0) continue;
        const sfl::ItemRange range = sfl::split_range(int64_t(n), T, t);
        for (int64_t i = range.begin; i < range.end; ++i)
            if (r.info[size_t(i)].status == kNotRun) sfl::check(status[size_t(t)], "sfl_enet_encode");
    }
    return r;
}

} // namespace sfl_encode
