// Checks of caller memory and sample ranges shared by the extern "C" entry points.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/arena.hpp"
#include "sfl/sfl_layers.h"
#include "sfl/sfl_status.h"
#include "sfl/sfl_types.h"

namespace sfl {

/** Caller memory of `size` bytes at buf that must hold `need` bytes, SFL_WORKSPACE_ALIGN-aligned. */
inline sfl_status check_memory(const void *buf, size_t size, size_t need) {
    if (need > 0 && !buf) return SFL_ERR_NULL_ARG;
    if (size < need) return SFL_ERR_WORKSPACE_TOO_SMALL;
    if (need > 0 && !is_aligned(buf)) return SFL_ERR_MISALIGNED;
    return SFL_OK;
}

inline sfl_status check_workspace(const sfl_workspace *ws, size_t need) {
    if (!ws) return SFL_ERR_NULL_ARG;
    return check_memory(ws->buf, ws->size, need);
}

/** A sample range of a batch of n: n >= 1, 0 <= begin <= end <= n. */
inline sfl_status check_range(int32_t n, sfl_range r) {
    if (n < 1 || r.begin < 0 || r.begin > r.end || r.end > n) return SFL_ERR_BAD_DIMS;
    return SFL_OK;
}

} // namespace sfl
