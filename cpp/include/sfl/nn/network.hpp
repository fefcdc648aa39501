// network.hpp - a Sequential stack of layers ending in softmax cross-entropy,
// and the per-thread Runner that pushes a chunk of samples through it.
//
// Losses of a batch B (docs/design.md section 2.6): the supervised CE_i (0 for an
// unlabelled sample, label -1) and every SF/CSF layer's lU_i, weighed by mu as
// LossMix says (the paper's mixing of the dictionaries' gradients, or the whole
// loss (1 - mu) CE + mu lU); mu = 0 for a network without SF/CSF layers. Runners accumulate the gradient of the SUM over their samples
// (the optimizer divides by |B|), so chunks on different threads simply add up.
#pragma once

#include <memory>
#include <vector>

#include "sfl/nn/layer.hpp"

namespace sfl {
namespace nn {

class Sequential {
public:
    explicit Sequential(Shape in) : in_(in) {}
    /** Append a layer; its in_shape must equal the current output shape (throws std::invalid_argument). */
    void add(std::unique_ptr<Layer> layer);
    Shape in_shape() const noexcept { return in_; }
    Shape out_shape() const noexcept { return layers_.empty() ? in_ : layers_.back()->out_shape(); }
    const std::vector<std::unique_ptr<Layer>> &layers() const noexcept { return layers_; }
    /** Every parameter, in layer order. */
    std::vector<Param *> params() const;
    /** Learnable floats (with biases) and biases alone. */
    int64_t param_count() const;
    int64_t bias_count() const;
    /** Has an SF or CSF layer (then mu weights the unsupervised losses). */
    bool factorizes() const;
    /** After an optimizer step: project dictionaries, rebuild plans (threads: as
     *  Layer::after_update). */
    void after_update(Threads threads = {});

private:
    Shape in_;
    std::vector<std::unique_ptr<Layer>> layers_;
};

/** Totals of a chunk, summed over its samples. */
struct ChunkLoss {
    double ce = 0.0;      // sum of CE over labelled samples
    double lu = 0.0;      // sum over samples of the SF/CSF unsupervised losses
    int64_t labelled = 0; // labelled samples
    int64_t correct = 0;  // labelled samples whose argmax logit is the label
    int64_t samples = 0;
};

/** One thread's buffers for chunks of at most max_batch samples. Not thread-safe;
 *  several Runners over one Sequential may run concurrently (the parameters are only read). */
class Runner {
public:
    Runner(const Sequential &net, int32_t max_batch);
    int32_t max_batch() const noexcept { return max_batch_; }

    /** Forward n <= max_batch samples x (n x in_shape, row-major) through the net;
     *  returns the logits (n x classes), valid until the next call. With training,
     *  keeps the caches backward needs and also sums the lU of every SF/CSF layer. */
    const float *forward(int32_t n, const float *x, bool training);

    /** After forward(training = true) of the same samples: softmax cross-entropy on
     *  labels (n, -1 = unlabelled) and backward through every layer, adding the
     *  gradients the mix defines (LossMix, docs/design.md section 2.6) of the chunk's
     *  SUM of losses into grads() (one per params() entry). */
    ChunkLoss backward(int32_t n, const int32_t *labels, LossMix mix);

    /** Loss and accuracy of the last forward (training or not) without backward. */
    ChunkLoss score(int32_t n, const int32_t *labels);

    std::vector<Tensor> &grads() noexcept { return grads_; }
    void zero_grads();
    /** Solves that hit the iteration limit so far (SF/CSF). */
    int64_t not_converged() const;
    int64_t rows_failed() const; // layer calls that returned SFL_WARN_ROWS_FAILED

private:
    /** Loss/accuracy totals from ce_ (filled by softmax), lu_ and the logits. */
    ChunkLoss tally(int32_t n, const int32_t *labels) const;

    const Sequential &net_;
    int32_t max_batch_;
    int32_t classes_;
    std::vector<std::unique_ptr<LayerState>> states_;
    std::vector<Tensor> acts_; // acts_[0] = input, acts_[i+1] = output of layer i
    Tensor dcur_, dnext_;      // ping-pong activation gradients
    Tensor lu_;                // per-sample lU of the last forward
    Tensor ce_, dlogits_;
    std::vector<Tensor> grads_;
    std::vector<std::vector<float *>> grad_ptrs_; // per layer
};

} // namespace nn
} // namespace sfl
