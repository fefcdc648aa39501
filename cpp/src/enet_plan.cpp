// sfl::EnetPlan: owns the caller memory an elastic-net plan is built into.
#include <utility>

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

void EnetPlan::rebuild(const sfl_enet_params &params, const float *P) {
    if (!plan_) throw Error(SFL_ERR_BAD_PLAN, "EnetPlan::rebuild: empty plan");
    plan_ = nullptr;
    check(sfl_enet_plan_init(mem_.data(), mem_.size(), &params, &dims_, P, &plan_), "sfl_enet_plan_init");
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
