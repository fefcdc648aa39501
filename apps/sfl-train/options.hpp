// options.hpp - command line of sfl-train.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli_parse.hpp"
#include "sfl/nn/models.hpp"
#include "sfl/nn/trainer.hpp"

namespace sfl_train {

using sfl_cli::UsageError;

struct Options {
    sfl::nn::NetConfig net;
    int32_t per_class = 0; // 0 = the full training set
    int32_t trials = 1;
    uint64_t seed = 1;
    int32_t threads = 1;
    int32_t epochs = 0;     // resolved: > 0
    int32_t validation = 0; // > 0: hold out the last N training images, report accuracy on them
    int32_t unlabeled = 0;  // --unlabeled: 0 off, -1 every image outside the labelled subset ("rest")
    int32_t unlabeled_per_epoch = 0; // unlabelled samples per epoch; 0 = as many as labelled
    int32_t pretrain_epochs = 0;     // --pretrain-epochs: unsupervised epochs (mu = 1) before the `epochs`
    int32_t pretrain_per_epoch = 0;  // unlabelled images per pretraining epoch; 0 = the whole pool
    sfl::nn::TrainConfig train;
    std::string data_dir;   // default idx location
    std::string train_images, train_labels, test_images, test_labels;
    std::string out_dir;    // checkpoint, default model and JSON
    std::string model;      // --model FILE: the model blob (default OUT/model.sflm)
    std::string json;       // --json FILE: the JSON result ("-": stdout; default OUT/result.json)
    bool resume = false;
    bool quiet = false;
    int32_t halt_after = 0; // testing: exit 3 after this many epochs were checkpointed (simulated kill)
};

/** The weights of the model blob `model` in the checkpoint container: its name with
 *  .sflm replaced by (or, for another ending, followed by) .sflc. */
std::string weights_path(const std::string &model);

/** The tuned defaults of a network (see docs/results.md), for the full set or per_class > 0. */
void apply_defaults(Options &o);

/** Parse argv; throws UsageError with a one-line message, sfl_cli::HelpRequest for -h / --help. */
Options parse_options(int argc, const char *const *argv);

const char *usage();

/** The settings that must match for --resume, as one line. */
std::string fingerprint(const Options &o);

} // namespace sfl_train
