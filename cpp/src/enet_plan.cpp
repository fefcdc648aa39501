// sfl::EnetPlan: owns the caller memory an elastic-net plan is built into.
#include <algorithm>
#include <utility>
#include <vector>

#include "sfl/parallel.hpp"
#include "sfl/sfl.hpp"

namespace sfl {

EnetPlan::EnetPlan(const sfl_enet_params &params, int32_t m, int32_t K, const float *P) {
    const sfl_enet_dims dims{m, K};
    size_t bytes = 0;
    check(sfl_enet_plan_size(&dims, &bytes), "sfl_enet_plan_size");
    mem_.reserve(bytes);
    check(sfl_enet_plan_init(mem_.data(), mem_.size(), &params, &dims, P, &plan_), "sfl_enet_plan_init");
    dims_ = dims;
}

void EnetPlan::rebuild(const sfl_enet_params &params, const float *P, Threads threads) {
    if (!plan_) throw Error(SFL_ERR_BAD_PLAN, "EnetPlan::rebuild: empty plan");
    plan_ = nullptr;
    const int64_t blocks = (dims_.K + SFL_ENET_PLAN_ROW_BLOCK - 1) / SFL_ENET_PLAN_ROW_BLOCK;
    if (threads.count <= 1 || blocks < 2) {
        check(sfl_enet_plan_init(mem_.data(), mem_.size(), &params, &dims_, P, &plan_), "sfl_enet_plan_init");
        return;
    }
    // A row block costs in proportion to the columns right of its start (the Gram's
    // upper triangle): thread t takes blocks t, t + T, ... so the threads' shares even out.
    const int T = parallel_threads(blocks, threads.count);
    std::vector<sfl_status> status(size_t(T), SFL_OK);
    parallel_for(threads.pool, T, T, [&](int64_t, int64_t, int t) {
        for (int64_t blk = t; blk < blocks && status[size_t(t)] == SFL_OK; blk += T) {
            const int32_t r0 = int32_t(blk * SFL_ENET_PLAN_ROW_BLOCK);
            const int32_t r1 = int32_t(std::min<int64_t>(r0 + int64_t(SFL_ENET_PLAN_ROW_BLOCK), dims_.K));
            status[size_t(t)] = sfl_enet_plan_init_rows(mem_.data(), mem_.size(), &dims_, P, r0, r1);
        }
    });
    for (const sfl_status st : status) check(st, "sfl_enet_plan_init_rows");
    check(sfl_enet_plan_init_finish(mem_.data(), mem_.size(), &params, &dims_, &plan_), "sfl_enet_plan_init_finish");
}

EnetPlan::EnetPlan(EnetPlan &&other) noexcept
    : mem_(std::move(other.mem_)), plan_(std::exchange(other.plan_, nullptr)),
      dims_(std::exchange(other.dims_, sfl_enet_dims{0, 0})) {}

EnetPlan &EnetPlan::operator=(EnetPlan &&other) noexcept {
    if (this != &other) {
        mem_ = std::move(other.mem_);
        plan_ = std::exchange(other.plan_, nullptr);
        dims_ = std::exchange(other.dims_, sfl_enet_dims{0, 0});
    }
    return *this;
}

} // namespace sfl
