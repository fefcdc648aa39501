// Internal helpers of the wrapper layers.
#pragma once

#include <string>
#include <vector>

#include "sfl/nn/layer.hpp"

namespace sfl {
namespace nn {
namespace detail {

inline Param make_param(std::string name, std::vector<int64_t> shape, bool decay) {
    Param p;
    p.name = std::move(name);
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    p.shape = std::move(shape);
    p.value.resize(size_t(n));
    p.decay = decay;
    return p;
}

} // namespace detail
} // namespace nn
} // namespace sfl
