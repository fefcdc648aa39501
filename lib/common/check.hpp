// Argument-check helpers shared by the extern "C" entry points.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "sfl/sfl_status.h"

#define SFL_RETURN_IF_ERROR(expr)                   \
    do {                                            \
        const sfl_status sfl_st_ = (expr);          \
        if (sfl_st_ < 0) return sfl_st_;            \
    } while (0)

namespace sfl {

inline bool all_finite(const float *x, size_t n) {
    // NaN or infinite iff all exponent bits are set. An OR of integer tests: the
    // compiler vectorises it (a float sum, the former form, stays a serial chain
    // of adds without -ffast-math: most of the 13 % the CSF backward spent checking).
    uint32_t bad = 0u;
    for (size_t i = 0; i < n; ++i) {
        uint32_t u;
        std::memcpy(&u, x + i, sizeof u);
        bad |= static_cast<uint32_t>((u & 0x7F800000u) == 0x7F800000u);
    }
    return bad == 0u;
}

inline bool finite_nonneg(float v) { return std::isfinite(v) && v >= 0.0f; }

} // namespace sfl
