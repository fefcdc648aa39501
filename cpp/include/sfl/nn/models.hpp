// models.hpp - the paper's four MNIST networks (docs/design.md section 3).
//   lenet : conv5x5x20, pool2, conv5x5x50, pool2, fc500 + ReLU, fc10
//   csf   : layer 1 a CSF layer (P 25x20)
//   sf    : layer 5 an SF layer (P 800x500, no ReLU)
//   csf+sf: both
#pragma once

#include <memory>
#include <string>

#include "sfl/nn/layers.hpp"
#include "sfl/nn/network.hpp"

namespace sfl {
namespace nn {

struct NetConfig {
    std::string name = "lenet"; // lenet | csf | sf | csf+sf
    FactorConfig csf{0.1f, 0.01f, SFL_ENET_LARS};
    FactorConfig sf{0.1f, 0.01f, SFL_ENET_LARS};
    /** > 0: an L2Norm layer scales every sample's SF input (pool2, 800 floats) to this norm
     *  (docs/design.md section 2.7); 0: none (the paper's network). */
    float sf_input_norm = 0.0f;
};

/** True for the four names above. */
bool is_network_name(const std::string &name);

/** Build the network for images of `in` shape and `classes` classes, initialised from seed.
 *  Throws std::invalid_argument for an unknown name or a too-small image. */
std::unique_ptr<Sequential> build_network(const NetConfig &cfg, Shape in, int32_t classes, uint64_t seed);

} // namespace nn
} // namespace sfl
