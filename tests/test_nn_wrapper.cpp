// The C++ training wrapper: every wrapper layer and two whole networks against
// finite differences of the Runner's own loss, threads vs one thread, the mu
// schedule, balanced subsets.
#if SFL_TESTS_HAVE_CPP
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <cstring>
#include <memory>
#include <random>
#include <set>
#include <vector>

#include "sfl/nn/dataset.hpp"
#include "sfl/sfl.hpp"
#include "sfl/nn/layers.hpp"
#include "sfl/nn/network.hpp"
#include "sfl/nn/rng.hpp"
#include "sfl/nn/trainer.hpp"

using namespace sfl::nn;

namespace {

// conv 3x3 -> maxpool 2 -> linear -> relu -> linear: Conv2d, MaxPool2d, Linear, ReLU.
std::unique_ptr<Sequential> plain_net(uint64_t seed) {
    Rng rng(seed);
    auto net = std::make_unique<Sequential>(Shape{8, 8, 1});
    net->add(std::make_unique<Conv2d>("conv", net->out_shape(), 3, 3, rng));
    net->add(std::make_unique<MaxPool2d>(net->out_shape(), 2));
    net->add(std::make_unique<Linear>("fc1", net->out_shape(), 6, rng));
    net->add(std::make_unique<ReLU>(net->out_shape()));
    net->add(std::make_unique<Linear>("fc2", net->out_shape(), 4, rng));
    return net;
}

// CSF 3x3 -> maxpool 2 -> conv 2x2 -> SF -> linear: the factorization layers in a stack.
std::unique_ptr<Sequential> factor_net(uint64_t seed, float lu_input_weight = 1.0f) {
    Rng rng(seed);
    FactorConfig c{0.05f, 0.02f, SFL_ENET_LARS};
    c.lu_input_weight = lu_input_weight;
    auto net = std::make_unique<Sequential>(Shape{8, 8, 1});
    net->add(std::make_unique<CSF>("csf", net->out_shape(), 3, 6, c, rng));
    net->add(std::make_unique<MaxPool2d>(net->out_shape(), 2));
    net->add(std::make_unique<Conv2d>("conv", net->out_shape(), 2, 3, rng));
    net->add(std::make_unique<SF>("sf", net->out_shape(), 5, c, rng));
    net->add(std::make_unique<Linear>("fc", net->out_shape(), 4, rng));
    return net;
}

// Dictionaries with columns of norm 0.9: small perturbations stay inside the unit
// ball, so after_update() (projection + plan rebuild) only rebuilds the plan.
void shrink_dictionaries(Sequential &net) {
    for (Param *p : net.params())
        if (p->dictionary)
            for (size_t i = 0; i < p->value.size(); ++i) p->value[i] *= 0.9f;
    net.after_update();
}

struct Batch {
    int32_t n;
    std::vector<float> x;
    std::vector<int32_t> y;
};

Batch random_batch(int32_t n, int64_t size, int32_t classes, uint64_t seed, bool one_unlabelled) {
    Rng rng(seed);
    Batch b{n, std::vector<float>(size_t(n * size)), std::vector<int32_t>(size_t(n))};
    for (auto &v : b.x) v = rng.uniform();
    for (auto &v : b.y) v = int32_t(rng.below(uint64_t(classes)));
    if (one_unlabelled) b.y[1] = -1;
    return b;
}

// Weights (of sum_i CE_i, of sum_i lU_i) of the loss whose gradient a parameter gets.
struct LossWeights {
    double ce, lu;
};
using WeightsOf = std::function<LossWeights(const Param &)>;

// The whole loss (1 - mu) CE + mu lU for every parameter.
WeightsOf whole_loss(const Sequential &net, float mu) {
    const double m = net.factorizes() ? mu : 0.0;
    return [m](const Param &) { return LossWeights{1.0 - m, m}; };
}

double loss(Runner &r, const Batch &b, const LossWeights &w) {
    r.forward(b.n, b.x.data(), true);
    const ChunkLoss s = r.score(b.n, b.y.data());
    return w.ce * s.ce + w.lu * s.lu;
}

// For every parameter tensor: the directional derivative along a random unit
// direction, analytic (<grad, v>) against central differences of the loss that
// weights_of names for that parameter.
void check_directional(Sequential &net, const Batch &b, LossMix mix, const WeightsOf &weights_of, uint64_t seed) {
    Runner r(net, b.n);
    r.zero_grads();
    r.forward(b.n, b.x.data(), true);
    r.backward(b.n, b.y.data(), mix);
    std::vector<std::vector<float>> g;
    for (auto &t : r.grads()) g.emplace_back(t.data(), t.data() + t.size());
    const auto params = net.params();
    Rng rng(seed);
    for (size_t k = 0; k < params.size(); ++k) {
        Param &p = *params[k];
        CAPTURE(p.name);
        const LossWeights lw = weights_of(p);
        std::vector<float> v(p.value.size());
        double nv = 0.0;
        for (auto &e : v) e = rng.normal(), nv += double(e) * e;
        for (auto &e : v) e = float(e / std::sqrt(nv));
        double analytic = 0.0;
        for (size_t i = 0; i < v.size(); ++i) analytic += double(g[k][i]) * v[i];
        const std::vector<float> w0(p.value.data(), p.value.data() + p.value.size());
        double best = 1e30, best_fd = 0.0;
        for (double h : {1e-2, 3e-3, 1e-3, 3e-4}) { // several steps: one may straddle a ReLU/pool/support kink
            auto at = [&](double s) {
                for (size_t i = 0; i < v.size(); ++i) p.value[i] = float(w0[i] + s * v[i]);
                net.after_update();
                return loss(r, b, lw);
            };
            const double fd = (at(h) - at(-h)) / (2.0 * h);
            const double err = std::fabs(fd - analytic) / std::max(5e-2, std::fabs(analytic));
            if (err < best) best = err, best_fd = fd;
        }
        std::copy(w0.begin(), w0.end(), p.value.data());
        net.after_update();
        CAPTURE(analytic);
        CAPTURE(best_fd);
        CHECK(best <= 2e-2); // float network, float loss: ~1e-3 seen; a wrong term is O(1)
    }
}

} // namespace

