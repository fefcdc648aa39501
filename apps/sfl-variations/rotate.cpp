// Rotation of a digit by bilinear interpolation (rotate.hpp). Compiled with
// -ffp-contract=off (CMakeLists.txt) so that no fused multiply-add changes a
// rounding between machines.
#include "rotate.hpp"

#include <cmath>

namespace sfl_variations {
namespace {

constexpr double kHalfPi = 1.57079632679489661923;

// cos t and sin t for t in [0, pi/2], Horner form in t^2 (Taylor series).
CosSin quarter_cos_sin(double t) {
    const double t2 = t * t;
    double c = 1.0, s = 1.0;
    // c = 1 - t2/(1*2) (1 - t2/(3*4) (1 - ... )), s = t (1 - t2/(2*3) (1 - ...)), innermost first.
    for (int k = 13; k >= 1; --k) {
        c = 1.0 - t2 / double((2 * k - 1) * (2 * k)) * c;
        s = 1.0 - t2 / double((2 * k) * (2 * k + 1)) * s;
    }
    return {c, t * s};
}

} // namespace

CosSin angle_cos_sin(uint32_t w) {
    const uint32_t quadrant = w >> 30;
    const double t = kHalfPi * (double(w & 0x3FFFFFFFu) * (1.0 / 1073741824.0));
    const CosSin q = quarter_cos_sin(t);
    switch (quadrant) { // cos(t + k pi/2), sin(t + k pi/2)
    case 0: return {q.c, q.s};
    case 1: return {-q.s, q.c};
    case 2: return {-q.c, -q.s};
    default: return {q.s, -q.c};
    }
}

double angle_radians(uint32_t w) { return 4.0 * kHalfPi * (double(w) * (1.0 / 4294967296.0)); }

void rotate_bilinear(const uint8_t *in, int32_t rows, int32_t cols, CosSin cs, uint8_t *out) {
    const double cx = 0.5 * double(cols - 1), cy = 0.5 * double(rows - 1);
    auto at = [&](int32_t r, int32_t c) -> double {
        return (r < 0 || r >= rows || c < 0 || c >= cols) ? 0.0 : double(in[r * cols + c]);
    };
    for (int32_t r = 0; r < rows; ++r) {
        for (int32_t c = 0; c < cols; ++c) {
            // Coordinates about the centre with y pointing up; the source point is
            // the output point turned by minus the angle.
            const double x = double(c) - cx, y = cy - double(r);
            const double xs = cs.c * x + cs.s * y;
            const double ys = cs.c * y - cs.s * x;
            const double sc = xs + cx, sr = cy - ys; // back to column, row
            const double c0 = std::floor(sc), r0 = std::floor(sr);
            const double fx = sc - c0, fy = sr - r0;
            const int32_t ic = int32_t(c0), ir = int32_t(r0);
            const double top = (1.0 - fx) * at(ir, ic) + fx * at(ir, ic + 1);
            const double bottom = (1.0 - fx) * at(ir + 1, ic) + fx * at(ir + 1, ic + 1);
            const double v = (1.0 - fy) * top + fy * bottom;
            const double rounded = std::floor(v + 0.5);
            out[r * cols + c] = uint8_t(rounded < 0.0 ? 0.0 : rounded > 255.0 ? 255.0 : rounded);
        }
    }
}

} // namespace sfl_variations
