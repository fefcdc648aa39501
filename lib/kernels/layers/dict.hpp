// Dictionary checks and the column-norm projection. Column sums are taken over
// chunks of kChunk columns so P is read row by row, with no workspace.
#pragma once

#include <cstdint>

#include "sfl/sfl_enet.h"

namespace sfl {
namespace layers {

// P (m x K, the plan's shape) is finite, has no zero column, and its squared
// column norms match diag(G) - l2 of the plan within 1e-3 relative.
// Returns SFL_OK, SFL_ERR_NOT_FINITE, SFL_ERR_ZERO_ATOM or SFL_ERR_BAD_PLAN.
sfl_status check_dictionary(const sfl_enet_plan *plan, const float *P);

// Scales every column with norm > 1 to norm <= 1; P must be finite.
void project_columns(int32_t m, int32_t K, float *P);

} // namespace layers
} // namespace sfl
