// One trial of sfl-train: data draws, epochs, rollbacks, checkpoints.
#include "trial.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "sfl/nn/models.hpp"
#include "sfl/nn/rng.hpp"
#include "unlabeled.hpp"

namespace sfl_train {
namespace {

using sfl::nn::derive_seed;

// Seed streams of trial t (subset, initial weights, batch order) derived from --seed.
uint64_t subset_seed(uint64_t s, int32_t t) { return derive_seed(s, 1000 + uint64_t(t)); }
uint64_t init_seed(uint64_t s, int32_t t) { return derive_seed(s, 2000 + uint64_t(t)); }
uint64_t order_seed(uint64_t s, int32_t t) { return derive_seed(s, 3000 + uint64_t(t)); }
// --unlabeled: the trial's unlabelled set, and the per-epoch draw from it (epoch e: derive_seed(., e)).
uint64_t unlabeled_seed(uint64_t s, int32_t t) { return derive_seed(s, 4000 + uint64_t(t)); }
uint64_t unlabeled_epoch_seed(uint64_t s, int32_t t) { return derive_seed(s, 5000 + uint64_t(t)); }
// --pretrain-epochs: the batch order and the per-epoch unlabelled draw of the pre-training epochs.
uint64_t pretrain_order_seed(uint64_t s, int32_t t) { return derive_seed(s, 6000 + uint64_t(t)); }
uint64_t pretrain_draw_seed(uint64_t s, int32_t t) { return derive_seed(s, 7000 + uint64_t(t)); }

// Divergences a trial may have: each rolls the epoch back; the first kMaxRollbacks - 1 rerun
// it with half the learning rate, the kMaxRollbacks-th ends the run (docs/training.md).
constexpr size_t kMaxRollbacks = 4;

std::string lr_str(float lr) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", double(lr));
    return b;
}

} // namespace

// The trial runs P = --pretrain-epochs epochs of pre-training (unlabelled images only,
// mu = 1), then the E supervised ones; st.epoch counts both. Each phase numbers its epochs
// from 0 for its seeds (batch order, unlabelled draw) and the mu schedule, so the supervised
// phase draws as a run without pre-training does.
Trial::Trial(const Options &o, const RunData &data, const RunFiles &files, RunState &st, TrainProgress &progress)
    : o_(o), d_(data), files_(files), st_(st), progress_(progress), t_(st.trial), P_(o.pretrain_epochs),
      E_(o.epochs) {
    idx_ = o.per_class ? sfl::nn::balanced_subset(d_.train, d_.pool, o.per_class, subset_seed(o.seed, t_)) : d_.pool;
    labels_.resize(idx_.size());
    for (size_t i = 0; i < idx_.size(); ++i) labels_[i] = d_.train.labels[size_t(idx_[i])];
    if (o.unlabeled) unl_ = unlabeled_set(d_.pool, idx_, o.unlabeled, unlabeled_seed(o.seed, t_));
    per_epoch_ = o.unlabeled_per_epoch ? o.unlabeled_per_epoch : int32_t(idx_.size());
    pre_per_epoch_ = o.pretrain_per_epoch ? o.pretrain_per_epoch : int32_t(unl_.size());

    if (st_.epoch == 0) {
        st_.current = TrialResult{};
        st_.current.train_samples = int64_t(idx_.size());
    }
    net_ = sfl::nn::build_network(o.net, d_.train.shape, d_.classes, init_seed(o.seed, t_));
    trainer_ = make_trainer(st_.epoch);
    if (st_.epoch > 0) restore_weights(files_.ckpt, *net_, trainer_->optimizer());
}

// The optimizer of the phase of epoch e at the trial's current lr (--lr, or the last
// rollback's). Pre-training has its own batch order and no weight decay: lU alone moves the
// parameters, so those it does not reach (everything but the dictionaries under the default
// --sf-lu-input stop) stay at their initial values bit for bit. The supervised phase starts
// with a fresh optimizer: no momentum carried over from pre-training.
std::unique_ptr<sfl::nn::Trainer> Trial::make_trainer(int32_t e) const {
    sfl::nn::TrainConfig tc = o_.train;
    const bool pre = e < P_;
    tc.seed = pre ? pretrain_order_seed(o_.seed, t_) : order_seed(o_.seed, t_);
    if (pre) tc.sgd.weight_decay = 0.0f;
    if (!st_.current.rollbacks.empty()) tc.sgd.lr = st_.current.rollbacks.back().lr;
    return std::make_unique<sfl::nn::Trainer>(*net_, tc);
}

void Trial::describe() const {
    for (const auto &l : net_->layers()) progress_.line("  " + l->describe());
    if (o_.unlabeled)
        progress_.line("  + " + std::to_string(unl_.size()) + " unlabelled images, " +
                       std::to_string(std::min<size_t>(size_t(per_epoch_), unl_.size())) + " per epoch with mu > 0");
    if (P_ > 0)
        progress_.line("  + pre-training: " + std::to_string(P_) + " epochs of " +
                       std::to_string(std::min<size_t>(size_t(pre_per_epoch_), unl_.size())) +
                       " unlabelled images, mu 1, no weight decay");
}

