// dataset.hpp - images as floats in [0, 1] with int labels, and the seeded
// subsets the experiments use (balanced per-class draws, validation split).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sfl/nn/tensor.hpp"

namespace sfl {
namespace nn {

struct Dataset {
    Shape shape;                 // per image, HWC (MNIST: 28 x 28 x 1)
    int32_t n = 0;
    std::vector<float> x;        // n x shape.size(), pixel / 255
    std::vector<int32_t> labels; // n, 0 .. classes-1
    int32_t classes = 0;         // 1 + largest label
    const float *image(int32_t i) const { return x.data() + size_t(i) * size_t(shape.size()); }
};

/** Load a pair of idx files (uint8 images, uint8 labels). Throws sfl::idx::Error for
 *  file problems and std::runtime_error when the counts differ. */
Dataset load_idx_dataset(const std::string &images, const std::string &labels);

/** `per_class` indices of each class drawn without replacement from `pool`
 *  (indices into d), seeded; the result is sorted. Throws std::runtime_error if a
 *  class has fewer than per_class samples in the pool. */
std::vector<int32_t> balanced_subset(const Dataset &d, const std::vector<int32_t> &pool, int32_t per_class,
                                     uint64_t seed);

/** 0 .. n-1. */
std::vector<int32_t> iota_indices(int32_t begin, int32_t end);

} // namespace nn
} // namespace sfl
