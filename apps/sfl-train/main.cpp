// sfl-train: trains the paper's MNIST networks (LeNet, CSF, SF, CSF+SF) on the
// full training set or on balanced per-class subsets, several trials, and
// reports mean and std accuracy (docs/design.md sections 3 and 4).
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <filesystem>
#include <memory>
#include <string>

#include "cli_main.hpp"
#include "json_output.hpp"
#include "options.hpp"
#include "report.hpp"
#include "run_state.hpp"
#include "sfl/checkpoint.hpp"
#include "sfl/idx.hpp"
#include "sfl/model.hpp"
#include "sfl/nn/dataset.hpp"
#include "sfl/nn/models.hpp"
#include "sfl/nn/rng.hpp"
#include "sfl/nn/trainer.hpp"
#include "sfl/sfl.hpp"
#include "unlabeled.hpp"

namespace {

using namespace sfl_train;
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

std::string pct_str(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.2f", v);
    return b;
}

int run(const Options &o) {
    namespace fs = std::filesystem;
    fs::create_directories(o.out_dir);
    if (const fs::path dir = fs::path(o.model).parent_path(); !dir.empty()) fs::create_directories(dir);
    const std::string ckpt = o.out_dir + "/checkpoint.sflc";
    const std::string weights = weights_path(o.model); // the model's weights by name (checkpoint.hpp)
    const std::string fp = fingerprint(o);

    const sfl::nn::Dataset train = sfl::nn::load_idx_dataset(o.train_images, o.train_labels);
    sfl::nn::Dataset test_set;
    std::vector<int32_t> pool, eval_idx;
    const sfl::nn::Dataset *eval = &train;
    if (o.validation > 0) {
        if (o.validation >= train.n)
            throw std::runtime_error("--validation " + std::to_string(o.validation) + " leaves no training images (" +
                                     std::to_string(train.n) + " in all)");
        pool = sfl::nn::iota_indices(0, train.n - o.validation);
        eval_idx = sfl::nn::iota_indices(train.n - o.validation, train.n);
    } else {
        test_set = sfl::nn::load_idx_dataset(o.test_images, o.test_labels);
        if (!(test_set.shape == train.shape))
            throw std::runtime_error(o.test_images + ": images are " + test_set.shape.str() + ", but those of " +
                                     o.train_images + " are " + train.shape.str());
        pool = sfl::nn::iota_indices(0, train.n);
        eval_idx = sfl::nn::iota_indices(0, test_set.n);
        eval = &test_set;
    }
    const int32_t classes = std::max(train.classes, eval->classes);

    RunState st;
    if (o.resume) {
        if (!fs::exists(ckpt)) throw std::runtime_error("--resume: no checkpoint at " + ckpt);
        st = load_state(ckpt, fp);
    }
    // Progress in epochs of the whole run: each trial runs the pre-training and supervised epochs.
    const int64_t trial_epochs = int64_t(o.pretrain_epochs) + o.epochs;
    TrainProgress progress(o.quiet, int64_t(o.trials) * trial_epochs, int64_t(st.trial) * trial_epochs + st.epoch);
    if (o.resume) {
        progress.line("resuming " + ckpt + ": trial " + std::to_string(st.trial + 1) + ", " +
                      std::to_string(st.epoch) + " epochs done");
    }
    int64_t params = 0, biases = 0;
    int32_t epochs_this_run = 0;
    for (; st.trial < o.trials; ++st.trial) {
        const int32_t t = st.trial;
        std::vector<int32_t> idx =
            o.per_class ? sfl::nn::balanced_subset(train, pool, o.per_class, subset_seed(o.seed, t)) : pool;
        std::vector<int32_t> labels(idx.size());
        for (size_t i = 0; i < idx.size(); ++i) labels[i] = train.labels[size_t(idx[i])];
        const std::vector<int32_t> unl =
            o.unlabeled ? unlabeled_set(pool, idx, o.unlabeled, unlabeled_seed(o.seed, t)) : std::vector<int32_t>{};
        const int32_t per_epoch = o.unlabeled_per_epoch ? o.unlabeled_per_epoch : int32_t(idx.size());
        std::vector<int32_t> epoch_idx, epoch_labels;
        // The trial runs P = --pretrain-epochs epochs of pre-training (unlabelled images only,
        // mu = 1), then the E supervised ones; st.epoch counts both. Each phase numbers its
        // epochs from 0 for its seeds (batch order, unlabelled draw) and the mu schedule, so the
        // supervised phase draws as a run without pre-training does.
        const int32_t P = o.pretrain_epochs, E = o.epochs;
        const int32_t pre_per_epoch = o.pretrain_per_epoch ? o.pretrain_per_epoch : int32_t(unl.size());

        if (st.epoch == 0) {
            st.current = TrialResult{};
            st.current.train_samples = int64_t(idx.size());
        }
        auto net = sfl::nn::build_network(o.net, train.shape, classes, init_seed(o.seed, t));
        params = net->param_count();
        biases = net->bias_count();
        // The optimizer of the phase of epoch e at the trial's current lr (--lr, or the last
        // rollback's). Pre-training has its own batch order and no weight decay: lU alone moves
        // the parameters, so those it does not reach (everything but the dictionaries under the
        // default --sf-lu-input stop) stay at their initial values bit for bit. The supervised
        // phase starts with a fresh optimizer: no momentum carried over from pre-training.
        const auto make_trainer = [&](int32_t e) {
            sfl::nn::TrainConfig tc = o.train;
            const bool pre = e < P;
            tc.seed = pre ? pretrain_order_seed(o.seed, t) : order_seed(o.seed, t);
            if (pre) tc.sgd.weight_decay = 0.0f;
            if (!st.current.rollbacks.empty()) tc.sgd.lr = st.current.rollbacks.back().lr;
            return std::make_unique<sfl::nn::Trainer>(*net, tc);
        };
        auto trainer = make_trainer(st.epoch);
        if (st.epoch > 0) {
            restore_weights(ckpt, *net, trainer->optimizer());
        } else if (t == 0 && st.done.empty()) {
            for (const auto &l : net->layers()) progress.line("  " + l->describe());
            if (o.unlabeled)
                progress.line("  + " + std::to_string(unl.size()) + " unlabelled images, " +
                              std::to_string(std::min<size_t>(size_t(per_epoch), unl.size())) +
                              " per epoch with mu > 0");
            if (P > 0)
                progress.line("  + pre-training: " + std::to_string(P) + " epochs of " +
                              std::to_string(std::min<size_t>(size_t(pre_per_epoch), unl.size())) +
                              " unlabelled images, mu 1, no weight decay");
        }
        // The last good state (the start of the epoch), which a diverging epoch rolls back to
        // and the checkpoint stores.
        sfl::ckpt::Checkpoint good = snapshot_weights(*net, trainer->optimizer());
        for (; st.epoch < P + E; ++st.epoch) {
            const int32_t e = st.epoch;
            const bool pre = e < P;
            const int32_t pe = pre ? e : e - P; // the epoch within its phase
            const float mu = pre ? 1.0f : net->factorizes() ? sfl::nn::mu_at(o.train.mu_steps, pe, E) : 0.0f;
            const std::string epoch_name = std::string(pre ? "pretrain epoch " : "epoch ") + std::to_string(pe + 1);
            const std::string prefix = o.net.name + " trial " + std::to_string(t + 1) + "/" +
                                       std::to_string(o.trials) + " " + epoch_name + "/" + std::to_string(pre ? P : E);
            if (pre)
                epoch_samples({}, {}, unl, pre_per_epoch, mu, derive_seed(pretrain_draw_seed(o.seed, t), uint64_t(pe)),
                              epoch_idx, epoch_labels);
            else
                epoch_samples(idx, labels, unl, per_epoch, mu,
                              derive_seed(unlabeled_epoch_seed(o.seed, t), uint64_t(pe)), epoch_idx, epoch_labels);
            sfl::nn::EpochStats s;
            for (;;) {
                try {
                    s = trainer->train_epoch(train, epoch_idx, epoch_labels, pe, mu,
                                             [&](int64_t done, int64_t total, const sfl::nn::EpochStats &r) {
                                                 progress.step(prefix, done, total, r, pre);
                                             });
                    break;
                } catch (const sfl::nn::NonFinite &nf) {
                    const float lr = trainer->optimizer().config().lr;
                    // Back to the start of the epoch: weights, momentum, dictionaries and their plans,
                    // bit for bit. The first epoch's start is the initial network, whose dictionaries
                    // are not projected yet (restoring would project them): built afresh.
                    if (e == 0) {
                        trainer.reset();
                        net = sfl::nn::build_network(o.net, train.shape, classes, init_seed(o.seed, t));
                        trainer = make_trainer(e);
                    } else {
                        restore_weights(good, *net, trainer->optimizer());
                    }
                    const std::string where = o.net.name + " trial " + std::to_string(t + 1) + " " + epoch_name;
                    if (st.current.rollbacks.size() + 1 >= kMaxRollbacks)
                        throw std::runtime_error(
                            where + ": training diverged " + std::to_string(kMaxRollbacks) + " times in this trial (" +
                            nf.what() + " at lr " + lr_str(lr) + ", after " +
                            std::to_string(st.current.rollbacks.size()) + " rollbacks from lr " +
                            lr_str(o.train.sgd.lr) + "); " +
                            (e == 0 ? std::string("the checkpoint holds no epoch of this trial")
                                    : "the checkpoint keeps its " + std::to_string(e) + " finished epoch" +
                                          (e > 1 ? "s" : "") +
                                          (P > 0 ? " (" + std::to_string(std::min(e, P)) + " of pre-training)"
                                                 : std::string())) +
                            "; try a smaller --lr");
                    const float halved = lr * 0.5f;
                    trainer->optimizer().set_lr(halved);
                    st.current.rollbacks.push_back(Rollback{e + 1, nf.what(), halved});
                    progress.warning("trial " + std::to_string(t + 1) + " " + epoch_name + ": " + nf.what() +
                                     ", rolled back to the start of the epoch, lr " + lr_str(lr) + " -> " +
                                     lr_str(halved));
                }
            }
            progress.epoch_done(prefix, s, int64_t(t) * (P + E) + e + 1, e + 1 == P + E, pre);
            if (pre) {
                st.current.pretrain_lu.push_back(s.lu);
                st.current.pretrain_seconds.push_back(s.seconds);
            } else {
                st.current.epoch_seconds.push_back(s.seconds);
                st.current.final_ce = s.ce;
                st.current.train_accuracy = s.accuracy;
            }
            st.current.not_converged += s.not_converged;
            if (e + 1 == P) { // pre-training done: the supervised optimizer (and it is what the checkpoint stores)
                trainer.reset();
                trainer = make_trainer(P);
            }
            RunState next = st;
            next.epoch = e + 1;
            good = snapshot_weights(*net, trainer->optimizer()); // finite: train_epoch checked them
            save_state(ckpt, fp, next, &good);
            if (o.halt_after && ++epochs_this_run >= o.halt_after) {
                progress.line("halted after " + std::to_string(epochs_this_run) + " epochs (--halt-after-epochs)");
                return sfl_cli::kExitPartial;
            }
        }
        st.current.accuracy = trainer->accuracy(*eval, eval_idx);
        progress.line(o.net.name + " trial " + std::to_string(t + 1) + ": " + (o.validation ? "validation" : "test") +
                      " accuracy " + pct_str(st.current.accuracy) + " %");
        st.done.push_back(st.current);
        st.current = TrialResult{};
        st.epoch = 0;
        if (t + 1 == o.trials) {
            save_model(weights, fp, o.net.name, *net, classes);
            sfl::save_model_file(o.model, sfl::nn::to_c_model(*net), true); // for inference (sfl_model.h)
        }
        RunState next = st;
        next.trial = t + 1;
        save_state(ckpt, fp, next, nullptr);
    }
    if (params == 0) { // a resumed, already finished run: count parameters of a fresh net
        auto net = sfl::nn::build_network(o.net, train.shape, classes, 0);
        params = net->param_count();
        biases = net->bias_count();
    }
    if (!sfl_cli::json_to_stdout(o.json)) print_table(o, st.done, params, biases);
    sfl_cli::write_json_output(o.json, result_json(o, st.done, params, biases, int64_t(eval_idx.size()),
                                                   int64_t(pool.size())));
    return sfl_cli::kExitOk;
}

int run_command_line(int argc, char **argv) {
    try {
        return run(parse_options(argc, argv));
    } catch (const sfl::Error &e) {
        if (e.status() != SFL_ERR_NOT_FINITE) throw;
        // NaN/Inf inside the network during training: the weights diverged.
        throw std::runtime_error(std::string(e.what()) +
                                 " (training diverged; the checkpoint keeps the last finished epoch; try a smaller --lr)");
    }
}

} // namespace

int main(int argc, char **argv) {
    return sfl_cli::run_main({"sfl-train", usage()}, [&] { return run_command_line(argc, argv); });
}
