// Small row helpers shared by the convolution and the fully connected layer
// (the transpose is linalg::transpose).
#pragma once

#include <cstdint>

#include "sfl/sfl_nn.h"

namespace sfl {
namespace nn {

// A channel or feature count the nn layers accept: 1 .. SFL_NN_MAX_DIM.
inline bool dim_ok(int32_t v) { return v >= 1 && v <= SFL_NN_MAX_DIM; }

// Every row of Y (rows x cols) = b.
inline void fill_rows(int64_t rows, int32_t cols, const float *b, float *Y) {
    for (int64_t r = 0; r < rows; ++r)
        for (int32_t j = 0; j < cols; ++j) Y[r * cols + j] = b[j];
}

// s[j] += sum over rows of Y[r][j]. Summed per column in float into s, row by
// row (the callers add one tile or range at a time).
inline void add_column_sums(int64_t rows, int32_t cols, const float *Y, float *s) {
    for (int64_t r = 0; r < rows; ++r)
        for (int32_t j = 0; j < cols; ++j) s[j] += Y[r * cols + j];
}

} // namespace nn
} // namespace sfl
