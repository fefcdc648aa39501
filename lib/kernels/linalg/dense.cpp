#include "kernels/linalg/dense.hpp"

namespace sfl {
namespace linalg {

void transpose(int32_t rows, int32_t cols, const float *W, float *WT) {
    constexpr int32_t T = 16;
    for (int32_t r0 = 0; r0 < rows; r0 += T)
        for (int32_t c0 = 0; c0 < cols; c0 += T) {
            const int32_t r1 = r0 + T < rows ? r0 + T : rows, c1 = c0 + T < cols ? c0 + T : cols;
            for (int32_t r = r0; r < r1; ++r)
                for (int32_t c = c0; c < c1; ++c)
                    WT[static_cast<int64_t>(c) * rows + r] = W[static_cast<int64_t>(r) * cols + c];
        }
}

void column_sqnorms(int32_t m, int32_t K, const float *P, int32_t j0, int32_t w, double *out) {
    for (int32_t j = 0; j < w; ++j) out[j] = 0.0;
    for (int32_t r = 0; r < m; ++r) {
        const float *row = P + static_cast<int64_t>(r) * K + j0;
        for (int32_t j = 0; j < w; ++j) out[j] += static_cast<double>(row[j]) * row[j];
    }
}

} // namespace linalg
} // namespace sfl
