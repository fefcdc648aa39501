// Divergence checks of the Trainer (sfl::nn::NonFinite) and sfl-train's rollback to the
// start of the epoch (apps/sfl-train/run_state.cpp: snapshot_weights, restore_weights):
// a diverging epoch throws NonFinite naming what and where; restoring the snapshot puts
// back weights, momentum and (through after_update) the dictionaries' plans, so that
// training on from it equals training from the same state that never diverged, bit for bit.
// Synthetic images: no MNIST.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "run_state.hpp"
#include "sfl/nn/dataset.hpp"
#include "sfl/nn/layers.hpp"
#include "sfl/nn/models.hpp"
#include "sfl/nn/network.hpp"
#include "sfl/nn/rng.hpp"
#include "sfl/nn/trainer.hpp"
#include "synthetic.hpp"

namespace {

using namespace sfl::nn;
// Random images and labels; CSF 5x5 K=4 -> maxpool 2 -> linear 10: a dictionary with a plan, and a plain layer.
using sfl_train_test::random_images;
using sfl_train_test::small_csf_net;

// The paper's CSF network (CSF, pool, conv, pool, fc + ReLU, fc): deep enough to blow up.
std::unique_ptr<Sequential> paper_csf_net(uint64_t seed) {
    NetConfig cfg;
    cfg.name = "csf";
    return build_network(cfg, Shape{28, 28, 1}, 10, seed);
}

// linear 784 -> 10 alone.
std::unique_ptr<Sequential> linear_net(uint64_t seed) {
    Rng rng(seed);
    auto net = std::make_unique<Sequential>(Shape{28, 28, 1});
    net->add(std::make_unique<Linear>("fc", net->out_shape(), 10, rng));
    return net;
}

TrainConfig config(float lr, int32_t batch) {
    TrainConfig cfg;
    cfg.batch = batch;
    cfg.threads = 1;
    cfg.sgd = SgdConfig{lr, 0.9f, 0.0f};
    return cfg;
}

struct Samples {
    std::vector<int32_t> idx, labels;
};

Samples all_of(const Dataset &d) {
    Samples s;
    s.idx = iota_indices(0, d.n);
    s.labels = d.labels;
    return s;
}

bool same_bits(const Sequential &a, const Sequential &b) {
    const auto pa = a.params(), pb = b.params();
    if (pa.size() != pb.size()) return false;
    for (size_t k = 0; k < pa.size(); ++k)
        if (pa[k]->value.size() != pb[k]->value.size() ||
            std::memcmp(pa[k]->value.data(), pb[k]->value.data(), pa[k]->value.size() * sizeof(float)) != 0)
            return false;
    return true;
}

bool all_finite(const Sequential &net) {
    for (const Param *p : net.params())
        for (size_t i = 0; i < p->value.size(); ++i)
            if (!std::isfinite(p->value.data()[i])) return false;
    return true;
}

} // namespace

TEST_CASE("Trainer: a diverging epoch throws NonFinite naming the problem and the step") {
    const Dataset d = random_images(40, 5);
    const Samples s = all_of(d);
    auto net = paper_csf_net(3);
    Trainer tr(*net, config(1e3f, 8));
    bool thrown = false;
    try {
        tr.train_epoch(d, s.idx, s.labels, 0, 0.5f);
    } catch (const NonFinite &e) {
        thrown = true;
        const std::string what = e.what();
        INFO(what);
        CHECK(what.rfind("non-finite ", 0) == 0);
        CHECK(e.step() >= 1);
        CHECK(e.step() <= 5);
        CHECK(what.find("step " + std::to_string(e.step()) + " of 5") != std::string::npos);
        CHECK(what.find('\n') == std::string::npos);
    }
    CHECK(thrown);
    // A sane learning rate trains the same network shape without a throw.
    auto calm = paper_csf_net(3);
    CHECK_NOTHROW(Trainer(*calm, config(0.01f, 8)).train_epoch(d, s.idx, s.labels, 0, 0.5f));
    CHECK(all_finite(*calm));
}

