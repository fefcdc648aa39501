// sfl-train: trains the paper's MNIST networks (LeNet, CSF, SF, CSF+SF) on the
// full training set or on balanced per-class subsets, several trials, and
// reports mean and std accuracy (docs/design.md sections 3 and 4).
#include <cstdio>
#include <stdexcept>
#include <filesystem>
#include <string>

#include "cli_main.hpp"
#include "json_output.hpp"
#include "options.hpp"
#include "report.hpp"
#include "run_data.hpp"
#include "run_state.hpp"
#include "trial.hpp"
#include "sfl/checkpoint.hpp"
#include "sfl/model.hpp"
#include "sfl/nn/models.hpp"
#include "sfl/sfl.hpp"

namespace {

using namespace sfl_train;

std::string pct_str(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.2f", v);
    return b;
}

int run(const Options &o) {
    namespace fs = std::filesystem;
    fs::create_directories(o.out_dir);
    if (const fs::path dir = fs::path(o.model).parent_path(); !dir.empty()) fs::create_directories(dir);
    const RunFiles files{o.out_dir + "/checkpoint.sflc", fingerprint(o)};
    const std::string weights = weights_path(o.model); // the model's weights by name (checkpoint.hpp)
    const RunData data = load_run_data(o);

    RunState st;
    if (o.resume) {
        if (!fs::exists(files.ckpt)) throw std::runtime_error("--resume: no checkpoint at " + files.ckpt);
        st = load_state(files.ckpt, files.fingerprint);
    }
    // Progress in epochs of the whole run: each trial runs the pre-training and supervised epochs.
    const int64_t trial_epochs = int64_t(o.pretrain_epochs) + o.epochs;
    TrainProgress progress(o.quiet, int64_t(o.trials) * trial_epochs, int64_t(st.trial) * trial_epochs + st.epoch);
    if (o.resume)
        progress.line("resuming " + files.ckpt + ": trial " + std::to_string(st.trial + 1) + ", " +
                      std::to_string(st.epoch) + " epochs done");
    int32_t epochs_this_run = 0;
    int64_t params = 0, biases = 0;
    for (; st.trial < o.trials; ++st.trial) {
        const int32_t t = st.trial;
        progress.new_trial();
        Trial trial(o, data, files, st, progress);
        params = trial.net().param_count();
        biases = trial.net().bias_count();
        if (t == 0 && st.epoch == 0 && st.done.empty()) trial.describe();
        if (!trial.train(epochs_this_run)) {
            progress.line("halted after " + std::to_string(epochs_this_run) + " epochs (--halt-after-epochs)");
            return sfl_cli::kExitPartial;
        }
        st.current.accuracy = trial.evaluate();
        progress.line(o.net.name + " trial " + std::to_string(t + 1) + ": " + (o.validation ? "validation" : "test") +
                      " accuracy " + pct_str(st.current.accuracy) + " %");
        st.done.push_back(st.current);
        st.current = TrialResult{};
        st.epoch = 0;
        if (t + 1 == o.trials) {
            save_model(weights, files.fingerprint, o.net.name, trial.net(), data.classes);
            sfl::save_model_file(o.model, sfl::nn::to_c_model(trial.net()), true); // for inference (sfl_model.h)
        }
        RunState next = st;
        next.trial = t + 1;
        save_state(files.ckpt, files.fingerprint, next, nullptr);
    }
    if (params == 0) { // a resumed, already finished run: count the parameters of a fresh net
        const auto net = sfl::nn::build_network(o.net, data.train.shape, data.classes, 0);
        params = net->param_count();
        biases = net->bias_count();
    }
    if (!sfl_cli::json_to_stdout(o.json)) print_table(o, st.done, params, biases);
    sfl_cli::write_json_output(o.json, result_json(o, st.done, params, biases, int64_t(data.eval_idx.size()),
                                                   int64_t(data.pool.size())));
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
