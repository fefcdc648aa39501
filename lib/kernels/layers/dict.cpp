#include "kernels/layers/dict.hpp"

#include <cmath>

#include "kernels/linalg/dense.hpp"

namespace sfl {
namespace layers {

namespace {

constexpr int32_t kChunk = 64;

} // namespace

// Columns are handled kChunk at a time and every pass runs over P row by row (the
// chunk's columns are contiguous in a row): a column-by-column pass strides K floats
// per element, which after a training step (P out of cache, most columns just above
// norm 1) made the projection a third of the SF net's serial time per step. Each
// element still gets the same scalings in the same order, so P is the same floats.
void project_columns(int32_t m, int32_t K, float *P) {
    double n2[kChunk], scale[kChunk];
    bool todo[kChunk];
    for (int32_t j0 = 0; j0 < K; j0 += kChunk) {
        const int32_t w = K - j0 < kChunk ? K - j0 : kChunk;
        linalg::column_sqnorms(m, K, P, j0, w, n2);
        bool any = false;
        for (int32_t j = 0; j < w; ++j) {
            todo[j] = n2[j] > 1.0; // shorter columns stay bit for bit
            // Scale in double, round to float; rounding can leave the norm a few
            // ulps above 1, so shrink by one float ulp until it is not (8 passes at most).
            scale[j] = todo[j] ? 1.0 / std::sqrt(n2[j]) : 1.0;
            any = any || todo[j];
        }
        for (int32_t pass = 0; pass < 8 && any; ++pass) {
            for (int32_t r = 0; r < m; ++r) {
                float *row = P + static_cast<int64_t>(r) * K + j0;
                for (int32_t j = 0; j < w; ++j)
                    if (todo[j]) row[j] = static_cast<float>(static_cast<double>(row[j]) * scale[j]);
            }
            linalg::column_sqnorms(m, K, P, j0, w, n2);
            any = false;
            for (int32_t j = 0; j < w; ++j) {
                if (!todo[j]) continue;
                todo[j] = !(n2[j] <= 1.0);
                scale[j] = 1.0 - 1.0 / 8388608.0; // 1 - 2^-23
                any = any || todo[j];
            }
        }
    }
}

} // namespace layers
} // namespace sfl
