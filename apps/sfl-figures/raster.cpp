// Atom images: scaling, replication, tiling.
#include "raster.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace sfl_figures {

Image::Image(int32_t width, int32_t height, Rgb fill) : w(width), h(height) {
    if (width < 1 || height < 1) throw std::invalid_argument("empty image");
    px.resize(size_t(width) * size_t(height) * 3);
    for (size_t i = 0; i < px.size(); i += 3) px[i] = fill.r, px[i + 1] = fill.g, px[i + 2] = fill.b;
}

void Image::set(int32_t x, int32_t y, Rgb c) {
    uint8_t *p = px.data() + (size_t(y) * size_t(w) + size_t(x)) * 3;
    p[0] = c.r, p[1] = c.g, p[2] = c.b;
}

Rgb Image::at(int32_t x, int32_t y) const {
    const uint8_t *p = px.data() + (size_t(y) * size_t(w) + size_t(x)) * 3;
    return Rgb{p[0], p[1], p[2]};
}

std::vector<uint8_t> scale_to_grey(const std::vector<float> &v, float lo, float hi) {
    std::vector<uint8_t> g(v.size(), 128);
    if (!(hi > lo)) return g;
    const double inv = 255.0 / (double(hi) - double(lo));
    for (size_t i = 0; i < v.size(); ++i)
        g[i] = uint8_t(std::lround(std::clamp((double(v[i]) - double(lo)) * inv, 0.0, 255.0)));
    return g;
}

Image grey_map(const std::vector<uint8_t> &grey, int32_t h, int32_t w, int32_t stride, int32_t offset, int32_t s) {
    Image im(w * s, h * s, Rgb{0, 0, 0});
    for (int32_t y = 0; y < h * s; ++y)
        for (int32_t x = 0; x < w * s; ++x) {
            const uint8_t v = grey[size_t(((y / s) * w + x / s) * stride + offset)];
            im.set(x, y, Rgb{v, v, v});
        }
    return im;
}

Image tile(const std::vector<Image> &tiles, int32_t cols, int32_t gap, Rgb gap_colour) {
    if (tiles.empty() || cols < 1) throw std::invalid_argument("tile: nothing to tile");
    int32_t cw = 0, ch = 0;
    for (const Image &t : tiles) cw = std::max(cw, t.w), ch = std::max(ch, t.h);
    cols = std::min(cols, int32_t(tiles.size()));
    const int32_t rows = (int32_t(tiles.size()) + cols - 1) / cols;
    Image out(cols * cw + (cols - 1) * gap, rows * ch + (rows - 1) * gap, gap_colour);
    for (size_t i = 0; i < tiles.size(); ++i) {
        const int32_t x0 = int32_t(i) % cols * (cw + gap), y0 = int32_t(i) / cols * (ch + gap);
        for (int32_t y = 0; y < tiles[i].h; ++y)
            for (int32_t x = 0; x < tiles[i].w; ++x) out.set(x0 + x, y0 + y, tiles[i].at(x, y));
    }
    return out;
}

std::vector<float> column(const float *P, int32_t m, int32_t K, int32_t j) {
    std::vector<float> c(static_cast<size_t>(m));
    for (int32_t i = 0; i < m; ++i) c[size_t(i)] = P[size_t(i) * size_t(K) + size_t(j)];
    return c;
}

} // namespace sfl_figures
