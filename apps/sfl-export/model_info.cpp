// Sizes and names of an sfl_model's layers.
#include "model_info.hpp"

#include "sfl/sfl.hpp"

namespace sfl_export {

int32_t dict_rows(const sfl_model_layer &l) {
    if (l.kind == SFL_MODEL_CSF) return l.geom.kernel.h * l.geom.kernel.w * l.in.c;
    if (l.kind == SFL_MODEL_SF) return l.in.h * l.in.w * l.in.c;
    return 0;
}

size_t weight_floats(const sfl_model_layer &l) {
    const size_t cout = size_t(l.out.c);
    switch (l.kind) {
    case SFL_MODEL_CONV2D: return size_t(l.geom.kernel.h) * size_t(l.geom.kernel.w) * size_t(l.in.c) * cout;
    case SFL_MODEL_LINEAR: return size_t(l.in.h) * size_t(l.in.w) * size_t(l.in.c) * cout;
    case SFL_MODEL_CSF:
    case SFL_MODEL_SF: return size_t(dict_rows(l)) * cout;
    default: return 0;
    }
}

size_t bias_floats(const sfl_model_layer &l) {
    return l.kind == SFL_MODEL_CONV2D || l.kind == SFL_MODEL_LINEAR ? size_t(l.out.c) : 0;
}

size_t plan_bytes(const sfl_model_layer &l) {
    if ((l.kind != SFL_MODEL_CSF && l.kind != SFL_MODEL_SF) || !l.plan) return 0;
    const sfl_enet_dims d{dict_rows(l), l.out.c};
    size_t bytes = 0;
    sfl::check(sfl_enet_plan_size(&d, &bytes), "sfl_enet_plan_size");
    return bytes;
}

size_t const_bytes(const sfl_model &m) {
    size_t total = 0;
    for (int32_t i = 0; i < m.n_layers; ++i) {
        const sfl_model_layer &l = m.layers[i];
        total += (weight_floats(l) + bias_floats(l)) * sizeof(float) + plan_bytes(l);
    }
    return total;
}

} // namespace sfl_export
