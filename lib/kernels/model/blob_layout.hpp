// Where each tensor of a model goes in its blob (the writer's layout, and the
// lengths the reader demands): the header, the records, then per layer in
// order its weight, bias and plan, each at the next 64-byte boundary; the
// total rounded up to 64. Plus the byte image of a stored plan.
#pragma once

#include <cstdint>

#include "sfl/sfl_model.h"
#include "kernels/model/model_check.hpp"

namespace sfl {
namespace model {

struct Region {
    uint64_t off = 0;   // from the blob start; 0 with bytes == 0: absent
    uint64_t bytes = 0;
};

struct LayerRegions {
    Region weight, bias, plan;
};

struct BlobLayout {
    int32_t n_layers = 0;
    bool plans = false; // the kFlagPlans header flag
    LayerInfo info[SFL_MODEL_MAX_LAYERS];
    LayerRegions at[SFL_MODEL_MAX_LAYERS];
    uint64_t total = 0;
};

// A stored plan for K atoms (lib/kernels/enet/plan.hpp as sfl_enet_plan_init
// carves it): the header fields, G at g_off, 1/G_jj at inv_off, `bytes` in all
// (== SFL_ENET_PLAN_BYTES(K)); every other byte zero.
struct PlanImage {
    uint64_t g_off, inv_off, bytes;
};
PlanImage plan_image(int32_t K);

// First byte after the records.
inline uint64_t data_start(int32_t n_layers) { return SFL_MODEL_HEADER_BYTES + uint64_t(SFL_MODEL_RECORD_BYTES) * uint64_t(n_layers); }

// Layout of a model (already checked) with or without its plans (then every
// csf/sf plan must be non-NULL: SFL_ERR_NULL_ARG). SFL_ERR_BAD_DIMS if the
// blob would not fit in a size_t.
sfl_status make_layout(const sfl_model &model, bool with_plans, BlobLayout *layout);

} // namespace model
} // namespace sfl
