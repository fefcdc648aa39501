// rotate.hpp - MNIST-rot: a digit turned by an angle about the image centre,
// bilinear interpolation (docs/design.md section 4; docs/variations.md, "MNIST-rot").
#pragma once

#include <cstdint>

namespace sfl_variations {

/** cos and sin of the angle 2*pi*w/2^32 (w: a raw 32-bit word, so the angle is
 *  uniform on [0, 2pi) in 2^32 steps). The quadrant (w >> 30) is applied exactly
 *  by swapping and negating; inside the quadrant, t = (pi/2) * (w mod 2^30) / 2^30
 *  and cos t, sin t are Taylor polynomials (terms up to t^26, t^27; error below
 *  1e-16 on [0, pi/2]) evaluated in double by a fixed sequence of IEEE operations,
 *  so that no libm enters the files. Quarter turns (w = k*2^30) give exact 0 and +-1. */
struct CosSin {
    double c, s;
};
CosSin angle_cos_sin(uint32_t w);

/** The angle of word w in radians, 2*pi*w/2^32 (for reports). */
double angle_radians(uint32_t w);

/** out = in turned counter-clockwise (as displayed, row 0 at the top) by the angle
 *  whose cosine and sine are cs, about the centre ((cols-1)/2, (rows-1)/2).
 *  Each output pixel (r, c) takes the bilinear interpolation of in at the point
 *  that the opposite turn brings (r, c) to; points outside the image count as 0.
 *  Values are rounded half up (floor(v + 0.5)) to uint8. in and out must not overlap. */
void rotate_bilinear(const uint8_t *in, int32_t rows, int32_t cols, CosSin cs, uint8_t *out);

} // namespace sfl_variations
