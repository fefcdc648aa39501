// Argument checks shared by the entry points that solve with a plan
// (sfl_enet.h, sfl_layers.h).
#pragma once

#include "sfl/sfl_enet.h"
#include "common/check.hpp"
#include "kernels/enet/params.hpp"
#include "kernels/enet/plan.hpp"

namespace sfl {

// params valid and usable with plan: both non-NULL, plan initialised, l2 equal to
// the plan's (G depends on it). SFL_OK, SFL_ERR_NULL_ARG, SFL_ERR_BAD_PLAN, SFL_ERR_BAD_PARAM.
inline sfl_status check_params_with_plan(const sfl_enet_params *params, const sfl_enet_plan *plan) {
    if (!params || !plan) return SFL_ERR_NULL_ARG;
    if (!enet::plan_valid(plan)) return SFL_ERR_BAD_PLAN;
    SFL_RETURN_IF_ERROR(enet::check_params(*params));
    return params->l2 == plan->l2 ? SFL_OK : SFL_ERR_BAD_PARAM;
}

} // namespace sfl
