#include "kernels/linalg/cholesky.hpp"

#include <cmath>

#include "kernels/linalg/dot_f64.hpp"

namespace sfl {
namespace linalg {

// Row by row: y[i] = (b[i] - L[i,:i] y[:i]) / L[i,i], the dot over a contiguous row.
void forward_sub(const double *L, int32_t ld, int32_t n, const double *b, double *y) {
    forward_sub_from(L, ld, 0, n, b, y);
}

void forward_sub_from(const double *L, int32_t ld, int32_t i0, int32_t n, const double *b, double *y) {
    for (int32_t i = i0; i < n; ++i) {
        const double *li = L + static_cast<int64_t>(i) * ld;
        y[i] = (b[i] - dot_f64(i, li, y)) / li[i];
    }
}

// Column form on the row-major factor: x[i] is final once the rows below have
// been subtracted; then row i of L (contiguous) updates x[:i]. The dot form would
// read a column of L, one cache line per term.
void backward_sub(const double *L, int32_t ld, int32_t n, const double *y, double *x) {
    if (x != y)
        for (int32_t i = 0; i < n; ++i) x[i] = y[i];
    for (int32_t i = n - 1; i >= 0; --i) {
        const double *li = L + static_cast<int64_t>(i) * ld;
        x[i] /= li[i];
        axpy_f64(i, -x[i], li, x);
    }
}

void chol_solve(const double *L, int32_t ld, int32_t n, double *v) {
    forward_sub(L, ld, n, v, v);
    backward_sub(L, ld, n, v, v);
}

bool chol_append(double *L, int32_t ld, int32_t s, double gjj) {
    double *row = L + static_cast<int64_t>(s) * ld;
    forward_sub(L, ld, s, row, row); // row k < s of L is untouched: in place is safe
    const double d2 = gjj - dot_f64(s, row, row);
    if (!pivot_ok(d2, gjj)) return false;
    row[s] = std::sqrt(d2);
    return true;
}

void chol_remove(double *L, int32_t ld, int32_t s, int32_t p) {
    for (int32_t i = p; i + 1 < s; ++i) {
        const double *src = L + static_cast<int64_t>(i + 1) * ld;
        double *dst = L + static_cast<int64_t>(i) * ld;
        for (int32_t k = 0; k <= i + 1; ++k) dst[k] = src[k];
    }
    for (int32_t k = p; k + 1 < s; ++k) {
        double *lk = L + static_cast<int64_t>(k) * ld;
        const double x = lk[k], y = lk[k + 1];
        const double h = std::hypot(x, y);
        const double cs = x / h, sn = y / h;
        for (int32_t i = k; i + 1 < s; ++i) {
            double *li = L + static_cast<int64_t>(i) * ld;
            const double xi = li[k], yi = li[k + 1];
            li[k] = cs * xi + sn * yi;
            li[k + 1] = -sn * xi + cs * yi;
        }
        lk[k] = h;
        lk[k + 1] = 0.0;
    }
}

bool chol_factor_gathered(const float *G, int32_t K, const int32_t *S, int32_t s, double *L, int32_t ld) {
    for (int32_t i = 0; i < s; ++i) {
        const float *gi = G + static_cast<int64_t>(S[i]) * K;
        double *li = L + static_cast<int64_t>(i) * ld;
        for (int32_t k = 0; k < i; ++k) li[k] = gi[S[k]];
        if (!chol_append(L, ld, i, gi[S[i]])) return false;
    }
    return true;
}

} // namespace linalg
} // namespace sfl
