// The data sets of an sfl-train run.
#include "run_data.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace sfl_train {

RunData load_run_data(const Options &o) {
    RunData d;
    d.train = sfl::nn::load_idx_dataset(o.train_images, o.train_labels);
    d.validation = o.validation > 0;
    if (d.validation) {
        if (o.validation >= d.train.n)
            throw std::runtime_error("--validation " + std::to_string(o.validation) + " leaves no training images (" +
                                     std::to_string(d.train.n) + " in all)");
        d.pool = sfl::nn::iota_indices(0, d.train.n - o.validation);
        d.eval_idx = sfl::nn::iota_indices(d.train.n - o.validation, d.train.n);
    } else {
        d.test_set = sfl::nn::load_idx_dataset(o.test_images, o.test_labels);
        if (!(d.test_set.shape == d.train.shape))
            throw std::runtime_error(o.test_images + ": images are " + d.test_set.shape.str() + ", but those of " +
                                     o.train_images + " are " + d.train.shape.str());
        d.pool = sfl::nn::iota_indices(0, d.train.n);
        d.eval_idx = sfl::nn::iota_indices(0, d.test_set.n);
    }
    d.classes = std::max(d.train.classes, d.eval().classes);
    return d;
}

} // namespace sfl_train