// The samples of epoch e: the unlabelled draw of pre-training, or the labelled subset with
// the epoch's unlabelled draw while mu > 0.
void Trial::draw_epoch(int32_t e, float mu) {
    if (e < P_)
        epoch_samples({}, {}, unl_, pre_per_epoch_, mu, derive_seed(pretrain_draw_seed(o_.seed, t_), uint64_t(e)),
                      epoch_idx_, epoch_labels_);
    else
        epoch_samples(idx_, labels_, unl_, per_epoch_, mu,
                      derive_seed(unlabeled_epoch_seed(o_.seed, t_), uint64_t(e - P_)), epoch_idx_, epoch_labels_);
}

// Epoch e, rerun from `good` (its start) with half the lr each time it diverges.
sfl::nn::EpochStats Trial::run_epoch(int32_t e, const std::string &epoch_name, const std::string &prefix, float mu,
                                     const sfl::ckpt::Checkpoint &good) {
    const bool pre = e < P_;
    const int32_t pe = pre ? e : e - P_; // the epoch within its phase
    for (;;) {
        try {
            return trainer_->train_epoch(d_.train, epoch_idx_, epoch_labels_, pe, mu,
                                         [&](int64_t done, int64_t total, const sfl::nn::EpochStats &r) {
                                             progress_.step(prefix, done, total, r, pre);
                                         });
        } catch (const sfl::nn::NonFinite &nf) {
            const float lr = trainer_->optimizer().config().lr;
            // Back to the start of the epoch: weights, momentum, dictionaries and their plans,
            // bit for bit. The first epoch's start is the initial network, whose dictionaries
            // are not projected yet (restoring would project them): built afresh.
            if (e == 0) {
                trainer_.reset();
                net_ = sfl::nn::build_network(o_.net, d_.train.shape, d_.classes, init_seed(o_.seed, t_));
                trainer_ = make_trainer(e);
            } else {
                restore_weights(good, *net_, trainer_->optimizer());
            }
            std::vector<Rollback> &rb = st_.current.rollbacks;
            if (rb.size() + 1 >= kMaxRollbacks)
                throw std::runtime_error(
                    o_.net.name + " trial " + std::to_string(t_ + 1) + " " + epoch_name + ": training diverged " +
                    std::to_string(kMaxRollbacks) + " times in this trial (" + nf.what() + " at lr " + lr_str(lr) +
                    ", after " + std::to_string(rb.size()) + " rollbacks from lr " + lr_str(o_.train.sgd.lr) + "); " +
                    (e == 0 ? std::string("the checkpoint holds no epoch of this trial")
                            : "the checkpoint keeps its " + std::to_string(e) + " finished epoch" + (e > 1 ? "s" : "") +
                                  (P_ > 0 ? " (" + std::to_string(std::min(e, P_)) + " of pre-training)"
                                          : std::string())) +
                    "; try a smaller --lr");
            const float halved = lr * 0.5f;
            trainer_->optimizer().set_lr(halved);
            rb.push_back(Rollback{e + 1, nf.what(), halved});
            progress_.warning("trial " + std::to_string(t_ + 1) + " " + epoch_name + ": " + nf.what() +
                              ", rolled back to the start of the epoch, lr " + lr_str(lr) + " -> " + lr_str(halved));
        }
    }
}

bool Trial::train(int32_t &epochs_this_run) {
    // The last good state (the start of the epoch), which a diverging epoch rolls back to and
    // the checkpoint stores.
    sfl::ckpt::Checkpoint good = snapshot_weights(*net_, trainer_->optimizer());
    for (; st_.epoch < P_ + E_; ++st_.epoch) {
        const int32_t e = st_.epoch;
        const bool pre = e < P_;
        const int32_t pe = pre ? e : e - P_;
        const float mu = pre ? 1.0f : net_->factorizes() ? sfl::nn::mu_at(o_.train.mu_steps, pe, E_) : 0.0f;
        const std::string epoch_name = std::string(pre ? "pretrain epoch " : "epoch ") + std::to_string(pe + 1);
        const std::string prefix = o_.net.name + " trial " + std::to_string(t_ + 1) + "/" + std::to_string(o_.trials) +
                                   " " + epoch_name + "/" + std::to_string(pre ? P_ : E_);
        draw_epoch(e, mu);
        const sfl::nn::EpochStats s = run_epoch(e, epoch_name, prefix, mu, good);
        progress_.epoch_done(prefix, s, int64_t(t_) * (P_ + E_) + e + 1, e + 1 == P_ + E_, pre);
        TrialResult &cur = st_.current;
        if (pre) {
            cur.pretrain_lu.push_back(s.lu);
            cur.pretrain_seconds.push_back(s.seconds);
        } else {
            cur.epoch_seconds.push_back(s.seconds);
            cur.final_ce = s.ce;
            cur.train_accuracy = s.accuracy;
        }
        cur.not_converged += s.not_converged;
        if (e + 1 == P_) { // pre-training done: the supervised optimizer (and it is what the checkpoint stores)
            trainer_.reset();
            trainer_ = make_trainer(P_);
        }
        RunState next = st_;
        next.epoch = e + 1;
        good = snapshot_weights(*net_, trainer_->optimizer()); // finite: train_epoch checked them
        save_state(files_.ckpt, files_.fingerprint, next, &good);
        if (o_.halt_after && ++epochs_this_run >= o_.halt_after) return false;
    }
    return true;
}

double Trial::evaluate() { return trainer_->accuracy(d_.eval(), d_.eval_idx); }

} // namespace sfl_train
