// Argument checks shared by the entry points that solve with a plan
// (sfl_enet.h, sfl_layers.h).
#pragma once

#include <cstddef>

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

// The body of every size query that takes (params, plan): checks, then
// *bytes = size_of(solver config, plan). Statuses as check_params_with_plan, and
// SFL_ERR_NULL_ARG for bytes.
template <class SizeOf>
sfl_status plan_size_query(const sfl_enet_params *params, const sfl_enet_plan *plan, size_t *bytes, SizeOf size_of) {
    SFL_RETURN_IF_ERROR(check_params_with_plan(params, plan));
    if (!bytes) return SFL_ERR_NULL_ARG;
    *bytes = size_of(enet::make_solver_config(*params, plan->K), *plan);
    return SFL_OK;
}

} // namespace sfl