TEST_CASE("wrapper: Conv2d, MaxPool2d, Linear, ReLU gradients match finite differences of the network loss") {
    for (uint64_t seed : {1u, 2u}) {
        CAPTURE(seed);
        auto net = plain_net(seed);
        const Batch b = random_batch(5, 64, 4, 100 + seed, false);
        check_directional(*net, b, LossMix{}, whole_loss(*net, 0.0f), seed);
    }
}

TEST_CASE("wrapper: CSF and SF in a stack, whole-loss mix with an unlabelled sample, match finite differences") {
    for (float mu : {0.0f, 0.3f, 1.0f}) {
        CAPTURE(mu);
        auto net = factor_net(7);
        shrink_dictionaries(*net);
        const Batch b = random_batch(5, 64, 4, 200, true);
        check_directional(*net, b, LossMix{mu, true}, whole_loss(*net, mu), 9);
    }
}

// conv 2x2 -> maxpool -> [l2norm ->] SF -> linear, or CSF 3x3 -> maxpool -> linear: one
// factorization layer.
std::unique_ptr<Sequential> one_factor_net(bool csf, float lu_input_weight, uint64_t seed, float sf_norm = 0.0f) {
    Rng rng(seed);
    FactorConfig c{0.05f, 0.02f, SFL_ENET_LARS};
    c.lu_input_weight = lu_input_weight;
    auto net = std::make_unique<Sequential>(Shape{8, 8, 1});
    if (csf) {
        net->add(std::make_unique<CSF>("csf", net->out_shape(), 3, 6, c, rng));
        net->add(std::make_unique<MaxPool2d>(net->out_shape(), 2));
    } else {
        net->add(std::make_unique<Conv2d>("conv", net->out_shape(), 2, 3, rng));
        net->add(std::make_unique<MaxPool2d>(net->out_shape(), 2));
        if (sf_norm > 0.0f) net->add(std::make_unique<L2Norm>(net->out_shape(), sf_norm));
        net->add(std::make_unique<SF>("sf", net->out_shape(), 5, c, rng));
    }
    net->add(std::make_unique<Linear>("fc", net->out_shape(), 4, rng));
    return net;
}

