// Threaded encode: contiguous row ranges, one sfl::Workspace per thread. The C
// kernels are single-threaded and reentrant; threads share only read-only data
// (plan, P, X) and write disjoint rows of A and info.
#include "encode.hpp"
#include "parallel.hpp"

#include <climits>

namespace sfl_encode {
namespace {

// info[i].status before any solve: tells a whole-call failure (info untouched)
// from per-signal failures (info filled).
constexpr int32_t kNotRun = INT32_MIN;

} // namespace

EncodeResult encode_rows(const sfl::EnetPlan &plan, const sfl_enet_params &params, const float *P, const float *X,
                         size_t n, unsigned threads) {
    const sfl_enet_dims dims = plan.dims();
    const size_t m = static_cast<size_t>(dims.m), K = static_cast<size_t>(dims.K);
    const unsigned T = static_cast<unsigned>(threads < 1 ? 1 : (threads > n ? n : threads));

    size_t ws_bytes = 0;
    sfl::check(sfl_enet_encode_workspace_size(&params, plan.get(), &ws_bytes), "sfl_enet_encode_workspace_size");
    ws_bytes += SFL_ENET_ENCODE_LANES_BYTES(K); // LARS with K <= 32: several signals at a time (sfl_enet.h)
    std::vector<sfl::Workspace> ws;
    ws.reserve(T);
    for (unsigned t = 0; t < T; ++t) ws.emplace_back(ws_bytes);

    EncodeResult r;
    r.A.assign(n * K, 0.0f);
    sfl_enet_info blank{};
    blank.status = kNotRun;
    r.info.assign(n, blank);
    r.threads = T;

    std::vector<sfl_status> status(T, SFL_OK);
    auto work = [&](unsigned t) {
        const size_t i0 = n * t / T, i1 = n * (t + 1) / T;
        const sfl_workspace view = ws[t].view();
        status[t] = sfl_enet_encode(&view, &params, plan.get(), P, static_cast<int32_t>(i1 - i0), X + i0 * m,
                                    r.A.data() + i0 * K, r.info.data() + i0);
    };

    r.seconds = run_parallel(T, work);

    for (unsigned t = 0; t < T; ++t) {
        if (status[t] >= 0) continue;
        const size_t i0 = n * t / T, i1 = n * (t + 1) / T;
        for (size_t i = i0; i < i1; ++i)
            if (r.info[i].status == kNotRun) sfl::check(status[t], "sfl_enet_encode");
    }
    return r;
}

} // namespace sfl_encode
