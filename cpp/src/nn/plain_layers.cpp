// Conv2d, MaxPool2d, ReLU, Linear: memory and calls into sfl_nn.h.
#include <cmath>

#include "param_util.hpp"
#include "sfl/nn/layers.hpp"

namespace sfl {
namespace nn {
namespace {

using detail::make_param;

void fill_uniform(Tensor &t, float scale, Rng &rng) {
    for (size_t i = 0; i < t.size(); ++i) t[i] = rng.uniform(-scale, scale);
}

sfl_dims4 batch_dims(int32_t n, Shape s) { return sfl_dims4{n, s.h, s.w, s.c}; }

/** An sfl_model record of the given kind and one-sample shapes, everything else zero. */
sfl_model_layer c_layer(sfl_model_kind kind, Shape in, Shape out) {
    sfl_model_layer l{};
    l.kind = kind;
    l.in = batch_dims(1, in);
    l.out = batch_dims(1, out);
    return l;
}

struct WorkspaceState final : LayerState {
    Workspace fwd, bwd;
};

struct PoolState final : LayerState {
    std::vector<int32_t> index;
};

} // namespace

// ---- Conv2d ----

Conv2d::Conv2d(std::string name, Shape in, int32_t k, int32_t cout, Rng &rng)
    : in_(in), patch_(sfl_patch_params SFL_PATCH_PARAMS_INIT(k, k)), cout_(cout) {
    sfl_dims4 d{1, in.h, in.w, in.c}, o{};
    check(sfl_patch_out_dims(&patch_, &d, &o), "Conv2d geometry");
    out_ = Shape{o.h, o.w, cout};
    const int32_t m = k * k * in.c;
    W_ = make_param(name + ".W", {m, cout}, true);
    b_ = make_param(name + ".b", {cout}, false);
    fill_uniform(W_.value, std::sqrt(3.0f / float(m)), rng);
}

std::string Conv2d::describe() const {
    return "conv " + std::to_string(patch_.kernel.h) + "x" + std::to_string(patch_.kernel.w) + " " + in_.str() +
           " -> " + out_.str();
}

std::unique_ptr<LayerState> Conv2d::make_state(int32_t max_batch) const {
    auto s = std::make_unique<WorkspaceState>();
    const sfl_dims4 d = batch_dims(max_batch, in_);
    size_t f = 0, b = 0;
    check(sfl_conv2d_forward_workspace_size(&patch_, &d, cout_, &f), "Conv2d workspace");
    check(sfl_conv2d_backward_workspace_size(&patch_, &d, cout_, &b), "Conv2d workspace");
    s->fwd.reserve(f);
    s->bwd.reserve(b);
    return s;
}

void Conv2d::forward(LayerState &st, const ForwardArgs &a) const {
    auto &s = static_cast<WorkspaceState &>(st);
    const sfl_dims4 d = batch_dims(a.n, in_);
    const sfl_workspace ws = s.fwd.view();
    check(sfl_conv2d_forward(&ws, &patch_, &d, sfl_range{0, a.n}, a.x, cout_, W_.value.data(), b_.value.data(), a.y),
          "Conv2d forward");
}

void Conv2d::backward(LayerState &st, const BackwardArgs &a) const {
    auto &s = static_cast<WorkspaceState &>(st);
    const sfl_dims4 d = batch_dims(a.n, in_);
    const sfl_workspace ws = s.bwd.view();
    check(sfl_conv2d_backward(&ws, &patch_, &d, sfl_range{0, a.n}, a.x, cout_, W_.value.data(), a.dy, a.dx,
                              a.grads[0], a.grads[1]),
          "Conv2d backward");
}

void Conv2d::to_c_layer(sfl_model_layer &out) const {
    out = c_layer(SFL_MODEL_CONV2D, in_, out_);
    out.geom = patch_;
    out.weight = W_.value.data();
    out.bias = b_.value.data();
}

// ---- MaxPool2d ----

MaxPool2d::MaxPool2d(Shape in, int32_t k) : in_(in), pool_{{k, k}, {k, k}, {0, 0}} {
    sfl_dims4 d{1, in.h, in.w, in.c}, o{};
    check(sfl_maxpool2d_out_dims(&pool_, &d, &o), "MaxPool2d geometry");
    out_ = Shape{o.h, o.w, o.c};
}

std::string MaxPool2d::describe() const {
    return "maxpool " + std::to_string(pool_.kernel.h) + "x" + std::to_string(pool_.kernel.w) + "/" +
           std::to_string(pool_.stride.h) + " " + in_.str() + " -> " + out_.str();
}

std::unique_ptr<LayerState> MaxPool2d::make_state(int32_t max_batch) const {
    auto s = std::make_unique<PoolState>();
    s->index.resize(size_t(max_batch) * size_t(out_.size()));
    return s;
}

void MaxPool2d::forward(LayerState &st, const ForwardArgs &a) const {
    auto &s = static_cast<PoolState &>(st);
    const sfl_dims4 d = batch_dims(a.n, in_);
    check(sfl_maxpool2d_forward(&pool_, &d, sfl_range{0, a.n}, a.x, a.y, a.training ? s.index.data() : nullptr),
          "MaxPool2d forward");
}

void MaxPool2d::backward(LayerState &st, const BackwardArgs &a) const {
    if (!a.dx) return;
    auto &s = static_cast<PoolState &>(st);
    const sfl_dims4 d = batch_dims(a.n, in_);
    check(sfl_maxpool2d_backward(&pool_, &d, sfl_range{0, a.n}, s.index.data(), a.dy, a.dx), "MaxPool2d backward");
}

void MaxPool2d::to_c_layer(sfl_model_layer &out) const {
    out = c_layer(SFL_MODEL_MAXPOOL2D, in_, out_);
    out.geom = pool_;
}

// ---- ReLU ----

std::unique_ptr<LayerState> ReLU::make_state(int32_t) const { return std::make_unique<LayerState>(); }

void ReLU::forward(LayerState &, const ForwardArgs &a) const {
    check(sfl_relu_forward(size_t(a.n) * size_t(in_.size()), a.x, a.y), "ReLU forward");
}

void ReLU::backward(LayerState &, const BackwardArgs &a) const {
    if (!a.dx) return;
    check(sfl_relu_backward(size_t(a.n) * size_t(in_.size()), a.y, a.dy, a.dx), "ReLU backward");
}

void ReLU::to_c_layer(sfl_model_layer &out) const { out = c_layer(SFL_MODEL_RELU, in_, in_); }

// ---- L2Norm ----

L2Norm::L2Norm(Shape in, float scale) : in_(in), p_(sfl_l2norm_params SFL_L2NORM_PARAMS_INIT) {
    if (!(scale > 0.0f && std::isfinite(scale)))
        throw std::invalid_argument("L2Norm: the scale must be finite and > 0, got " + std::to_string(scale));
    p_.scale = scale;
}

std::string L2Norm::describe() const { return "l2norm " + in_.str() + " to norm " + std::to_string(p_.scale); }

std::unique_ptr<LayerState> L2Norm::make_state(int32_t) const { return std::make_unique<LayerState>(); }

void L2Norm::forward(LayerState &, const ForwardArgs &a) const {
    check(sfl_l2norm_forward(&p_, a.n, int32_t(in_.size()), sfl_range{0, a.n}, a.x, a.y), "L2 norm forward");
}

void L2Norm::backward(LayerState &, const BackwardArgs &a) const {
    if (!a.dx) return;
    check(sfl_l2norm_backward(&p_, a.n, int32_t(in_.size()), sfl_range{0, a.n}, a.x, a.dy, a.dx), "L2 norm backward");
}

void L2Norm::to_c_layer(sfl_model_layer &out) const {
    out = c_layer(SFL_MODEL_L2NORM, in_, in_);
    out.norm = p_;
}

// ---- Linear ----

Linear::Linear(std::string name, Shape in, int32_t out, Rng &rng) : in_(in), dims_{int32_t(in.size()), out} {
    W_ = make_param(name + ".W", {dims_.in, out}, true);
    b_ = make_param(name + ".b", {out}, false);
    fill_uniform(W_.value, std::sqrt(3.0f / float(dims_.in)), rng);
}

std::string Linear::describe() const {
    return "linear " + std::to_string(dims_.in) + " -> " + std::to_string(dims_.out);
}

std::unique_ptr<LayerState> Linear::make_state(int32_t) const {
    auto s = std::make_unique<WorkspaceState>();
    size_t b = 0;
    check(sfl_linear_backward_workspace_size(&dims_, &b), "Linear workspace");
    s->bwd.reserve(b);
    return s;
}

void Linear::forward(LayerState &, const ForwardArgs &a) const {
    check(sfl_linear_forward(&dims_, a.n, sfl_range{0, a.n}, a.x, W_.value.data(), b_.value.data(), a.y),
          "Linear forward");
}

void Linear::backward(LayerState &st, const BackwardArgs &a) const {
    auto &s = static_cast<WorkspaceState &>(st);
    const sfl_workspace ws = s.bwd.view();
    check(sfl_linear_backward(&ws, &dims_, a.n, sfl_range{0, a.n}, a.x, W_.value.data(), a.dy, a.dx, a.grads[0],
                              a.grads[1]),
          "Linear backward");
}

void Linear::to_c_layer(sfl_model_layer &out) const {
    out = c_layer(SFL_MODEL_LINEAR, in_, out_shape());
    out.weight = W_.value.data();
    out.bias = b_.value.data();
}

} // namespace nn
} // namespace sfl
