// montage.hpp - a PNG of the first digits of a set, for looking at (docs/variations/).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sfl_variations {

/** Grid of the first grid*grid images (fewer if there are fewer), each scaled up by
 *  `scale` (pixel replication), 2-pixel grey (128) separators, written as an 8-bit
 *  grey PNG with stb_image_write. Throws std::runtime_error if the file cannot be written. */
void write_montage_png(const std::string &path, const std::vector<uint8_t> &pixels, int32_t n, int32_t rows,
                       int32_t cols, int32_t grid = 4, int32_t scale = 2);

} // namespace sfl_variations
