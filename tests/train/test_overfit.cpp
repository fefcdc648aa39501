// A tiny network must overfit 100 MNIST digits through the wrapper API
// (Sequential, Trainer, Sgd, the mu schedule): a training loop that cannot drive
// the training loss of 100 samples to ~0 has a wrong gradient or update somewhere.
// The final loss is recomputed here from the logits (softmax CE in double).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "sfl/nn/dataset.hpp"
#include "sfl/nn/layers.hpp"
#include "sfl/nn/network.hpp"
#include "sfl/nn/trainer.hpp"

namespace {

using namespace sfl::nn;

constexpr int32_t kSamples = 100;

const Dataset &mnist_train() {
    static const Dataset d =
        load_idx_dataset(SFL_MNIST_DIR "/train-images-idx3-ubyte", SFL_MNIST_DIR "/train-labels-idx1-ubyte");
    return d;
}

// conv or CSF 5x5 (24x24xK) -> maxpool 2 (12x12xK) -> linear 32 -> relu -> linear 10
std::unique_ptr<Sequential> tiny_net(bool csf, int32_t K, uint64_t seed) {
    Rng rng(seed);
    auto net = std::make_unique<Sequential>(Shape{28, 28, 1});
    if (csf)
        net->add(std::make_unique<CSF>("csf1", net->out_shape(), 5, K, FactorConfig{0.1f, 0.01f, SFL_ENET_LARS}, rng));
    else
        net->add(std::make_unique<Conv2d>("conv1", net->out_shape(), 5, K, rng));
    net->add(std::make_unique<MaxPool2d>(net->out_shape(), 2));
    net->add(std::make_unique<Linear>("fc1", net->out_shape(), 32, rng));
    net->add(std::make_unique<ReLU>(net->out_shape()));
    net->add(std::make_unique<Linear>("fc2", net->out_shape(), 10, rng));
    return net;
}

struct Fit {
    double ce = 0.0;       // mean softmax CE over the samples, recomputed in double
    double accuracy = 0.0; // percent
    double runner_ce = 0.0; // the same mean as Runner::score reports it
};

// Loss and accuracy of the trained net on samples 0..n-1 (inference forward).
Fit evaluate(const Sequential &net, const Dataset &d, int32_t n) {
    Runner r(net, n);
    const float *z = r.forward(n, d.image(0), false);
    const ChunkLoss s = r.score(n, d.labels.data());
    Fit f;
    int32_t correct = 0;
    for (int32_t i = 0; i < n; ++i) {
        const float *zi = z + size_t(i) * 10;
        const double mx = *std::max_element(zi, zi + 10);
        double sum = 0.0;
        for (int32_t c = 0; c < 10; ++c) sum += std::exp(double(zi[c]) - mx);
        f.ce += std::log(sum) + mx - double(zi[d.labels[size_t(i)]]);
        correct += std::max_element(zi, zi + 10) - zi == d.labels[size_t(i)];
    }
    f.ce /= n;
    f.accuracy = 100.0 * correct / n;
    f.runner_ce = s.ce / double(s.labelled);
    CHECK(s.labelled == n);
    CHECK(s.correct == correct);
    return f;
}

Fit overfit(Sequential &net, TrainConfig cfg, int32_t epochs) {
    const Dataset &d = mnist_train();
    REQUIRE(d.n >= kSamples);
    const std::vector<int32_t> idx = iota_indices(0, kSamples);
    const std::vector<int32_t> labels(d.labels.begin(), d.labels.begin() + kSamples);
    Trainer trainer(net, cfg);
    EpochStats first, last;
    for (int32_t e = 0; e < epochs; ++e) {
        const float mu = net.factorizes() ? mu_at(cfg.mu_steps, e, epochs) : 0.0f;
        last = trainer.train_epoch(d, idx, labels, e, mu);
        if (e == 0) first = last;
        REQUIRE(std::isfinite(last.ce));
    }
    MESSAGE("epoch 1 CE " << first.ce << ", epoch " << epochs << " CE " << last.ce << " acc " << last.accuracy
                          << "% lU " << last.lu);
    CHECK(first.ce > 1.0); // it started from scratch (10 classes: ln 10 = 2.3)
    const Fit f = evaluate(net, d, kSamples);
    CHECK(f.runner_ce == doctest::Approx(f.ce).epsilon(1e-4));
    CHECK(trainer.accuracy(d, idx) == doctest::Approx(f.accuracy));
    MESSAGE("final training CE " << f.ce << ", accuracy " << f.accuracy << "%");
    return f;
}

} // namespace

TEST_CASE("a small conv net overfits 100 MNIST digits") {
    auto net = tiny_net(false, 4, 11);
    TrainConfig cfg;
    cfg.batch = 10;
    cfg.threads = 1;
    cfg.seed = 5;
    cfg.sgd = SgdConfig{0.02f, 0.9f, 0.0f};
    const Fit f = overfit(*net, cfg, 40);
    CHECK(f.ce < 0.05);
    CHECK(f.accuracy == 100.0);
}

TEST_CASE("a small net with a CSF first layer overfits 100 MNIST digits") {
    auto net = tiny_net(true, 8, 12);
    TrainConfig cfg;
    cfg.batch = 10;
    cfg.threads = 1;
    cfg.seed = 6;
    cfg.sgd = SgdConfig{0.05f, 0.9f, 0.0f};
    cfg.mu_steps = {0.5f, 0.0f};
    const Fit f = overfit(*net, cfg, 40);
    CHECK(f.ce < 0.1);
    CHECK(f.accuracy == 100.0);
}
