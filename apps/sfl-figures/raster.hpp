// raster.hpp - the small RGB images sfl-figures draws: dictionary atoms scaled to
// their own range, upscaled by pixel replication, and tiled with gaps.
#pragma once

#include <cstdint>
#include <vector>

namespace sfl_figures {

struct Rgb {
    uint8_t r, g, b;
};

/** An RGB image, row-major, 3 bytes per pixel. */
struct Image {
    int32_t w = 0, h = 0;
    std::vector<uint8_t> px;
    Image() = default;
    Image(int32_t width, int32_t height, Rgb fill);
    void set(int32_t x, int32_t y, Rgb c);
    Rgb at(int32_t x, int32_t y) const;
};

/** Grey levels of values: (v - lo) / (hi - lo) * 255, rounded; every value 128 when hi == lo. */
std::vector<uint8_t> scale_to_grey(const std::vector<float> &v, float lo, float hi);

/** An h x w grey map from grey[(y * w + x) * stride + offset], each pixel an s x s block. */
Image grey_map(const std::vector<uint8_t> &grey, int32_t h, int32_t w, int32_t stride, int32_t offset, int32_t s);

/** Tiles in rows of `cols`, `gap` pixels of `gap_colour` between tiles and around
 *  none; every cell is as large as the largest tile (smaller tiles at its top left). */
Image tile(const std::vector<Image> &tiles, int32_t cols, int32_t gap, Rgb gap_colour);

/** Column j of a row-major m x K matrix. */
std::vector<float> column(const float *P, int32_t m, int32_t K, int32_t j);

} // namespace sfl_figures
