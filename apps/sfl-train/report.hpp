// report.hpp - sfl-train's output: progress on stderr, the final table, the JSON file.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "options.hpp"
#include "progress.hpp"
#include "run_state.hpp"

namespace sfl_train {

/** sfl-train's progress on stderr (sfl_cli::Progress, progress.hpp), in epochs of the whole
 *  run (trials x (pre-training + supervised epochs)). On a terminal: one line per trial,
 *  redrawn during each epoch (epoch i/N and its share done, loss, accuracy, images/s, elapsed
 *  and estimated time left), ended by the trial's accuracy line. Elsewhere: the epoch's line
 *  each time the run passes another tenth, so about ten lines a run. --quiet: none of it. */
class TrainProgress {
public:
    /** total_epochs of the run, done_before of them by an earlier process (--resume). */
    TrainProgress(bool quiet, int64_t total_epochs, int64_t done_before);
    /** During an epoch (terminal only): `done` of `total` samples, the epoch's stats so far.
     *  pretrain: an epoch of --pretrain-epochs (unlabelled images only): lU alone, no CE or accuracy. */
    void step(const std::string &prefix, int64_t done, int64_t total, const sfl::nn::EpochStats &run,
              bool pretrain = false);
    /** An epoch ended; epochs_done counts it (of the run); last_of_trial: drawn on a terminal
     *  even within 0.1 s of the previous drawing. */
    void epoch_done(const std::string &prefix, const sfl::nn::EpochStats &st, int64_t epochs_done,
                    bool last_of_trial, bool pretrain = false);
    /** A line of its own (a layer, a trial's accuracy); not with --quiet. */
    void line(const std::string &text);
    /** A trial starts: the terminal's counts of layer-call problems start again. */
    void new_trial();
    /** "sfl-train: text" on a line of its own, also with --quiet (not progress: e.g. a rollback). */
    void warning(const std::string &text);

private:
    sfl_cli::Progress p_;
    int64_t epochs_done_;
    // Layer calls that hit max_iter / had failed rows since the last line (or in the trial, on a terminal).
    int64_t not_converged_ = 0, rows_failed_ = 0;
    std::string notes() const;
};

struct Summary {
    double mean = 0.0, std = 0.0; // sample std over trials (0 for one trial)
};
Summary summarize(const std::vector<TrialResult> &r);

/** Mean seconds per epoch over every epoch of every trial. */
double mean_epoch_seconds(const std::vector<TrialResult> &r);

/** The final table on stdout. */
void print_table(const Options &o, const std::vector<TrialResult> &r, int64_t params, int64_t biases);

/** The JSON result document; pool_size = training images outside the validation
 *  hold-out (for the unlabelled count of --unlabeled rest). */
std::string result_json(const Options &o, const std::vector<TrialResult> &r, int64_t params, int64_t biases,
                        int64_t eval_samples, int64_t pool_size);

} // namespace sfl_train
