// Small row helpers shared by the convolution and the fully connected layer.
#pragma once

#include <cstdint>

namespace sfl {
namespace nn {

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

// WT (cols x rows) = W^T, W rows x cols row-major; square tiles keep both sides in cache.
inline void transpose(int32_t rows, int32_t cols, const float *W, float *WT) {
    constexpr int32_t T = 16;
    for (int32_t r0 = 0; r0 < rows; r0 += T)
        for (int32_t c0 = 0; c0 < cols; c0 += T) {
            const int32_t r1 = r0 + T < rows ? r0 + T : rows, c1 = c0 + T < cols ? c0 + T : cols;
            for (int32_t r = r0; r < r1; ++r)
                for (int32_t c = c0; c < c1; ++c) WT[static_cast<int64_t>(c) * rows + r] = W[static_cast<int64_t>(r) * cols + c];
        }
}

} // namespace nn
} // namespace sfl