TEST_CASE("Trainer: a weight that becomes NaN in the update is found after that step") {
    const Dataset d = random_images(20, 6);
    const Samples s = all_of(d);
    auto net = linear_net(4);
    Trainer tr(*net, config(0.01f, 5));
    // A NaN momentum entry: the loss of step 1 is finite, its update makes fc.W NaN.
    tr.optimizer().velocity()[0].data()[7] = std::numeric_limits<float>::quiet_NaN();
    try {
        tr.train_epoch(d, s.idx, s.labels, 0, 0.0f);
        FAIL("no NonFinite");
    } catch (const NonFinite &e) {
        CHECK(std::string(e.what()) == "non-finite weights (fc.W after step 1 of 4)");
        CHECK(e.step() == 1);
    }
}

TEST_CASE("Trainer: a NaN input to a factorization layer becomes NonFinite, other errors stay") {
    Dataset d = random_images(10, 7);
    const Samples s = all_of(d);
    d.x[3 * 784 + 100] = std::numeric_limits<float>::infinity(); // image 3, a CSF input
    auto net = small_csf_net(3);
    Trainer tr(*net, config(0.01f, 10));
    try {
        tr.train_epoch(d, s.idx, s.labels, 0, 0.5f);
        FAIL("no NonFinite");
    } catch (const NonFinite &e) {
        const std::string what = e.what();
        INFO(what);
        CHECK(what.rfind("non-finite values (CSF forward", 0) == 0);
        CHECK(what.find("at step 1 of 1)") != std::string::npos);
    }
    // Bad settings are not divergence.
    CHECK_THROWS_AS(tr.train_epoch(d, s.idx, std::vector<int32_t>(3, 0), 0, 0.5f), std::invalid_argument);
}

TEST_CASE("rollback: restoring the snapshot after a divergence equals never diverging, bit for bit") {
    const Dataset d = random_images(40, 8);
    const Samples s = all_of(d);
    // Reference: two calm epochs, then a third.
    auto ref = paper_csf_net(11);
    Trainer ref_tr(*ref, config(0.02f, 8));
    ref_tr.train_epoch(d, s.idx, s.labels, 0, 0.5f);
    ref_tr.train_epoch(d, s.idx, s.labels, 1, 0.5f);

    // The same first epoch, a snapshot (as sfl-train takes at the start of every epoch), a
    // second epoch at a huge lr that diverges, the rollback, the second epoch at the calm lr.
    auto net = paper_csf_net(11);
    Trainer tr(*net, config(0.02f, 8));
    tr.train_epoch(d, s.idx, s.labels, 0, 0.5f);
    const sfl::ckpt::Checkpoint good = sfl_train::snapshot_weights(*net, tr.optimizer());
    auto once = paper_csf_net(11); // the state after the first epoch
    Trainer(*once, config(0.02f, 8)).train_epoch(d, s.idx, s.labels, 0, 0.5f);
    REQUIRE(same_bits(*net, *once));
    tr.optimizer().set_lr(1e3f);
    CHECK_THROWS_AS(tr.train_epoch(d, s.idx, s.labels, 1, 0.5f), NonFinite);
    CHECK_FALSE(same_bits(*net, *once));
    sfl_train::restore_weights(good, *net, tr.optimizer());
    CHECK(all_finite(*net));
    CHECK(same_bits(*net, *once));
    tr.optimizer().set_lr(0.02f);
    tr.train_epoch(d, s.idx, s.labels, 1, 0.5f);
    CHECK(same_bits(*ref, *net)); // the plans were rebuilt from the restored dictionary
    // The momentum too: the next epoch agrees as well.
    ref_tr.train_epoch(d, s.idx, s.labels, 2, 0.5f);
    tr.train_epoch(d, s.idx, s.labels, 2, 0.5f);
    CHECK(same_bits(*ref, *net));
    CHECK(ref_tr.accuracy(d, s.idx) == tr.accuracy(d, s.idx));
}

TEST_CASE("Sgd::set_lr: finite and positive") {
    auto net = linear_net(1);
    Sgd sgd(*net, SgdConfig{0.1f, 0.9f, 0.0f});
    sgd.set_lr(0.05f);
    CHECK(sgd.config().lr == 0.05f);
    CHECK_THROWS_AS(sgd.set_lr(0.0f), std::invalid_argument);
    CHECK_THROWS_AS(sgd.set_lr(-1.0f), std::invalid_argument);
    CHECK_THROWS_AS(sgd.set_lr(std::numeric_limits<float>::quiet_NaN()), std::invalid_argument);
    CHECK_THROWS_AS(sgd.set_lr(std::numeric_limits<float>::infinity()), std::invalid_argument);
    CHECK(sgd.config().lr == 0.05f);
}
