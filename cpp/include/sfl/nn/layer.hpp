// layer.hpp - the interface every wrapper layer implements.
//
// A layer owns its parameters (shared by all threads, read-only during a step)
// and creates one State per thread (workspaces, forward caches) sized for a
// chunk of at most `max_batch` samples. Training runs a chunk of the batch per
// thread: forward through every layer, backward, gradients added into that
// thread's accumulators (one per parameter); the optimizer sums them.
// The math is the C library's; a layer only sizes memory and calls it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sfl/nn/tensor.hpp"
#include "sfl/sfl_model.h"
#include "sfl/threads.hpp"

namespace sfl {
namespace nn {

/** A learnable array. A dictionary (SF/CSF P, m x K) is projected onto unit-norm
 *  columns after every step (docs/design.md section 2) and takes no weight decay. */
struct Param {
    std::string name;           // e.g. "conv1.W"
    std::vector<int64_t> shape; // row-major
    Tensor value;
    bool dictionary = false;
    bool decay = true;          // weight decay applies (biases and dictionaries: no)
};

/** Per-thread scratch of one layer. */
struct LayerState {
    virtual ~LayerState() = default;
    int64_t not_converged = 0; // SF/CSF calls where a solve hit max_iter (SFL_WARN_NOT_CONVERGED)
    int64_t rows_failed = 0;   // SF/CSF calls where some rows failed (SFL_WARN_ROWS_FAILED: a
                               // singular support or values beyond float; the call went on)
};

/** How a step weighs the supervised loss Lsup against the layers' unsupervised losses lU
 *  (docs/design.md section 2.6). */
struct LossMix {
    float mu = 0.0f;
    /** false (the paper's eq. 14, eq. (15) of docs/design.md): mu mixes the dictionaries'
     *  gradients only, grad_P = (1 - mu) grad_P(Lsup) + mu grad_P(lU), every other parameter
     *  gets grad(Lsup). true: the whole loss (1 - mu) Lsup + mu sum lU, so every parameter's
     *  supervised gradient carries (1 - mu). */
    bool whole_loss = false;
};

struct ForwardArgs {
    int32_t n = 0;          // samples in this chunk
    const float *x = nullptr; // n x in_shape
    float *y = nullptr;       // out: n x out_shape
    bool training = false;    // keep what backward needs (caches)
    float *lu = nullptr;      // may be null: n floats, this layer's lU per sample is ADDED
};

struct BackwardArgs {
    int32_t n = 0;
    const float *x = nullptr;  // forward input
    const float *y = nullptr;  // forward output
    const float *dy = nullptr; // dLoss/dy (n x out_shape)
    float *dx = nullptr;       // out, may be null (first layer): dLoss/dx, overwritten
    float *const *grads = nullptr; // one accumulator per params() entry, gradient ADDED
    LossMix mix;
};

class Layer {
public:
    virtual ~Layer() = default;
    /** Short kind name: conv, maxpool, relu, linear, sf, csf. */
    virtual std::string kind() const = 0;
    /** One line: kind and geometry, for logs. */
    virtual std::string describe() const = 0;
    virtual Shape in_shape() const = 0;
    virtual Shape out_shape() const = 0;
    virtual std::vector<Param *> params() { return {}; }
    virtual std::unique_ptr<LayerState> make_state(int32_t max_batch) const = 0;
    virtual void forward(LayerState &state, const ForwardArgs &args) const = 0;
    virtual void backward(LayerState &state, const BackwardArgs &args) const = 0;
    /** After the optimizer changed the parameters (project dictionaries, rebuild plans);
     *  threads: how many may share the work (the result does not depend on it), on the
     *  workers of threads.pool when given (else on threads started for it). */
    virtual void after_update(Threads threads = {}) { (void)threads; }
    /** Has an unsupervised loss (SF, CSF). */
    virtual bool factorizes() const { return false; }
    /** This layer as a record of an sfl_model (sfl_model.h), for inference: pointers to
     *  this layer's parameters and plan, valid while it lives (sfl::nn::to_c_model). */
    virtual void to_c_layer(sfl_model_layer &out) const = 0;
};

} // namespace nn
} // namespace sfl
