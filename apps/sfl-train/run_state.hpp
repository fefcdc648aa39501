// run_state.hpp - what sfl-train must remember to continue a killed run: the
// finished trials' results, the current trial's epochs, weights and momentum.
// Stored with sfl::ckpt (atomic write, CRC) after every epoch.
#pragma once

#include <string>
#include <vector>

#include "sfl/checkpoint.hpp"
#include "sfl/nn/network.hpp"
#include "sfl/nn/trainer.hpp"

namespace sfl_train {

/** A divergence of a trial: its epoch was rolled back and rerun with the halved lr. */
struct Rollback {
    int32_t epoch = 0;  // 1-based, of the trial's run of epochs: the --pretrain-epochs first, then
                        // the supervised ones (without pre-training: as in the progress lines)
    std::string reason; // sfl::nn::NonFinite::what(), one line
    float lr = 0.0f;    // the learning rate from then on (half the one that diverged)
};

struct TrialResult {
    double accuracy = 0.0;             // percent on the evaluation set
    double train_accuracy = 0.0;       // percent, last epoch, while training
    double final_ce = 0.0;             // last epoch's mean training CE
    int64_t train_samples = 0;
    int64_t not_converged = 0;
    std::vector<double> epoch_seconds; // per (supervised) epoch
    std::vector<double> pretrain_lu;      // per --pretrain-epochs epoch: its mean lU per sample
    std::vector<double> pretrain_seconds; // per --pretrain-epochs epoch
    std::vector<Rollback> rollbacks;   // in order; the trial's lr is the last one's (or --lr)
};

struct RunState {
    int32_t trial = 0;                 // current trial (== trials when the run is finished)
    int32_t epoch = 0;                 // epochs finished in the current trial (pre-training included)
    std::vector<TrialResult> done;     // finished trials
    TrialResult current;               // the current trial's epochs so far
};

/** The current trial's weights and momentum (tensors param/NAME and velocity/NAME): the
 *  in-memory last good state an epoch rolls back to, and what save_state stores. */
sfl::ckpt::Checkpoint snapshot_weights(const sfl::nn::Sequential &net, sfl::nn::Sgd &sgd);

/** Put a snapshot_weights (or a checkpoint file's) weights and momentum back, then
 *  net.after_update() (projection, plans). The state is then bit for bit the snapshot's for
 *  any state after an optimizer step (projected dictionaries are left alone); an initial
 *  network's dictionaries would be projected (build it afresh instead). Throws
 *  sfl::ckpt::Error on a missing tensor or shape mismatch. */
void restore_weights(const sfl::ckpt::Checkpoint &weights, sfl::nn::Sequential &net, sfl::nn::Sgd &sgd);

/** Write state (+ the current trial's weights and momentum when weights, a snapshot_weights,
 *  is given) to path. */
void save_state(const std::string &path, const std::string &fingerprint, const RunState &state,
                const sfl::ckpt::Checkpoint *weights);

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