TEST_CASE("wrapper: the paper's mixing (eq. 15 of the design) matches finite differences, parameter by parameter") {
    // With one factorization layer, docs/design.md (15) with nu: its dictionary gets
    // the gradient of (1 - mu) CE + mu lU, every other parameter that of CE + nu mu lU
    // (lU does not depend on the layers above it, so for them this is CE alone).
    // The SF net also with an L2Norm under the SF layer (sfl-train --sf-input-norm).
    for (int variant : {0, 1, 2})
        for (float nu : {0.0f, 1.0f})
            for (float mu : {0.3f, 1.0f}) {
                const bool csf = variant == 1;
                const float sf_norm = variant == 2 ? 2.0f : 0.0f;
                CAPTURE(csf);
                CAPTURE(sf_norm);
                CAPTURE(nu);
                CAPTURE(mu);
                auto net = one_factor_net(csf, nu, 21, sf_norm);
                shrink_dictionaries(*net);
                const Batch b = random_batch(5, 64, 4, 500, true);
                const WeightsOf eq15 = [mu, nu](const Param &p) {
                    return p.dictionary ? LossWeights{1.0 - mu, mu} : LossWeights{1.0, double(nu) * mu};
                };
                check_directional(*net, b, LossMix{mu, false}, eq15, 23);
            }
}

TEST_CASE("wrapper: lu_input_weight = 0 changes only the gradients below the SF layer") {
    auto a = factor_net(3, 1.0f);
    auto s = factor_net(3, 0.0f);
    const Batch b = random_batch(4, 64, 4, 300, false);
    Runner ra(*a, 4), rs(*s, 4);
    for (Runner *r : {&ra, &rs}) {
        r->zero_grads();
        r->forward(4, b.x.data(), true);
        r->backward(4, b.y.data(), LossMix{0.5f, true});
    }
    // params: csf.P, conv.W, conv.b, sf.P, fc.W, fc.b - the last three are at or above SF.
    for (size_t k = 3; k < 6; ++k)
        for (size_t i = 0; i < ra.grads()[k].size(); ++i) CHECK(ra.grads()[k][i] == rs.grads()[k][i]);
    bool differs = false;
    for (size_t i = 0; i < ra.grads()[1].size(); ++i) differs |= ra.grads()[1][i] != rs.grads()[1][i];
    CHECK(differs);
}

TEST_CASE("wrapper: two threads train to the weights of one thread (up to float summation order)") {
    Dataset d;
    d.shape = Shape{8, 8, 1};
    d.n = 48;
    d.classes = 4;
    const Batch b = random_batch(48, 64, 4, 400, false);
    d.x = b.x;
    d.labels = b.y;
    const auto idx = iota_indices(0, 48);
    std::vector<std::vector<float>> finals;
    for (int32_t threads : {1, 2}) {
        auto net = factor_net(11);
        TrainConfig tc;
        tc.batch = 8;
        tc.threads = threads;
        tc.seed = 5;
        tc.sgd.lr = 0.05f;
        Trainer t(*net, tc);
        for (int32_t e = 0; e < 3; ++e) t.train_epoch(d, idx, d.labels, e, mu_at(tc.mu_steps, e, 3));
        std::vector<float> w;
        for (Param *p : net->params()) w.insert(w.end(), p->value.data(), p->value.data() + p->value.size());
        finals.push_back(std::move(w));
    }
    double diff = 0.0, scale = 0.0;
    for (size_t i = 0; i < finals[0].size(); ++i) {
        diff = std::max(diff, double(std::fabs(finals[0][i] - finals[1][i])));
        scale = std::max(scale, double(std::fabs(finals[0][i])));
    }
    MESSAGE("max |w1 - w2| = " << diff << " (max |w| " << scale << ")");
    CHECK(diff <= 1e-4 * scale);
}

