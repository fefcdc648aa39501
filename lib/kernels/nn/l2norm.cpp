#include "kernels/nn/l2norm.hpp"

#include <cmath>

namespace sfl {
namespace nn {

namespace {

// sum_j x[j]^2 and sum_j x[j] y[j] (y may be null: dot 0), in double, four
// partial sums (independent chains; the compiler may not reorder a single one).
struct RowSums {
    double sq;
    double dot;
};

RowSums row_sums(int32_t m, const float *x, const float *y) {
    double q[4] = {0.0, 0.0, 0.0, 0.0}, d[4] = {0.0, 0.0, 0.0, 0.0};
    int32_t j = 0;
    for (; j + 4 <= m; j += 4)
        for (int t = 0; t < 4; ++t) {
            const double v = x[j + t];
            q[t] += v * v;
            if (y) d[t] += v * static_cast<double>(y[j + t]);
        }
    for (; j < m; ++j) {
        const double v = x[j];
        q[0] += v * v;
        if (y) d[0] += v * static_cast<double>(y[j]);
    }
    return {(q[0] + q[1]) + (q[2] + q[3]), (d[0] + d[1]) + (d[2] + d[3])};
}

} // namespace

void l2norm_forward(int32_t m, int32_t r0, int32_t r1, float scale, float eps, const float *X, float *Y) {
    for (int32_t i = r0; i < r1; ++i) {
        const int64_t row = static_cast<int64_t>(i) * m;
        const float *x = X + row;
        float *y = Y + row;
        const double norm = std::sqrt(row_sums(m, x, nullptr).sq);
        // A NaN norm is not < eps and propagates; an infinite one gives f = 0, NaN at the Inf entries.
        const double r = norm < static_cast<double>(eps) ? static_cast<double>(eps) : norm;
        const double f = static_cast<double>(scale) / r; // at most FLT_MAX / FLT_TRUE_MIN, finite in double
        for (int32_t j = 0; j < m; ++j) y[j] = static_cast<float>(f * static_cast<double>(x[j]));
    }
}

void l2norm_backward(int32_t m, int32_t r0, int32_t r1, float scale, float eps, const float *X, const float *dY,
                     float *dX) {
    for (int32_t i = r0; i < r1; ++i) {
        const int64_t row = static_cast<int64_t>(i) * m;
        const float *x = X + row;
        const float *dy = dY + row;
        float *dx = dX + row;
        const RowSums s = row_sums(m, x, dy);
        const double norm = std::sqrt(s.sq);
        if (norm < static_cast<double>(eps)) { // clamped (zero rows too): y = (scale / eps) x
            const double f = static_cast<double>(scale) / static_cast<double>(eps);
            for (int32_t j = 0; j < m; ++j) dx[j] = static_cast<float>(f * static_cast<double>(dy[j]));
            continue;
        }
        // dx = (scale / ||x||) (dy - x (x . dy) / ||x||^2); NaN/Inf rows land here and propagate.
        const double f = static_cast<double>(scale) / norm;
        const double t = s.dot / s.sq;
        for (int32_t j = 0; j < m; ++j)
            dx[j] = static_cast<float>(f * (static_cast<double>(dy[j]) - static_cast<double>(x[j]) * t));
    }
}

} // namespace nn
} // namespace sfl
