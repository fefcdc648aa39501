// im2col and col2im over a range of patch positions of ONE image (HWC), so
// the CSF layer can work in tiles of patches. Patch p is at (p / ow, p % ow);
// rows of `cols` are patches p0 .. p1-1, each g.m floats ordered (dy, dx, ch).
#pragma once

#include <cstdint>

#include "kernels/patch/geometry.hpp"

namespace sfl {
namespace patch {

// cols[(p - p0) * m ...] = patch p of image x (zero outside the image).
void im2col_rows(const Geometry &g, const float *x, int64_t p0, int64_t p1, float *cols);

// x += the rows of cols added back onto their pixels (padding dropped).
void col2im_rows(const Geometry &g, const float *cols, int64_t p0, int64_t p1, float *x);

} // namespace patch
} // namespace sfl
