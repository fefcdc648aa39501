// Small dense helpers on row-major float matrices: transpose and column norms.
#pragma once

#include <cstdint>

namespace sfl {
namespace linalg {

// WT (cols x rows) = W^T, W rows x cols row-major; square tiles keep both sides in cache.
void transpose(int32_t rows, int32_t cols, const float *W, float *WT);

// out[j] = ||column j0 + j||^2 for j < w, in double (P: m x K row-major, read row by row).
void column_sqnorms(int32_t m, int32_t K, const float *P, int32_t j0, int32_t w, double *out);

} // namespace linalg
} // namespace sfl
