// trial.hpp - one trial of an sfl-train run: its labelled subset and unlabelled set (drawn
// from the trial's seeds), its network, and its epochs (pre-training, then supervised), each
// rolled back and rerun with half the learning rate when it diverges (docs/training.md).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "options.hpp"
#include "report.hpp"
#include "run_data.hpp"
#include "run_state.hpp"
#include "sfl/nn/network.hpp"
#include "sfl/nn/trainer.hpp"

namespace sfl_train {

/** Where a run keeps its state: the checkpoint file and the fingerprint of its settings. */
struct RunFiles {
    std::string ckpt, fingerprint;
};

class Trial {
public:
    /** Trial st.trial, at st.epoch (> 0: its weights and momentum come from the checkpoint). */
    Trial(const Options &o, const RunData &data, const RunFiles &files, RunState &st, TrainProgress &progress);

    /** The network's layers and the trial's data plan on progress lines (the run's first trial). */
    void describe() const;

    /** Train epochs st.epoch .. the last, saving the state after each. Returns false when
     *  --halt-after-epochs stopped it; epochs_this_run counts the epochs this process ran.
     *  Throws std::runtime_error when an epoch diverges the kMaxRollbacks-th time. */
    bool train(int32_t &epochs_this_run);

    /** Accuracy (percent) of the network on the evaluation set. */
    double evaluate();

    const sfl::nn::Sequential &net() const { return *net_; }

private:
    std::unique_ptr<sfl::nn::Trainer> make_trainer(int32_t e) const;
    sfl::nn::EpochStats run_epoch(int32_t e, const std::string &epoch_name, const std::string &prefix, float mu,
                                  const sfl::ckpt::Checkpoint &good);
    void draw_epoch(int32_t e, float mu);

    const Options &o_;
    const RunData &d_;
    const RunFiles &files_;
    RunState &st_;
    TrainProgress &progress_;
    const int32_t t_, P_, E_; // trial; pre-training and supervised epochs
    std::vector<int32_t> idx_, labels_, unl_; // labelled subset, its labels, unlabelled set
    int32_t per_epoch_ = 0, pre_per_epoch_ = 0;
    std::vector<int32_t> epoch_idx_, epoch_labels_; // the current epoch's samples
    std::unique_ptr<sfl::nn::Sequential> net_;
    std::unique_ptr<sfl::nn::Trainer> trainer_;
};

} // namespace sfl_train
