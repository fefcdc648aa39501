#include "kernels/model/blob_layout.hpp"

#include "common/arena.hpp"
#include "common/check.hpp"
#include "kernels/enet/plan.hpp"
#include "kernels/model/blob_format.hpp"

namespace sfl {
namespace model {

PlanImage plan_image(int32_t K) {
    // The takes of enet::PlanRegions::carve, in counting mode, region by region.
    Arena count;
    count.take<unsigned char>(enet::kPlanHeaderBytes);
    PlanImage p;
    p.g_off = count.used();
    count.take<float>(static_cast<size_t>(K) * static_cast<size_t>(K));
    p.inv_off = count.used();
    count.take<float>(static_cast<size_t>(K));
    p.bytes = count.used();
    return p;
}

namespace {

// Appends a region of `bytes` at the next aligned offset (absent when 0).
Region place(uint64_t *cursor, uint64_t bytes) {
    Region r;
    if (bytes == 0) return r;
    r.off = align_up(*cursor);
    r.bytes = bytes;
    *cursor = r.off + bytes;
    return r;
}

} // namespace

sfl_status make_layout(const sfl_model &model, bool with_plans, BlobLayout *layout) {
    BlobLayout L;
    L.n_layers = model.n_layers;
    L.plans = with_plans;
    uint64_t cursor = data_start(model.n_layers);
    for (int32_t i = 0; i < model.n_layers; ++i) {
        const sfl_model_layer &layer = model.layers[i];
        SFL_RETURN_IF_ERROR(check_layer(layer, &L.info[i]));
        const LayerInfo &info = L.info[i];
        L.at[i].weight = place(&cursor, 4 * info.weight_floats);
        L.at[i].bias = place(&cursor, layer.bias ? 4 * info.bias_floats : 0);
        if (with_plans && is_factor_kind(layer.kind)) {
            if (!layer.plan) return SFL_ERR_NULL_ARG;
            L.at[i].plan = place(&cursor, plan_image(info.K).bytes);
        }
    }
    L.total = align_up(cursor);
    // Each tensor is < 2^32 bytes and there are at most 48: no uint64 overflow above.
    if (L.total > SIZE_MAX) return SFL_ERR_BAD_DIMS;
    *layout = L;
    return SFL_OK;
}

} // namespace model
} // namespace sfl
