// generate.hpp - one MNIST variation (docs/design.md section 4, after Larochelle et al. 2007):
// train + test digits drawn without replacement from the pooled MNIST images, each
// turned (rot) or put on a background (rand, img). Everything happens in memory; the
// files are written by write_variation (variation_files.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "patch_bank.hpp"

namespace sfl_variations {

enum class Kind { rot, rand, img };

/** "rot", "rand", "img". */
const char *kind_name(Kind k);

/** The pooled MNIST images: the training file's images as 0..n_train-1, then the
 *  test file's as n_train..n-1. */
struct Pool {
    int32_t n = 0, n_train = 0, rows = 0, cols = 0;
    std::vector<uint8_t> pixels; // n * rows * cols
    std::vector<uint8_t> labels; // n
};

/** Load the four idx files of dir (train-images-idx3-ubyte, ..., t10k-labels-idx1-ubyte)
 *  with sfl::idx and pool them. Throws (sfl::idx::Error, std::runtime_error) on a bad file
 *  or when images and labels, or training and test images, do not agree. */
Pool load_pool(const std::string &mnist_dir);

struct Config {
    Kind kind = Kind::rot;
    uint32_t seed = 1;
    int32_t train = 12000, test = 50000;
};

/** A generated variation: train digits first, then test digits. */
struct Variation {
    Kind kind = Kind::rot;
    uint32_t seed = 1;
    int32_t train = 0, test = 0, rows = 0, cols = 0;
    std::vector<int32_t> source;  // pooled index of each digit, train then test
    std::vector<uint8_t> pixels;  // (train + test) * rows * cols
    std::vector<uint8_t> labels;  // train + test
    std::vector<uint32_t> angles; // rot: the angle word of each digit (rotate.hpp)
    std::vector<PatchPick> patches; // img: the background patch of each digit
};

/** Draw and transform. The digits are pool entries select[0..train+test) of a stream
 *  (seed, Purpose::select), so every kind picks the same digits for a seed; the
 *  transform draws come from the stream (seed, Purpose::<kind>), digit after digit in
 *  output order: rot one word (the angle), rand rows*cols words (unit24 noise), img two
 *  bounded draws (PatchBank::draw). bank is required for img and ignored otherwise.
 *  Throws std::runtime_error if train + test exceeds the pool or a count is < 1. */
Variation make_variation(const Pool &pool, const Config &cfg, const PatchBank *bank);

} // namespace sfl_variations
