#include "kernels/layers/dict.hpp"

#include <cmath>

#include "kernels/linalg/dense.hpp"

namespace sfl {
namespace layers {

namespace {

constexpr int32_t kChunk = 64;

double column_sqnorm(int32_t m, int32_t K, const float *P, int32_t j) {
    double s = 0.0;
    linalg::column_sqnorms(m, K, P, j, 1, &s);
    return s;
}

} // namespace

void project_columns(int32_t m, int32_t K, float *P) {
    double n2[kChunk];
    for (int32_t j0 = 0; j0 < K; j0 += kChunk) {
        const int32_t w = K - j0 < kChunk ? K - j0 : kChunk;
        linalg::column_sqnorms(m, K, P, j0, w, n2);
        for (int32_t j = 0; j < w; ++j) {
            if (!(n2[j] > 1.0)) continue; // shorter columns stay bit for bit
            // Scale in double, round to float; rounding can leave the norm a few
            // ulps above 1, so shrink by one float ulp until it is not.
            double scale = 1.0 / std::sqrt(n2[j]);
            for (int32_t pass = 0; pass < 8; ++pass) {
                for (int32_t r = 0; r < m; ++r) {
                    float &v = P[static_cast<int64_t>(r) * K + j0 + j];
                    v = static_cast<float>(static_cast<double>(v) * scale);
                }
                if (column_sqnorm(m, K, P, j0 + j) <= 1.0) break;
                scale = 1.0 - 1.0 / 8388608.0; // 1 - 2^-23
            }
        }
    }
}

} // namespace layers
} // namespace sfl
