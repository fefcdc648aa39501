// The dictionary's column-norm projection (its check against a plan: enet/plan.hpp). Column sums are taken over
// chunks of kChunk columns so P is read row by row, with no workspace.
#pragma once

#include <cstdint>

#include "sfl/sfl_enet.h"

namespace sfl {
namespace layers {

// Scales every column with norm > 1 to norm <= 1; P must be finite.
void project_columns(int32_t m, int32_t K, float *P);

} // namespace layers
} // namespace sfl
