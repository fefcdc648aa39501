#include "kernels/layers/gram_solve.hpp"

#include <cmath>

namespace sfl {
namespace layers {

namespace {
// A pivot below this fraction of its diagonal entry means G[S,S] is singular
// at the precision of the float G it came from.
constexpr double kPivotTol = 1e-9;
} // namespace

bool factor_gram(const float *G, int32_t K, const int32_t *S, int32_t s, double *L) {
    for (int32_t i = 0; i < s; ++i) {
        const float *gi = G + static_cast<int64_t>(S[i]) * K;
        double *li = L + static_cast<int64_t>(i) * s;
        for (int32_t j = 0; j <= i; ++j) {
            const double *lj = L + static_cast<int64_t>(j) * s;
            double v = gi[S[j]];
            for (int32_t k = 0; k < j; ++k) v -= li[k] * lj[k];
            if (j < i) {
                li[j] = v / lj[j];
            } else {
                if (!(v > kPivotTol * static_cast<double>(gi[S[i]]))) return false;
                li[i] = std::sqrt(v);
            }
        }
    }
    return true;
}

void solve_factored(const double *L, int32_t s, double *v) {
    for (int32_t i = 0; i < s; ++i) {
        const double *li = L + static_cast<int64_t>(i) * s;
        double t = v[i];
        for (int32_t k = 0; k < i; ++k) t -= li[k] * v[k];
        v[i] = t / li[i];
    }
    for (int32_t i = s - 1; i >= 0; --i) {
        double t = v[i];
        for (int32_t k = i + 1; k < s; ++k) t -= L[static_cast<int64_t>(k) * s + i] * v[k];
        v[i] = t / L[static_cast<int64_t>(i) * s + i];
    }
}

} // namespace layers
} // namespace sfl
