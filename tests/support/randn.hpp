// randn.hpp - seeded Gaussian test data for the plain-layer tests (test_nn_layers.cpp,
// test_l2norm.cpp): n floats scale * N(0, 1) from std::mt19937(seed). Header-only.
#pragma once

#include <cstddef>
#include <random>
#include <vector>

namespace sfl_test {

inline std::vector<float> randn(size_t n, unsigned seed, float scale = 1.0f) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> N(0.0f, 1.0f);
    std::vector<float> v(n);
    for (float &x : v) x = scale * N(rng);
    return v;
}

} // namespace sfl_test
