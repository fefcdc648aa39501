// atoms.hpp - pictures of learned dictionaries: CSF atoms (kh x kw patches) and SF
// atoms (one h x w map per input channel), each atom scaled to its own min/max.
#pragma once

#include <cstdint>
#include <vector>

#include "raster.hpp"
#include "sfl/sfl.h"

namespace sfl_figures {

/** One atom of h x w x c values (HWC): c == 1 a grey h x w map, otherwise the c
 *  channel maps in rows of `channel_cols` with 1-px gaps; every pixel an s x s block;
 *  grey = (v - min) / (max - min) over the whole atom (so channels compare within it). */
Image atom_image(const std::vector<float> &v, int32_t h, int32_t w, int32_t c, int32_t s, int32_t channel_cols);

/** Gaps: between the channel maps of an atom, and between atoms. */
extern const Rgb kChannelGap;
extern const Rgb kAtomGap;

/** Columns `which` of the m x K weight of a csf, sf or conv2d layer, as atom images
 *  tiled in rows of `cols` with `gap` pixels of `gap_colour`. A csf/conv2d atom has
 *  the kernel's shape, an sf atom the layer's input shape. */
Image layer_atoms(const sfl_model_layer &L, const std::vector<int32_t> &which, int32_t s, int32_t cols,
                  int32_t gap, Rgb gap_colour);

} // namespace sfl_figures
