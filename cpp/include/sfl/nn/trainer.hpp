// trainer.hpp - SGD with momentum, the mu step-down schedule, and the training
// loop that splits every batch over threads (one Runner per thread).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sfl/nn/dataset.hpp"
#include "sfl/nn/network.hpp"
#include "sfl/thread_pool.hpp"

namespace sfl {
namespace nn {

struct SgdConfig {
    float lr = 0.01f;
    float momentum = 0.9f;
    float weight_decay = 0.0f; // L2 on weights with Param::decay (not biases, not dictionaries)
    float dict_lr_scale = 1.0f; // the dictionaries (Param::dictionary) step with lr * this
};

/** SGD with momentum (PyTorch form): v = momentum v + (g + wd w); w -= lr v. */
class Sgd {
public:
    Sgd(const Sequential &net, SgdConfig cfg);
    /** One step with gradients grads[k] * scale for params[k]; then net.after_update(). */
    void step(Sequential &net, const std::vector<Tensor> &grads, float scale);
    /** The same with the gradients parts[0][k] + parts[1][k] + ... (summed in that order),
     *  the update of each large parameter split over up to threads.count threads by
     *  elements: the result equals the serial sum and step bit for bit;
     *  net.after_update(threads) (the plans' Grams shared among the threads, the same
     *  floats). With threads.pool, its workers do the sharing (sfl/thread_pool.hpp),
     *  else threads started per call. */
    void step_sum(Sequential &net, const std::vector<const std::vector<Tensor> *> &parts, float scale,
                  Threads threads);
    std::vector<Tensor> &velocity() noexcept { return v_; }
    const SgdConfig &config() const noexcept { return cfg_; }
    /** Change the learning rate of the following steps (after a divergence); lr finite and > 0
     *  (throws std::invalid_argument). Trainer::config().sgd keeps the constructor's. */
    void set_lr(float lr);

private:
    SgdConfig cfg_;
    std::vector<Tensor> v_;
};

/** mu for `epoch` (0-based) of `epochs`: the schedule's steps take equal shares of the
 *  epochs (0.8, 0.5, 0.3, 0.0 over 8 epochs: 2 epochs each). Empty schedule: 0. */
float mu_at(const std::vector<float> &steps, int32_t epoch, int32_t epochs);

struct TrainConfig {
    int32_t batch = 64;
    int32_t threads = 1;
    uint64_t seed = 1;       // batch order of epoch e: derive_seed(seed, e)
    SgdConfig sgd;
    std::vector<float> mu_steps{0.8f, 0.5f, 0.3f, 0.0f};
    bool whole_loss_mix = false; // LossMix::whole_loss: false = the paper's eq. 14
};

struct EpochStats {
    double ce = 0.0;        // mean CE over labelled samples
    double lu = 0.0;        // mean summed lU per sample
    double accuracy = 0.0;  // percent, training samples during the epoch
    double seconds = 0.0;
    int64_t samples = 0;
    int64_t not_converged = 0; // SF/CSF calls during the epoch that hit max_iter somewhere
    int64_t rows_failed = 0;   // SF/CSF calls during the epoch in which some rows failed
    float mu = 0.0f;
};

/** train_epoch found the training diverging: a non-finite loss of a step (CE or lU) or of the
 *  epoch, a non-finite weight after a step or momentum after the epoch, or a layer refusing
 *  NaN/infinity (an sfl::Error with SFL_ERR_NOT_FINITE, whose message is kept). The network and
 *  the optimizer are left as they were when it was found (partly updated, possibly non-finite):
 *  the caller restores a copy taken before the epoch and calls Sequential::after_update().
 *  what() is one line, e.g. "non-finite loss (CE nan at step 3 of 5)". */
class NonFinite : public std::runtime_error {
public:
    NonFinite(const std::string &what, int64_t step) : std::runtime_error(what), step_(step) {}
    /** 1-based step of the epoch at which it was found. */
    int64_t step() const noexcept { return step_; }

private:
    int64_t step_;
};

/** Progress after each step: samples done, samples in the epoch, running stats. */
using ProgressFn = std::function<void(int64_t done, int64_t total, const EpochStats &running)>;

class Trainer {
public:
    /** The network must outlive the trainer. Throws std::invalid_argument for bad settings. */
    Trainer(Sequential &net, const TrainConfig &cfg);
    ~Trainer();

    /** One epoch over the samples idx (into d) with labels `labels` (same length; -1 =
     *  unlabelled), in the order of a shuffle seeded by (cfg.seed, epoch); mu given.
     *  Checks every step's loss and the weights after it for NaN/infinity: throws NonFinite
     *  (the epoch stops there). */
    EpochStats train_epoch(const Dataset &d, const std::vector<int32_t> &idx, const std::vector<int32_t> &labels,
                           int32_t epoch, float mu, const ProgressFn &progress = {});

    /** Accuracy in percent of the network on samples idx of d (their true labels). */
    double accuracy(const Dataset &d, const std::vector<int32_t> &idx);

    Sgd &optimizer() noexcept { return sgd_; }
    const TrainConfig &config() const noexcept { return cfg_; }

private:
    Sequential &net_;
    TrainConfig cfg_;
    Sgd sgd_;
    std::vector<std::unique_ptr<Runner>> runners_;
    std::unique_ptr<ThreadPool> pool_; // threads > 1: the workers every step's calls share
};

} // namespace nn
} // namespace sfl
