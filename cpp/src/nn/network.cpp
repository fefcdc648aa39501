// Sequential and Runner: forward, softmax cross-entropy, backward over a chunk.
#include "sfl/nn/network.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "sfl/sfl.h"
#include "sfl/sfl.hpp"

namespace sfl {
namespace nn {

void Sequential::add(std::unique_ptr<Layer> layer) {
    if (!(layer->in_shape() == out_shape()))
        throw std::invalid_argument("Sequential::add: " + layer->describe() + " expects " + layer->in_shape().str() +
                                    ", the network gives " + out_shape().str());
    layers_.push_back(std::move(layer));
}

std::vector<Param *> Sequential::params() const {
    std::vector<Param *> out;
    for (const auto &l : layers_)
        for (Param *p : l->params()) out.push_back(p);
    return out;
}

int64_t Sequential::param_count() const {
    int64_t n = 0;
    for (const Param *p : params()) n += int64_t(p->value.size());
    return n;
}

int64_t Sequential::bias_count() const {
    int64_t n = 0;
    for (const Param *p : params())
        if (p->shape.size() == 1) n += int64_t(p->value.size());
    return n;
}

bool Sequential::factorizes() const {
    return std::any_of(layers_.begin(), layers_.end(), [](const auto &l) { return l->factorizes(); });
}

void Sequential::after_update(Threads threads) {
    for (auto &l : layers_) l->after_update(threads);
}

Runner::Runner(const Sequential &net, int32_t max_batch) : net_(net), max_batch_(max_batch) {
    if (max_batch < 1) throw std::invalid_argument("Runner: max_batch must be >= 1");
    const Shape out = net.out_shape();
    if (out.h != 1 || out.w != 1 || out.c < 2)
        throw std::invalid_argument("Runner: the network must end in a 1x1xC (C >= 2) logit vector, not " +
                                    out.str());
    classes_ = out.c;
    const size_t B = size_t(max_batch);
    acts_.emplace_back(B * size_t(net.in_shape().size()));
    size_t widest = size_t(net.in_shape().size());
    for (const auto &l : net.layers()) {
        states_.push_back(l->make_state(max_batch));
        acts_.emplace_back(B * size_t(l->out_shape().size()));
        widest = std::max(widest, size_t(l->out_shape().size()));
        std::vector<float *> ptrs;
        for (Param *p : l->params()) {
            grads_.emplace_back(p->value.size());
            ptrs.push_back(nullptr);
        }
        grad_ptrs_.push_back(std::move(ptrs));
    }
    // Take the pointers once grads_ is complete (its vector may have reallocated).
    size_t g = 0;
    for (auto &ptrs : grad_ptrs_)
        for (auto &p : ptrs) p = grads_[g++].data();
    dcur_.resize(B * widest);
    dnext_.resize(B * widest);
    lu_.resize(B);
    ce_.resize(B);
    dlogits_.resize(B * size_t(classes_));
}

void Runner::zero_grads() {
    for (auto &g : grads_) g.zero();
}

int64_t Runner::not_converged() const {
    int64_t n = 0;
    for (const auto &s : states_) n += s->not_converged;
    return n;
}

int64_t Runner::rows_failed() const {
    int64_t n = 0;
    for (const auto &s : states_) n += s->rows_failed;
    return n;
}

const float *Runner::forward(int32_t n, const float *x, bool training) {
    if (n < 1 || n > max_batch_) throw std::invalid_argument("Runner::forward: chunk size out of range");
    std::memcpy(acts_[0].data(), x, size_t(n) * size_t(net_.in_shape().size()) * sizeof(float));
    std::fill(lu_.data(), lu_.data() + n, 0.0f);
    const auto &layers = net_.layers();
    for (size_t i = 0; i < layers.size(); ++i) {
        ForwardArgs a;
        a.n = n;
        a.x = acts_[i].data();
        a.y = acts_[i + 1].data();
        a.training = training;
        a.lu = layers[i]->factorizes() ? lu_.data() : nullptr;
        layers[i]->forward(*states_[i], a);
    }
    return acts_.back().data();
}

ChunkLoss Runner::score(int32_t n, const int32_t *labels) {
    check(sfl_softmax_xent(n, classes_, sfl_range{0, n}, acts_.back().data(), labels, 1.0f, ce_.data(), nullptr),
          "softmax loss");
    return tally(n, labels);
}

ChunkLoss Runner::tally(int32_t n, const int32_t *labels) const {
    ChunkLoss s;
    const float *z = acts_.back().data();
    for (int32_t i = 0; i < n; ++i) {
        s.lu += lu_[size_t(i)];
        ++s.samples;
        if (labels[i] < 0) continue;
        ++s.labelled;
        s.ce += ce_[size_t(i)];
        const float *r = z + size_t(i) * size_t(classes_);
        if (std::max_element(r, r + classes_) - r == labels[i]) ++s.correct;
    }
    return s;
}

ChunkLoss Runner::backward(int32_t n, const int32_t *labels, LossMix mix) {
    if (!net_.factorizes()) mix.mu = 0.0f;
    // CE_i and dL/dlogits in one pass, of sum_i (1 - mu) CE_i for the whole-loss mix;
    // the SF/CSF layers weigh g and add their lU themselves (FactorBase::loss_mix).
    const float ce_scale = mix.whole_loss ? 1.0f - mix.mu : 1.0f;
    check(sfl_softmax_xent(n, classes_, sfl_range{0, n}, acts_.back().data(), labels, ce_scale, ce_.data(),
                           dlogits_.data()),
          "softmax loss");
    const ChunkLoss s = tally(n, labels);
    const auto &layers = net_.layers();
    const float *dy = dlogits_.data();
    for (size_t i = layers.size(); i-- > 0;) {
        BackwardArgs a;
        a.n = n;
        a.x = acts_[i].data();
        a.y = acts_[i + 1].data();
        a.dy = dy;
        a.dx = i > 0 ? dnext_.data() : nullptr;
        a.grads = grad_ptrs_[i].data();
        a.mix = mix;
        layers[i]->backward(*states_[i], a);
        if (i > 0) {
            std::swap(dcur_, dnext_);
            dy = dcur_.data();
        }
    }
    return s;
}

} // namespace nn
} // namespace sfl
