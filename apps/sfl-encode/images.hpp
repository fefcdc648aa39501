// images.hpp - the images sfl-encode --model runs: a .npy array or an idx image
// file, checked against the model's input shape and turned into float32 HWC samples.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sfl/sfl.h"

namespace sfl_encode {

struct ImageBatch {
    std::vector<float> x;      // n samples of h*w*c floats, HWC, sample after sample
    size_t n = 0;
    std::string format;        // "npy" or "idx"
    std::vector<size_t> shape; // the shape as stored: the .npy shape, or (n, rows, cols) of idx
};

/** Load `path` (flag --input) for a model taking `in` (h x w x c) samples.
 *  Format by the first bytes: the .npy magic (\x93NUMPY) is read as .npy (float32 or
 *  float64; shape (N, h*w*c), (N, h, w, c), or (N, h, w) when c = 1); two zero bytes,
 *  the start of the idx magic 00 00 08 03, as an idx image file (uint8, c = 1), scaled
 *  by 1/255 as sfl-train does (sfl::nn::load_idx_dataset); anything else goes to the
 *  .npy reader, which says what is wrong. Throws InputError naming the file and the
 *  problem: a shape that does not fit (naming both shapes), no samples, more than
 *  INT32_MAX samples, a NaN or infinite value (naming sample and element). */
ImageBatch load_images(const std::string &path, const sfl_dims4 &in);

} // namespace sfl_encode
