// Semi-supervision (sfl-train --unlabeled, docs/design.md section 2): which images are
// unlabelled and which each epoch uses (apps/sfl-train/unlabeled.cpp), and that an
// unlabelled sample (label -1) adds only lU through the Trainer, never CE.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <vector>

#include "sfl/nn/dataset.hpp"
#include "sfl/nn/layers.hpp"
#include "sfl/nn/network.hpp"
#include "sfl/nn/rng.hpp"
#include "sfl/nn/trainer.hpp"
#include "synthetic.hpp"
#include "unlabeled.hpp"

namespace {

using namespace sfl::nn;
using sfl_train::epoch_samples;
using sfl_train::unlabeled_set;
// Random 28x28 images with random labels: the test is about which samples carry CE, not about digits.
using sfl_train_test::random_images;
// CSF 5x5 K=4 -> maxpool 2 -> linear 10: the CSF layer gives lU, the linear layer only CE.
using sfl_train_test::small_csf_net;

// One epoch of one SGD step (batch = every sample) from the initial weights `seed`.
std::unique_ptr<Sequential> one_step(const Dataset &d, const std::vector<int32_t> &idx,
                                     const std::vector<int32_t> &labels, float lr, float mu) {
    auto net = small_csf_net(3);
    TrainConfig cfg;
    cfg.batch = int32_t(idx.size());
    cfg.threads = 1;
    cfg.sgd = SgdConfig{lr, 0.9f, 0.0f};
    Trainer(*net, cfg).train_epoch(d, idx, labels, 0, mu);
    return net;
}

// max |a - b| over every parameter, relative to max |a|.
double max_rel_diff(const Sequential &a, const Sequential &b, const char *only = nullptr) {
    double diff = 0.0, scale = 0.0;
    const auto pa = a.params(), pb = b.params();
    REQUIRE(pa.size() == pb.size());
    for (size_t k = 0; k < pa.size(); ++k) {
        if (only && pa[k]->name.rfind(only, 0) != 0) continue;
        for (size_t i = 0; i < pa[k]->value.size(); ++i) {
            diff = std::max(diff, std::fabs(double(pa[k]->value.data()[i]) - double(pb[k]->value.data()[i])));
            scale = std::max(scale, std::fabs(double(pa[k]->value.data()[i])));
        }
    }
    return diff / scale;
}

} // namespace

TEST_CASE("unlabelled set: outside the labelled subset and the pool's complement, seeded, sorted") {
    const std::vector<int32_t> pool = iota_indices(0, 50); // images 50.. are a validation hold-out
    const std::vector<int32_t> labelled = {3, 7, 8, 20, 49};
    const auto rest = unlabeled_set(pool, labelled, -1, 1);
    CHECK(rest.size() == 45);
    for (int32_t i : rest) {
        CHECK(i < 50);
        CHECK(std::find(labelled.begin(), labelled.end(), i) == labelled.end());
    }
    CHECK(std::is_sorted(rest.begin(), rest.end()));
    const auto a = unlabeled_set(pool, labelled, 10, 7), b = unlabeled_set(pool, labelled, 10, 7),
               c = unlabeled_set(pool, labelled, 10, 8);
    CHECK(a.size() == 10);
    CHECK(a == b);
    CHECK(a != c);
    CHECK(std::is_sorted(a.begin(), a.end()));
    CHECK(std::adjacent_find(a.begin(), a.end()) == a.end()); // without replacement
    for (int32_t i : a) CHECK(std::binary_search(rest.begin(), rest.end(), i));
    CHECK(unlabeled_set(pool, labelled, 45, 1) == rest);
    CHECK_THROWS_AS(unlabeled_set(pool, labelled, 46, 1), std::runtime_error);
}

TEST_CASE("epoch samples: the labelled ones first, then a seeded draw labelled -1, none when mu = 0") {
    const std::vector<int32_t> idx = {4, 9}, labels = {1, 6}, unl = {10, 11, 12, 13, 14, 15};
    std::vector<int32_t> ei, el;
    epoch_samples(idx, labels, unl, 3, 0.5f, 42, ei, el);
    REQUIRE(ei.size() == 5);
    REQUIRE(el.size() == 5);
    CHECK(std::vector<int32_t>(ei.begin(), ei.begin() + 2) == idx);
    CHECK(std::vector<int32_t>(el.begin(), el.begin() + 2) == labels);
    std::vector<int32_t> drawn(ei.begin() + 2, ei.end());
    std::sort(drawn.begin(), drawn.end());
    CHECK(std::adjacent_find(drawn.begin(), drawn.end()) == drawn.end());
    for (size_t i = 2; i < 5; ++i) {
        CHECK(el[i] == -1);
        CHECK(std::find(unl.begin(), unl.end(), ei[i]) != unl.end());
    }
    // Seeded: the same seed draws the same; other epochs (seeds) draw others somewhere.
    std::vector<int32_t> ei2, el2;
    epoch_samples(idx, labels, unl, 3, 0.5f, 42, ei2, el2);
    CHECK(ei2 == ei);
    bool differs = false;
    for (uint64_t s = 43; s < 53 && !differs; ++s) {
        epoch_samples(idx, labels, unl, 3, 0.5f, s, ei2, el2);
        differs = ei2 != ei;
    }
    CHECK(differs);
    // More than there are: all of them, once.
    epoch_samples(idx, labels, unl, 100, 0.3f, 1, ei2, el2);
    CHECK(ei2.size() == 8);
    // mu = 0: the labelled set alone, as without --unlabeled.
    epoch_samples(idx, labels, unl, 3, 0.0f, 42, ei2, el2);
    CHECK(ei2 == idx);
    CHECK(el2 == labels);
}

TEST_CASE("trainer: unlabelled samples add no CE gradient") {
    const Dataset d = random_images(12, 9);
    const std::vector<int32_t> lab_idx = {0, 1, 2, 3}, all_idx = iota_indices(0, 12);
    const std::vector<int32_t> lab(d.labels.begin(), d.labels.begin() + 4);
    std::vector<int32_t> semi(lab);
    semi.resize(12, -1);

    SUBCASE("mu = 0: the step of 4 labelled + 8 unlabelled equals the labelled step scaled by 4/12") {
        // SGD divides by the batch (12 vs 4), so lr 0.3 on 12 samples equals lr 0.1 on 4.
        const auto semi_net = one_step(d, all_idx, semi, 0.3f, 0.0f);
        const auto sup_net = one_step(d, lab_idx, lab, 0.1f, 0.0f);
        CHECK(max_rel_diff(*semi_net, *sup_net) < 1e-5);
        // The check can fail: the same 12 samples with their labels move the weights elsewhere.
        const auto all_net = one_step(d, all_idx, d.labels, 0.3f, 0.0f);
        CHECK(max_rel_diff(*all_net, *sup_net) > 1e-3);
    }
    SUBCASE("mu > 0, only unlabelled samples: the dictionary learns, the classifier is untouched") {
        const std::vector<int32_t> none(12, -1);
        const auto net = one_step(d, all_idx, none, 0.3f, 0.5f);
        const auto init = small_csf_net(3);
        CHECK(max_rel_diff(*net, *init, "fc") == 0.0);
        CHECK(max_rel_diff(*net, *init, "csf1") > 1e-4);
    }
}
