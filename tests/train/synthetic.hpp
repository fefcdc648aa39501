// Synthetic images and a small CSF network for the training tests that need no MNIST
// (test_unlabeled.cpp, test_rollback.cpp).
#pragma once

#include <cstdint>
#include <memory>

#include "sfl/nn/dataset.hpp"
#include "sfl/nn/layers.hpp"
#include "sfl/nn/network.hpp"
#include "sfl/nn/rng.hpp"

namespace sfl_train_test {

// n random 28x28 images (about a fifth of the pixels lit) with random labels 0..9, seeded.
inline sfl::nn::Dataset random_images(int32_t n, uint64_t seed) {
    sfl::nn::Rng rng(seed);
    sfl::nn::Dataset d;
    d.shape = sfl::nn::Shape{28, 28, 1};
    d.n = n;
    d.classes = 10;
    d.x.resize(size_t(n) * 784);
    for (float &v : d.x) v = rng.uniform() < 0.2f ? rng.uniform() : 0.0f;
    for (int32_t i = 0; i < n; ++i) d.labels.push_back(int32_t(rng.below(10)));
    return d;
}

// CSF 5x5 K=4 -> maxpool 2 -> linear 10, initial weights from `seed`: a dictionary with a
// plan (the CSF layer, which gives lU) and a plain layer (the linear one, CE only).
inline std::unique_ptr<sfl::nn::Sequential> small_csf_net(uint64_t seed) {
    using namespace sfl::nn;
    Rng rng(seed);
    auto net = std::make_unique<Sequential>(Shape{28, 28, 1});
    net->add(std::make_unique<CSF>("csf1", net->out_shape(), 5, 4, FactorConfig{0.1f, 0.01f, SFL_ENET_LARS}, rng));
    net->add(std::make_unique<MaxPool2d>(net->out_shape(), 2));
    net->add(std::make_unique<Linear>("fc", net->out_shape(), 10, rng));
    return net;
}

} // namespace sfl_train_test
