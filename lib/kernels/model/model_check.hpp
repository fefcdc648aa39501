// Checks of an sfl_model (sfl_model_check) and what they derive per layer: the
// tensor lengths a blob stores and the forward workspace of each layer. Every
// shape rule is the layer's own sfl call's (sfl_patch_out_dims,
// sfl_maxpool2d_out_dims, the workspace queries that validate the geometry and
// the enet parameters), so a model that passes runs through those calls.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sfl/sfl_model.h"

namespace sfl {
namespace model {

// What a checked layer needs and stores. Counts are floats.
struct LayerInfo {
    int32_t m = 0;               // csf, sf: signal length (rows of P); conv2d: patch length
    int32_t K = 0;               // csf, sf: atoms
    uint64_t weight_floats = 0;  // 0: the kind has no weight
    uint64_t bias_floats = 0;    // 0: the kind has no bias (conv2d, linear: the bias is optional)
    size_t workspace_bytes = 0;  // the layer's forward workspace for one sample (conv2d: grows with the batch)
};

inline bool is_factor_kind(int32_t kind) { return kind == SFL_MODEL_CSF || kind == SFL_MODEL_SF; }

// Floats of one sample of shape d (d checked: fits in int32).
inline int64_t sample_floats(const sfl_dims4 &d) { return int64_t(d.h) * d.w * d.c; }

// The shape rules, parameters and pointers of one layer (not its chain
// neighbours); the plan, when non-NULL, must be aligned and of this m, K, l2.
// Statuses as sfl_model_check(). Fills *info on success.
sfl_status check_layer(const sfl_model_layer &layer, LayerInfo *info);

// sfl_model_check(): n_layers, the model's shapes, every layer, the chain.
sfl_status check_model(const sfl_model *model);

} // namespace model
} // namespace sfl
