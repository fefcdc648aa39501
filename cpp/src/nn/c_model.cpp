// to_c_model: a wrapper network as an sfl_model (sfl_model.h), each layer
// filling its own record (Layer::to_c_layer).
#include <stdexcept>
#include <string>

#include "sfl/model.hpp"

namespace sfl {
namespace nn {

sfl_model to_c_model(const Sequential &net) {
    const auto &layers = net.layers();
    if (layers.empty() || layers.size() > size_t(SFL_MODEL_MAX_LAYERS))
        throw std::invalid_argument("to_c_model: a model has 1 to " + std::to_string(SFL_MODEL_MAX_LAYERS) +
                                    " layers, the network has " + std::to_string(layers.size()));
    sfl_model m{};
    m.n_layers = int32_t(layers.size());
    const Shape in = net.in_shape(), out = net.out_shape();
    m.in = sfl_dims4{1, in.h, in.w, in.c};
    m.out = sfl_dims4{1, out.h, out.w, out.c};
    for (size_t i = 0; i < layers.size(); ++i) layers[i]->to_c_layer(m.layers[i]);
    check(sfl_model_check(&m), "to_c_model");
    return m;
}

} // namespace nn
} // namespace sfl
