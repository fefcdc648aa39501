// unlabeled.hpp - semi-supervision in sfl-train: which training images take part
// as unlabelled samples (label -1, docs/design.md section 2: they add only lU), and
// which of them each epoch uses. Everything is a pure function of its seeds, so a
// resumed run draws the same samples as an uninterrupted one.
#pragma once

#include <cstdint>
#include <vector>

namespace sfl_train {

/** The trial's unlabelled images: `count` indices (count < 0: all of them) drawn
 *  without replacement from `pool` minus `labelled`, seeded, sorted. `pool` is the
 *  training images minus the validation hold-out. Throws std::runtime_error when
 *  fewer than `count` images are left. */
std::vector<int32_t> unlabeled_set(const std::vector<int32_t> &pool, const std::vector<int32_t> &labelled,
                                   int32_t count, uint64_t seed);

/** The samples of one epoch: the labelled ones (idx, labels) followed by `per_epoch`
 *  images of `unlabeled` drawn without replacement with `seed`, label -1. With
 *  mu == 0 or per_epoch == 0 the epoch is the labelled set alone, exactly as without
 *  unlabelled data (they would contribute no gradient, only SGD steps). */
void epoch_samples(const std::vector<int32_t> &idx, const std::vector<int32_t> &labels,
                   const std::vector<int32_t> &unlabeled, int32_t per_epoch, float mu, uint64_t seed,
                   std::vector<int32_t> &out_idx, std::vector<int32_t> &out_labels);

} // namespace sfl_train
