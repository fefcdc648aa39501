// Argument-check helpers shared by the extern "C" entry points.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "sfl/sfl_status.h"

#define SFL_RETURN_IF_ERROR(expr)                   \
    do {                                            \
        const sfl_status sfl_st_ = (expr);          \
        if (sfl_st_ < 0) return sfl_st_;            \
    } while (0)

namespace sfl {

inline bool all_finite(const float *x, size_t n) {
    // Sum of x*0 is NaN iff some x is NaN or infinite; branch-free and vectorisable.
    float acc = 0.0f;
    for (size_t i = 0; i < n; ++i) acc += x[i] * 0.0f;
    return acc == 0.0f;
}

inline bool finite_nonneg(float v) { return std::isfinite(v) && v >= 0.0f; }

} // namespace sfl
