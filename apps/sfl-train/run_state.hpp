// run_state.hpp - what sfl-train must remember to continue a killed run: the
// finished trials' results, the current trial's epochs, weights and momentum.
// Stored with sfl::ckpt (atomic write, CRC) after every epoch.
#pragma once

#include <string>
#include <vector>

#include "sfl/nn/network.hpp"
#include "sfl/nn/trainer.hpp"

namespace sfl_train {

struct TrialResult {
    double accuracy = 0.0;             // percent on the evaluation set
    double train_accuracy = 0.0;       // percent, last epoch, while training
    double final_ce = 0.0;             // last epoch's mean training CE
    int64_t train_samples = 0;
    int64_t not_converged = 0;
    std::vector<double> epoch_seconds; // per epoch
};

struct RunState {
    int32_t trial = 0;                 // current trial (== trials when the run is finished)
    int32_t epoch = 0;                 // epochs finished in the current trial
    std::vector<TrialResult> done;     // finished trials
    TrialResult current;               // the current trial's epochs so far
};

/** Write state (+ the current trial's weights and momentum when net/sgd are given) to path. */
void save_state(const std::string &path, const std::string &fingerprint, const RunState &state,
                const sfl::nn::Sequential *net, sfl::nn::Sgd *sgd);

/** Read the state of a run; throws std::runtime_error if the file is missing, corrupt, or
 *  was written with other settings (the message names the first difference). */
RunState load_state(const std::string &path, const std::string &fingerprint);

/** Restore the current trial's weights and momentum saved by save_state (and rebuild
 *  plans). Throws sfl::ckpt::Error on a missing tensor or shape mismatch. */
void restore_weights(const std::string &path, sfl::nn::Sequential &net, sfl::nn::Sgd &sgd);

/** Save the trained network as a model file (weights + what it is). */
void save_model(const std::string &path, const std::string &fingerprint, const std::string &net_name,
                const sfl::nn::Sequential &net, int32_t classes);

} // namespace sfl_train
