// layers.hpp - the wrapper layers of the paper's networks (docs/design.md section 3).
// Each is a thin owner: parameters + per-thread workspaces; the math is the C
// library's (sfl_nn.h for the plain layers, sfl_layers.h for SF and CSF).
// Activations are HWC per sample; weights are row-major as in the C headers.
#pragma once

#include <memory>

#include "sfl/nn/layer.hpp"
#include "sfl/nn/rng.hpp"
#include "sfl/sfl.h"
#include "sfl/sfl.hpp"

namespace sfl {
namespace nn {

/** Valid (no padding, stride 1) kh x kw convolution, W m x cout (m = kh*kw*c), bias cout.
 *  Init: uniform +-sqrt(3/m) (Xavier/Caffe "xavier" with fan-in), zero bias. */
class Conv2d final : public Layer {
public:
    Conv2d(std::string name, Shape in, int32_t k, int32_t cout, Rng &rng);
    std::string kind() const override { return "conv"; }
    std::string describe() const override;
    Shape in_shape() const override { return in_; }
    Shape out_shape() const override { return out_; }
    std::vector<Param *> params() override { return {&W_, &b_}; }
    std::unique_ptr<LayerState> make_state(int32_t max_batch) const override;
    void forward(LayerState &s, const ForwardArgs &a) const override;
    void backward(LayerState &s, const BackwardArgs &a) const override;
    void to_c_layer(sfl_model_layer &out) const override;

private:
    Shape in_, out_;
    sfl_patch_params patch_;
    int32_t cout_;
    Param W_, b_;
};

/** k x k max pooling with stride k. */
class MaxPool2d final : public Layer {
public:
    MaxPool2d(Shape in, int32_t k);
    std::string kind() const override { return "maxpool"; }
    std::string describe() const override;
    Shape in_shape() const override { return in_; }
    Shape out_shape() const override { return out_; }
    std::unique_ptr<LayerState> make_state(int32_t max_batch) const override;
    void forward(LayerState &s, const ForwardArgs &a) const override;
    void backward(LayerState &s, const BackwardArgs &a) const override;
    void to_c_layer(sfl_model_layer &out) const override;

private:
    Shape in_, out_;
    sfl_patch_params pool_;
};

class ReLU final : public Layer {
public:
    explicit ReLU(Shape in) : in_(in) {}
    std::string kind() const override { return "relu"; }
    std::string describe() const override { return "relu " + in_.str(); }
    Shape in_shape() const override { return in_; }
    Shape out_shape() const override { return in_; }
    std::unique_ptr<LayerState> make_state(int32_t) const override;
    void forward(LayerState &s, const ForwardArgs &a) const override;
    void backward(LayerState &s, const BackwardArgs &a) const override;
    void to_c_layer(sfl_model_layer &out) const override;

private:
    Shape in_;
};

/** Per-sample L2 normalisation of the whole h*w*c vector to norm `scale`
 *  (sfl_l2norm_forward; docs/design.md section 2.7): fixes the scale of an SF layer's input. */
class L2Norm final : public Layer {
public:
    L2Norm(Shape in, float scale);
    std::string kind() const override { return "l2norm"; }
    std::string describe() const override;
    Shape in_shape() const override { return in_; }
    Shape out_shape() const override { return in_; }
    std::unique_ptr<LayerState> make_state(int32_t) const override;
    void forward(LayerState &s, const ForwardArgs &a) const override;
    void backward(LayerState &s, const BackwardArgs &a) const override;
    void to_c_layer(sfl_model_layer &out) const override;
    const sfl_l2norm_params &params_c() const noexcept { return p_; }

private:
    Shape in_;
    sfl_l2norm_params p_;
};

/** Fully connected: Y = X W + b, W in x out. Init uniform +-sqrt(3/in), zero bias. */
class Linear final : public Layer {
public:
    Linear(std::string name, Shape in, int32_t out, Rng &rng);
    std::string kind() const override { return "linear"; }
    std::string describe() const override;
    Shape in_shape() const override { return in_; }
    Shape out_shape() const override { return Shape{1, 1, dims_.out}; }
    std::vector<Param *> params() override { return {&W_, &b_}; }
    std::unique_ptr<LayerState> make_state(int32_t max_batch) const override;
    void forward(LayerState &s, const ForwardArgs &a) const override;
    void backward(LayerState &s, const BackwardArgs &a) const override;
    void to_c_layer(sfl_model_layer &out) const override;

private:
    Shape in_;
    sfl_linear_dims dims_;
    Param W_, b_;
};

/** Elastic-net settings of one factorization layer. */
struct FactorConfig {
    float l1 = 0.1f;
    float l2 = 0.01f;
    sfl_enet_solver solver = SFL_ENET_LARS;
    /** nu of the paper's eq. 15: the input gradient carries nu * mu * dlU/dx
     *  (sfl_loss_mix.input_lu_weight; docs/design.md section 2.6). 0 stops lU at the input:
     *  it trains only the dictionary and cannot shrink the features of the layers below. */
    float lu_input_weight = 1.0f;
    /** Non-negative codes (sfl_enet_params.positive): a* >= 0 in the forward and its
     *  backward on the non-negative support; stored in the model blob. */
    bool positive = false;
};

/** The shared part of SF and CSF: the dictionary P (m x K, unit-ball columns),
 *  its plan (G = P^T P + l2 I), rebuilt after every update. Init: Gaussian
 *  columns scaled to unit norm. */
class FactorBase : public Layer {
public:
    std::vector<Param *> params() override { return {&P_}; }
    void after_update(Threads threads = {}) override;
    bool factorizes() const override { return true; }
    const FactorConfig &config() const noexcept { return cfg_; }
    sfl_enet_params enet_params() const noexcept;
    /** The C API's weights (sfl_loss_mix) for a backward call under the step's mix. */
    sfl_loss_mix loss_mix(const LossMix &mix) const noexcept;
    const EnetPlan &plan() const noexcept { return plan_; }
    const Param &dictionary() const noexcept { return P_; }

protected:
    FactorBase(std::string name, int32_t m, int32_t K, const FactorConfig &cfg, Rng &rng);
    /** The parts of an sfl_model record SF and CSF share: enet, weight (P), plan. */
    void fill_c_layer(sfl_model_layer &out) const;
    int32_t m_, K_;
    FactorConfig cfg_;
    Param P_;
    EnetPlan plan_;
};

/** SF layer: the code of each sample (its whole activation, m = in.size()) over P (m x K);
 *  output 1 x 1 x K. */
class SF final : public FactorBase {
public:
    SF(std::string name, Shape in, int32_t K, const FactorConfig &cfg, Rng &rng);
    std::string kind() const override { return "sf"; }
    std::string describe() const override;
    Shape in_shape() const override { return in_; }
    Shape out_shape() const override { return Shape{1, 1, K_}; }
    std::unique_ptr<LayerState> make_state(int32_t max_batch) const override;
    void forward(LayerState &s, const ForwardArgs &a) const override;
    void backward(LayerState &s, const BackwardArgs &a) const override;
    void to_c_layer(sfl_model_layer &out) const override;

private:
    Shape in_;
};

/** CSF layer: the code of every k x k patch (m = k*k*c) over P (m x K); output
 *  (h-k+1) x (w-k+1) x K, as a valid convolution. */
class CSF final : public FactorBase {
public:
    CSF(std::string name, Shape in, int32_t k, int32_t K, const FactorConfig &cfg, Rng &rng);
    std::string kind() const override { return "csf"; }
    std::string describe() const override;
    Shape in_shape() const override { return in_; }
    Shape out_shape() const override { return out_; }
    std::unique_ptr<LayerState> make_state(int32_t max_batch) const override;
    void forward(LayerState &s, const ForwardArgs &a) const override;
    void backward(LayerState &s, const BackwardArgs &a) const override;
    void to_c_layer(sfl_model_layer &out) const override;

private:
    Shape in_, out_;
    sfl_patch_params patch_;
};

} // namespace nn
} // namespace sfl
