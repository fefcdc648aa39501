// SGD, the mu schedule, and threaded training/evaluation over Runners.
#include "sfl/nn/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "sfl/nn/rng.hpp"
#include "sfl/parallel.hpp"
#include "sfl/sfl.hpp"

namespace sfl {
namespace nn {
namespace {

constexpr int32_t kEvalChunk = 128;

void add_loss(ChunkLoss &a, const ChunkLoss &b) {
    a.ce += b.ce;
    a.lu += b.lu;
    a.labelled += b.labelled;
    a.correct += b.correct;
    a.samples += b.samples;
}

// No NaN or infinity among the n floats: their exponent bits OR-ed branch-free, which
// vectorizes (a loop of std::isfinite with an early exit does not): 0.03 ms for LeNet's
// 431,080 weights (AVX-512), 0.4% of a LeNet step at batch 20 (docs/training.md).
bool all_finite(const float *v, size_t n) {
    uint32_t bad = 0;
    for (size_t i = 0; i < n; ++i) {
        uint32_t u;
        std::memcpy(&u, v + i, sizeof u);
        bad |= uint32_t((u & 0x7F800000u) == 0x7F800000u);
    }
    return bad == 0;
}

// One element of the momentum step: v = momentum v + (g scale + wd w), w -= lr v. Copy it
// into a local before a loop: read through a reference (a lambda's capture), its fields
// could alias the stores to w and v, were reloaded per element, and blocked vectorising.
struct MomentumStep {
    float momentum, lr, wd, scale;
    void operator()(float &w, float &v, float g) const {
        v = momentum * v + (g * scale + wd * w);
        w -= lr * v;
    }
};

std::string value_str(double v) { return std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf"; }

} // namespace

// ---- SGD ----

Sgd::Sgd(const Sequential &net, SgdConfig cfg) : cfg_(cfg) {
    for (const Param *p : net.params()) v_.emplace_back(p->value.size());
}

void Sgd::set_lr(float lr) {
    if (!(std::isfinite(lr) && lr > 0.0f))
        throw std::invalid_argument("Sgd::set_lr: the learning rate must be finite and > 0");
    cfg_.lr = lr;
}

void Sgd::step(Sequential &net, const std::vector<Tensor> &grads, float scale) {
    step_sum(net, {&grads}, scale, Threads{});
}

void Sgd::step_sum(Sequential &net, const std::vector<const std::vector<Tensor> *> &parts, float scale,
                   Threads threads) {
    // Elements per thread below which a tensor is updated by the calling thread alone:
    // handing a range to the pool and joining costs about as much as updating this many.
    constexpr int64_t kMinPerThread = 16384;
    const auto params = net.params();
    for (size_t k = 0; k < params.size(); ++k) {
        Param &p = *params[k];
        const MomentumStep step{cfg_.momentum, p.dictionary ? cfg_.lr * cfg_.dict_lr_scale : cfg_.lr,
                                p.decay ? cfg_.weight_decay : 0.0f, scale};
        float *const w = p.value.data();
        float *const v = v_[k].data();
        const int64_t n = int64_t(p.value.size());
        const int T = int(std::min<int64_t>(threads.count, std::max<int64_t>(1, n / kMinPerThread)));
        parallel_for(threads.pool, n, T, [&](int64_t lo, int64_t hi, int) {
            const MomentumStep s = step; // locals, not the closure's members (see MomentumStep)
            float *const wp = w, *const vp = v;
            const float *g0 = (*parts[0])[k].data();
            if (parts.size() == 1) {
                for (int64_t i = lo; i < hi; ++i) s(wp[i], vp[i], g0[i]);
            } else if (parts.size() == 2) {
                const float *g1 = (*parts[1])[k].data();
                for (int64_t i = lo; i < hi; ++i) s(wp[i], vp[i], g0[i] + g1[i]);
            } else {
                for (int64_t i = lo; i < hi; ++i) {
                    float g = g0[i];
                    for (size_t t = 1; t < parts.size(); ++t) g += (*parts[t])[k].data()[i]; // in part order
                    s(wp[i], vp[i], g);
                }
            }
        });
    }
    net.after_update(threads);
}

float mu_at(const std::vector<float> &steps, int32_t epoch, int32_t epochs) {
    if (steps.empty() || epochs < 1) return 0.0f;
    const size_t k = size_t((int64_t(epoch) * int64_t(steps.size())) / epochs);
    return steps[std::min(k, steps.size() - 1)];
}

// ---- Trainer ----

Trainer::Trainer(Sequential &net, const TrainConfig &cfg) : net_(net), cfg_(cfg), sgd_(net, cfg.sgd) {
    if (cfg.batch < 1) throw std::invalid_argument("batch size must be >= 1");
    if (cfg.threads < 1) throw std::invalid_argument("threads must be >= 1");
    const int32_t per_thread = (cfg.batch + cfg.threads - 1) / cfg.threads;
    for (int32_t t = 0; t < cfg.threads; ++t)
        runners_.push_back(std::make_unique<Runner>(net, std::max(per_thread, kEvalChunk)));
    if (cfg.threads > 1) pool_ = std::make_unique<ThreadPool>(cfg.threads);
}

Trainer::~Trainer() = default;

EpochStats Trainer::train_epoch(const Dataset &d, const std::vector<int32_t> &idx, const std::vector<int32_t> &labels,
                                int32_t epoch, float mu, const ProgressFn &progress) {
    if (idx.size() != labels.size()) throw std::invalid_argument("train_epoch: idx and labels differ in length");
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<size_t> order(idx.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    Rng(derive_seed(cfg_.seed, uint64_t(epoch))).shuffle(order);

    const int32_t T = cfg_.threads;
    const size_t in_size = size_t(d.shape.size());
    const auto warnings = [&](int64_t (Runner::*count)() const) {
        int64_t s = 0;
        for (auto &r : runners_) s += ((*r).*count)();
        return s;
    };
    const int64_t not_conv0 = warnings(&Runner::not_converged), failed0 = warnings(&Runner::rows_failed);
    // Per-thread staging of the chunk's images and labels.
    std::vector<std::vector<float>> xs(static_cast<size_t>(T));
    std::vector<std::vector<int32_t>> ys(static_cast<size_t>(T));
    std::vector<ChunkLoss> part(static_cast<size_t>(T));
    ChunkLoss total;
    EpochStats st;
    st.mu = mu;
    const int32_t N = int32_t(order.size());
    // Divergence checks (NonFinite): the step's loss before the update, the weights after it.
    const int64_t steps = (int64_t(N) + cfg_.batch - 1) / cfg_.batch;
    int64_t step = 0;
    const auto at_step = [&] { return " at step " + std::to_string(step) + " of " + std::to_string(steps); };
    // A layer's SFL_ERR_NOT_FINITE (NaN/Inf reached an SF/CSF input, a dictionary or the logits).
    const auto not_finite_error = [&](const Error &e) {
        if (e.status() != SFL_ERR_NOT_FINITE) throw;
        throw NonFinite("non-finite values (" + std::string(e.what()) + at_step() + ")", step);
    };
    for (int32_t b0 = 0; b0 < N; b0 += cfg_.batch) {
        const int32_t B = std::min(cfg_.batch, N - b0);
        ++step;
        // Thread t takes the t-th contiguous range of the batch (sfl::split_range).
        int used = 0;
        try {
            used = parallel_for(pool_.get(), B, T, [&](int64_t lo, int64_t hi, int t) {
                const int32_t n = int32_t(hi - lo);
                Runner &r = *runners_[size_t(t)];
                auto &x = xs[size_t(t)];
                auto &y = ys[size_t(t)];
                x.resize(size_t(n) * in_size);
                y.resize(size_t(n));
                for (int32_t i = 0; i < n; ++i) {
                    const size_t k = order[size_t(b0 + lo + i)];
                    std::copy_n(d.image(idx[k]), in_size, x.data() + size_t(i) * in_size);
                    y[size_t(i)] = labels[k];
                }
                r.zero_grads();
                r.forward(n, x.data(), true);
                part[size_t(t)] = r.backward(n, y.data(), LossMix{mu, cfg_.whole_loss_mix});
            });
        } catch (const Error &e) {
            not_finite_error(e);
        }
        ChunkLoss batch_loss;
        for (int32_t t = 0; t < used; ++t) add_loss(batch_loss, part[size_t(t)]);
        if (!std::isfinite(batch_loss.ce))
            throw NonFinite("non-finite loss (CE " + value_str(batch_loss.ce) + at_step() + ")", step);
        if (!std::isfinite(batch_loss.lu))
            throw NonFinite("non-finite loss (lU " + value_str(batch_loss.lu) + at_step() + ")", step);
        // The thread accumulators summed in thread order inside the update, itself split
        // over the threads by parameter elements (the same floats as a serial sum).
        std::vector<const std::vector<Tensor> *> sums;
        for (int32_t t = 0; t < used; ++t) sums.push_back(&runners_[size_t(t)]->grads());
        add_loss(total, batch_loss);
        try {
            sgd_.step_sum(net_, sums, 1.0f / float(B), Threads{T, pool_.get()});
        } catch (const Error &e) {
            not_finite_error(e); // the dictionary projection refuses a non-finite dictionary
        }
        for (const Param *p : net_.params())
            if (!all_finite(p->value.data(), p->value.size()))
                throw NonFinite("non-finite weights (" + p->name + " after step " + std::to_string(step) + " of " +
                                    std::to_string(steps) + ")",
                                step);
        if (progress) {
            EpochStats run;
            run.ce = total.labelled ? total.ce / double(total.labelled) : 0.0;
            run.lu = total.samples ? total.lu / double(total.samples) : 0.0;
            run.accuracy = total.labelled ? 100.0 * double(total.correct) / double(total.labelled) : 0.0;
            run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            run.samples = total.samples;
            run.mu = mu;
            progress(b0 + B, N, run);
        }
    }
    st.ce = total.labelled ? total.ce / double(total.labelled) : 0.0;
    st.lu = total.samples ? total.lu / double(total.samples) : 0.0;
    st.accuracy = total.labelled ? 100.0 * double(total.correct) / double(total.labelled) : 0.0;
    st.samples = total.samples;
    st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    st.not_converged = warnings(&Runner::not_converged) - not_conv0;
    st.rows_failed = warnings(&Runner::rows_failed) - failed0;
    // No end-of-epoch checks: every step's loss was finite, and a non-finite momentum
    // makes its weights non-finite in the same step (w -= lr v), which the step caught.
    return st;
}

double Trainer::accuracy(const Dataset &d, const std::vector<int32_t> &idx) {
    const int32_t N = int32_t(idx.size());
    if (N == 0) return 0.0;
    const size_t in_size = size_t(d.shape.size());
    std::vector<int64_t> correct(size_t(parallel_threads(N, cfg_.threads)), 0);
    parallel_for(pool_.get(), N, cfg_.threads, [&](int64_t lo64, int64_t hi64, int t) {
        const int32_t lo = int32_t(lo64), hi = int32_t(hi64);
        Runner &r = *runners_[size_t(t)];
        std::vector<float> x(size_t(r.max_batch()) * in_size);
        std::vector<int32_t> y(size_t(r.max_batch()));
        for (int32_t c0 = lo; c0 < hi; c0 += r.max_batch()) {
            const int32_t n = std::min(r.max_batch(), hi - c0);
            for (int32_t i = 0; i < n; ++i) {
                const int32_t k = idx[size_t(c0 + i)];
                std::copy_n(d.image(k), in_size, x.data() + size_t(i) * in_size);
                y[size_t(i)] = d.labels[size_t(k)];
            }
            r.forward(n, x.data(), false);
            correct[size_t(t)] += r.score(n, y.data()).correct;
        }
    });
    int64_t c = 0;
    for (int64_t v : correct) c += v;
    return 100.0 * double(c) / double(N);
}

} // namespace nn
} // namespace sfl
