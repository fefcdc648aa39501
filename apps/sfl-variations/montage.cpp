// PNG montage of the first digits (montage.hpp).
#include "montage.hpp"

#include <algorithm>
#include <stdexcept>

#include <stb/stb_image_write.h>

namespace sfl_variations {

void write_montage_png(const std::string &path, const std::vector<uint8_t> &pixels, int32_t n, int32_t rows,
                       int32_t cols, int32_t grid, int32_t scale) {
    constexpr int32_t gap = 2;
    const int32_t count = std::min(n, grid * grid);
    const int32_t cell_w = cols * scale, cell_h = rows * scale;
    const int32_t w = grid * cell_w + (grid + 1) * gap, h = grid * cell_h + (grid + 1) * gap;
    std::vector<uint8_t> img(size_t(w) * size_t(h), 128);
    for (int32_t k = 0; k < count; ++k) {
        const int32_t ox = gap + (k % grid) * (cell_w + gap), oy = gap + (k / grid) * (cell_h + gap);
        const uint8_t *src = pixels.data() + size_t(k) * size_t(rows) * size_t(cols);
        for (int32_t y = 0; y < cell_h; ++y)
            for (int32_t x = 0; x < cell_w; ++x)
                img[size_t(oy + y) * size_t(w) + size_t(ox + x)] = src[(y / scale) * cols + x / scale];
    }
    if (!stbi_write_png(path.c_str(), w, h, 1, img.data(), w))
        throw std::runtime_error(path + ": cannot write the PNG montage");
}

} // namespace sfl_variations
