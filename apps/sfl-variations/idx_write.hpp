// idx_write.hpp - write uint8 idx files (the MNIST format read by sfl::idx in cpp/):
// magic 0x00000803 + n, rows, cols for images, 0x00000801 + n for labels, all
// big-endian u32, then the bytes. Each file is written to "<path>.part" and renamed
// onto path, so a reader never sees a half-written file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sfl_variations {

/** n images of rows x cols (pixels.size() == n*rows*cols). Throws std::runtime_error. */
void write_idx_images(const std::string &path, int32_t n, int32_t rows, int32_t cols,
                      const std::vector<uint8_t> &pixels);

/** Labels, one byte each. Throws std::runtime_error. */
void write_idx_labels(const std::string &path, const std::vector<uint8_t> &labels);

/** Write text to path the same way (".part", then rename). Throws std::runtime_error. */
void write_text_file(const std::string &path, const std::string &text);

} // namespace sfl_variations
