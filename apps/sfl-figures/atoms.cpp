// Dictionary atoms as images.
#include "atoms.hpp"

#include <algorithm>
#include <stdexcept>

namespace sfl_figures {
const Rgb kChannelGap{70, 110, 170}; // blue: visible next to black and white weights
const Rgb kAtomGap{255, 255, 255};

Image atom_image(const std::vector<float> &v, int32_t h, int32_t w, int32_t c, int32_t s, int32_t channel_cols) {
    if (v.size() != size_t(h) * size_t(w) * size_t(c)) throw std::invalid_argument("atom_image: size mismatch");
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    const std::vector<uint8_t> grey = scale_to_grey(v, *lo, *hi);
    if (c == 1) return grey_map(grey, h, w, 1, 0, s);
    std::vector<Image> maps;
    for (int32_t ch = 0; ch < c; ++ch) maps.push_back(grey_map(grey, h, w, c, ch, s));
    return tile(maps, channel_cols, 1, kChannelGap);
}

Image layer_atoms(const sfl_model_layer &L, const std::vector<int32_t> &which, int32_t s, int32_t cols,
                  int32_t gap, Rgb gap_colour) {
    int32_t h, w, c, K;
    if (L.kind == SFL_MODEL_SF) {
        h = L.in.h, w = L.in.w, c = L.in.c, K = L.out.c;
    } else if (L.kind == SFL_MODEL_CSF || L.kind == SFL_MODEL_CONV2D) {
        h = L.geom.kernel.h, w = L.geom.kernel.w, c = L.in.c, K = L.out.c;
    } else {
        throw std::invalid_argument("layer_atoms: not a csf, sf or conv2d layer");
    }
    const int32_t m = h * w * c;
    std::vector<Image> tiles;
    for (int32_t j : which) tiles.push_back(atom_image(column(L.weight, m, K, j), h, w, c, s, 10));
    return tile(tiles, cols, gap, gap_colour);
}

} // namespace sfl_figures
