// The paper's four networks.
#include "sfl/nn/models.hpp"

#include <stdexcept>

namespace sfl {
namespace nn {

bool is_network_name(const std::string &n) { return n == "lenet" || n == "csf" || n == "sf" || n == "csf+sf"; }

std::unique_ptr<Sequential> build_network(const NetConfig &cfg, Shape in, int32_t classes, uint64_t seed) {
    if (!is_network_name(cfg.name))
        throw std::invalid_argument("unknown network '" + cfg.name + "' (lenet, csf, sf, csf+sf)");
    const bool csf = cfg.name == "csf" || cfg.name == "csf+sf";
    const bool sf = cfg.name == "sf" || cfg.name == "csf+sf";
    Rng rng(seed);
    auto net = std::make_unique<Sequential>(in);
    auto shape = [&] { return net->out_shape(); };
    if (csf)
        net->add(std::make_unique<CSF>("csf1", shape(), 5, 20, cfg.csf, rng));
    else
        net->add(std::make_unique<Conv2d>("conv1", shape(), 5, 20, rng));
    net->add(std::make_unique<MaxPool2d>(shape(), 2));
    net->add(std::make_unique<Conv2d>("conv2", shape(), 5, 50, rng));
    net->add(std::make_unique<MaxPool2d>(shape(), 2));
    if (sf) {
        if (cfg.sf_input_norm > 0.0f) net->add(std::make_unique<L2Norm>(shape(), cfg.sf_input_norm));
        net->add(std::make_unique<SF>("sf5", shape(), 500, cfg.sf, rng));
    } else {
        net->add(std::make_unique<Linear>("fc5", shape(), 500, rng));
        net->add(std::make_unique<ReLU>(shape()));
    }
    net->add(std::make_unique<Linear>("fc6", shape(), classes, rng));
    return net;
}

} // namespace nn
} // namespace sfl
