// run_data.hpp - the images of an sfl-train run: the training set, the evaluation set (the
// test set, or the --validation hold-out at the end of the training set) and the pool the
// labelled subsets and unlabelled images are drawn from.
#pragma once

#include <cstdint>
#include <vector>

#include "options.hpp"
#include "sfl/nn/dataset.hpp"

namespace sfl_train {

struct RunData {
    sfl::nn::Dataset train;
    sfl::nn::Dataset test_set;      // empty with --validation
    std::vector<int32_t> pool;      // training images outside the hold-out
    std::vector<int32_t> eval_idx;  // the evaluation images (of eval())
    int32_t classes = 0;            // of the training and evaluation labels
    bool validation = false;

    const sfl::nn::Dataset &eval() const { return validation ? train : test_set; }
};

/** Read the idx files of o. Throws std::runtime_error (exit 1) for a hold-out that leaves no
 *  training image, or test images of another shape than the training ones. */
RunData load_run_data(const Options &o);

} // namespace sfl_train