TEST_CASE("wrapper: SgdConfig::dict_lr_scale scales the dictionaries' step only") {
    // One step of the same net and gradients with scale 1 (the default), 1 set explicitly
    // and 0.25: the scale-1 runs agree bit for bit; with 0.25 every non-dictionary
    // parameter is still the same and every dictionary moved less.
    const Batch b = random_batch(4, 64, 4, 500, false);
    std::vector<std::unique_ptr<Sequential>> nets;
    for (float scale : {-1.0f, 1.0f, 0.25f}) {
        auto net = factor_net(13);
        Runner r(*net, 4);
        r.zero_grads();
        r.forward(4, b.x.data(), true);
        r.backward(4, b.y.data(), LossMix{0.5f, true});
        SgdConfig sc;
        sc.lr = 0.1f;
        if (scale > 0.0f) sc.dict_lr_scale = scale;
        Sgd(*net, sc).step(*net, r.grads(), 0.25f);
        nets.push_back(std::move(net));
    }
    const auto p0 = nets[0]->params(), p1 = nets[1]->params(), pq = nets[2]->params();
    auto fresh = factor_net(13);
    const auto pi = fresh->params();
    for (size_t k = 0; k < p0.size(); ++k) {
        CAPTURE(p0[k]->name);
        const size_t n = p0[k]->value.size();
        CHECK(std::memcmp(p0[k]->value.data(), p1[k]->value.data(), n * sizeof(float)) == 0);
        double moved_full = 0.0, moved_quarter = 0.0;
        for (size_t i = 0; i < n; ++i) {
            moved_full += std::fabs(double(p0[k]->value[i]) - pi[k]->value[i]);
            moved_quarter += std::fabs(double(pq[k]->value[i]) - pi[k]->value[i]);
        }
        if (p0[k]->dictionary) {
            CHECK(moved_full > 0.0);
            CHECK(moved_quarter < 0.5 * moved_full);
        } else {
            CHECK(std::memcmp(p0[k]->value.data(), pq[k]->value.data(), n * sizeof(float)) == 0);
        }
    }
}

TEST_CASE("wrapper: EnetPlan::rebuild shared among threads gives one thread's plan byte for byte") {
    const int32_t m = 40, K = 300; // five row blocks of the Gram
    std::mt19937 rng(4);
    std::normal_distribution<float> N(0.0f, 1.0f);
    std::vector<float> P(size_t(m) * K);
    for (float &v : P) v = N(rng);
    sfl_enet_params params = sfl_enet_default_params();
    params.l2 = 0.02f;
    sfl::EnetPlan one(params, m, K, P.data()), many(params, m, K, P.data());
    for (float &v : P) v *= 1.5f; // the dictionary after a step
    one.rebuild(params, P.data(), sfl::Threads{1});
    const sfl_enet_dims dims{m, K};
    size_t bytes = 0;
    REQUIRE(sfl_enet_plan_size(&dims, &bytes) == SFL_OK);
    for (int threads : {2, 3, 8}) {
        CAPTURE(threads);
        many.rebuild(params, P.data(), sfl::Threads{threads});
        REQUIRE(many.get() != nullptr);
        CHECK(std::memcmp(one.get(), many.get(), bytes) == 0);
    }
}

TEST_CASE("wrapper: mu schedule takes equal shares of the epochs") {
    const std::vector<float> s{0.8f, 0.5f, 0.3f, 0.0f};
    std::vector<float> got;
    for (int32_t e = 0; e < 8; ++e) got.push_back(mu_at(s, e, 8));
    CHECK(got == std::vector<float>{0.8f, 0.8f, 0.5f, 0.5f, 0.3f, 0.3f, 0.0f, 0.0f});
    CHECK(mu_at(s, 0, 3) == 0.8f);
    CHECK(mu_at(s, 2, 3) == 0.3f); // 3 epochs, 4 steps: the last step never comes
    CHECK(mu_at({}, 0, 3) == 0.0f);
}

TEST_CASE("wrapper: balanced subsets are balanced, seeded and drawn from the pool") {
    Dataset d;
    d.n = 300;
    d.classes = 3;
    for (int32_t i = 0; i < 300; ++i) d.labels.push_back(i % 3);
    const auto pool = iota_indices(0, 240);
    const auto a = balanced_subset(d, pool, 7, 1), b = balanced_subset(d, pool, 7, 1), c = balanced_subset(d, pool, 7, 2);
    CHECK(a == b);
    CHECK(a != c);
    REQUIRE(a.size() == 21);
    int counts[3] = {0, 0, 0};
    for (int32_t i : a) {
        CHECK(i < 240);
        ++counts[d.labels[size_t(i)]];
    }
    CHECK(counts[0] == 7);
    CHECK(counts[1] == 7);
    CHECK(counts[2] == 7);
    CHECK(std::set<int32_t>(a.begin(), a.end()).size() == a.size());
    CHECK_THROWS_AS(balanced_subset(d, pool, 81, 1), std::runtime_error);
}

TEST_CASE("wrapper: Sequential refuses a layer of the wrong input shape") {
    Rng rng(1);
    Sequential net(Shape{8, 8, 1});
    net.add(std::make_unique<Conv2d>("c", net.out_shape(), 3, 2, rng));
    CHECK_THROWS_AS(net.add(std::make_unique<Linear>("l", Shape{1, 1, 10}, 3, rng)), std::invalid_argument);
}
#endif
