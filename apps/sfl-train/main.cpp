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

int run(const Options &o) {
    namespace fs = std::filesystem;
    fs::create_directories(o.out_dir);
    if (const fs::path dir = fs::path(o.model).parent_path(); !dir.empty()) fs::create_directories(dir);
    const std::string ckpt = o.out_dir + "/checkpoint.sflc";
    const std::string weights = weights_path(o.model); // the model's weights by name (checkpoint.hpp)
    const std::string fp = fingerprint(o);
    Progress progress(o.quiet);

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

        auto net = sfl::nn::build_network(o.net, train.shape, classes, init_seed(o.seed, t));
        params = net->param_count();
        biases = net->bias_count();
        sfl::nn::TrainConfig tc = o.train;
        tc.seed = order_seed(o.seed, t);
        sfl::nn::Trainer trainer(*net, tc);
        if (st.epoch > 0) {
            restore_weights(ckpt, *net, trainer.optimizer());
        } else {
            st.current = TrialResult{};
            st.current.train_samples = int64_t(idx.size());
            if (t == 0 && st.done.empty()) {
                for (const auto &l : net->layers()) progress.line("  " + l->describe());
                if (o.unlabeled)
                    progress.line("  + " + std::to_string(unl.size()) + " unlabelled images, " +
                                  std::to_string(std::min<size_t>(size_t(per_epoch), unl.size())) +
                                  " per epoch with mu > 0");
            }
        }
        for (; st.epoch < o.epochs; ++st.epoch) {
            const int32_t e = st.epoch;
            const float mu = net->factorizes() ? sfl::nn::mu_at(o.train.mu_steps, e, o.epochs) : 0.0f;
            const std::string prefix = o.net.name + " trial " + std::to_string(t + 1) + "/" +
                                       std::to_string(o.trials) + " epoch " + std::to_string(e + 1) + "/" +
                                       std::to_string(o.epochs);
            epoch_samples(idx, labels, unl, per_epoch, mu, derive_seed(unlabeled_epoch_seed(o.seed, t), uint64_t(e)),
                          epoch_idx, epoch_labels);
            const auto s = trainer.train_epoch(
                train, epoch_idx, epoch_labels, e, mu,
                [&](int64_t done, int64_t total, const sfl::nn::EpochStats &r) { progress.step(prefix, done, total, r); });
            progress.epoch_done(prefix, s);
            if (!std::isfinite(s.ce) || !std::isfinite(s.lu))
                throw std::runtime_error(prefix + ": the training loss is not finite (diverged); the checkpoint keeps "
                                                  "the last finite epoch; try a smaller --lr");
            st.current.epoch_seconds.push_back(s.seconds);
            st.current.final_ce = s.ce;
            st.current.train_accuracy = s.accuracy;
            st.current.not_converged += s.not_converged;
            RunState next = st;
            next.epoch = e + 1;
            save_state(ckpt, fp, next, net.get(), &trainer.optimizer());
            if (o.halt_after && ++epochs_this_run >= o.halt_after) {
                progress.line("halted after " + std::to_string(epochs_this_run) + " epochs (--halt-after-epochs)");
                return sfl_cli::kExitPartial;
            }
        }
        st.current.accuracy = trainer.accuracy(*eval, eval_idx);
        progress.line(o.net.name + " trial " + std::to_string(t + 1) + ": " + (o.validation ? "validation" : "test") +
                      " accuracy " + std::to_string(st.current.accuracy) + "%");
        st.done.push_back(st.current);
        st.current = TrialResult{};
        st.epoch = 0;
        if (t + 1 == o.trials) {
            save_model(weights, fp, o.net.name, *net, classes);
            sfl::save_model_file(o.model, sfl::nn::to_c_model(*net), true); // for inference (sfl_model.h)
        }
        RunState next = st;
        next.trial = t + 1;
        save_state(ckpt, fp, next, nullptr, nullptr);
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

// A failure's message starts on a line of its own, not after the progress bar.
void end_progress_line() {
    if (progress_line_open()) std::fputc('\n', stderr);
}

int run_command_line(int argc, char **argv) {
    try {
        return run(parse_options(argc, argv));
    } catch (const sfl::Error &e) {
        end_progress_line();
        if (e.status() != SFL_ERR_NOT_FINITE) throw;
        // NaN/Inf inside the network during training: the weights diverged.
        throw std::runtime_error(std::string(e.what()) +
                                 " (training diverged; the checkpoint keeps the last finished epoch; try a smaller --lr)");
    } catch (...) {
        end_progress_line();
        throw;
    }
}

} // namespace

int main(int argc, char **argv) {
    return sfl_cli::run_main({"sfl-train", usage()}, [&] { return run_command_line(argc, argv); });
}
