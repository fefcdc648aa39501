// report.hpp - sfl-train's output: progress on stderr, the final table, the JSON file.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "options.hpp"
#include "run_state.hpp"

namespace sfl_train {

/** True while a progress bar is drawn on stderr without its line ended (an error
 *  message must then start on a new line). */
bool progress_line_open();

/** Progress bar (a TTY: redrawn in place, at most 10 times a second) and one line per epoch. */
class Progress {
public:
    explicit Progress(bool quiet);
    /** pretrain: an epoch of --pretrain-epochs (unlabelled images only): lU alone, no CE or accuracy. */
    void step(const std::string &prefix, int64_t done, int64_t total, const sfl::nn::EpochStats &run,
              bool pretrain = false);
    void epoch_done(const std::string &prefix, const sfl::nn::EpochStats &st, bool pretrain = false);
    void line(const std::string &text);
    /** "sfl-train: text" on a line of its own, also with --quiet (not progress: e.g. a rollback). */
    void warning(const std::string &text);

private:
    bool quiet_, tty_;
    double last_ = -1.0;
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
