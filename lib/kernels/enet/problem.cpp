#include "kernels/enet/problem.hpp"

#include <cmath>

namespace sfl {
namespace enet {

float max_correlation(const float *c, int32_t K, bool positive) {
    float m = 0.0f;
    for (int32_t j = 0; j < K; ++j) {
        const float v = positive ? c[j] : std::fabs(c[j]);
        m = v > m ? v : m;
    }
    return m;
}

Quality evaluate(const Problem &pb, const float *a, double *r_out, sfl_enet_info *info) {
    const int32_t K = pb.K;
    const double l1 = pb.l1;
    double ca = 0.0, ar = 0.0, l1norm = 0.0, rmax = 0.0, kkt = 0.0;
    int32_t support = 0;
    bool infeasible = false; // a negative entry of a non-negative code
    if (r_out) {
        // r = c - sum over the non-zeros k of a_k G[k,:] (G symmetric): O(K * nnz), branch-free inner loop.
        for (int32_t j = 0; j < K; ++j) r_out[j] = pb.c[j];
        for (int32_t k = 0; k < K; ++k) {
            if (a[k] == 0.0f) continue;
            const double ak = a[k];
            const float *g = pb.G + static_cast<int64_t>(k) * K;
            for (int32_t j = 0; j < K; ++j) r_out[j] -= ak * static_cast<double>(g[j]);
        }
    }
    for (int32_t j = 0; j < K; ++j) {
        double rj;
        if (r_out) {
            rj = r_out[j];
        } else {
            rj = pb.c[j];
            const float *g = pb.G + static_cast<int64_t>(j) * K;
            for (int32_t k = 0; k < K; ++k)
                if (a[k] != 0.0f) rj -= static_cast<double>(g[k]) * a[k];
        }
        const double aj = a[j];
        ca += pb.c[j] * aj;
        ar += aj * rj;
        l1norm += std::fabs(aj);
        // The dual constraint: |r_j| <= l1, or r_j <= l1 for non-negative codes.
        const double rc = pb.positive ? rj : std::fabs(rj);
        rmax = rc > rmax ? rc : rmax;
        double viol;
        if (aj != 0.0) {
            ++support;
            viol = std::fabs(rj - (aj > 0 ? l1 : -l1));
            infeasible = infeasible || (pb.positive && aj < 0.0);
        } else {
            viol = rc - l1;
            viol = viol > 0.0 ? viol : 0.0;
        }
        kkt = viol > kkt ? viol : kkt;
    }
    const double X2 = pb.x_sqnorm;
    // R = ||x - P a||^2 + l2 ||a||^2 = X2 - 2 c'a + a'G a, and a'G a = c'a - a'r.
    double R = X2 - ca - ar;
    R = R > 0.0 ? R : 0.0;
    const double primal = 0.5 * R + l1 * l1norm;
    const double s = rmax > l1 ? l1 / rmax : 1.0;
    const double dual = s * (X2 - ca) - 0.5 * s * s * R;
    double gap = primal - dual;
    gap = gap > 0.0 ? gap : 0.0;
    if (infeasible) gap = kkt = INFINITY;
    if (info) {
        info->objective = static_cast<float>(primal);
        info->gap = static_cast<float>(gap);
        info->kkt = static_cast<float>(kkt);
        info->support = support;
    }
    return Quality{gap, kkt};
}

double objective(const Problem &pb, const float *a) {
    // The support's indices, ascending (the order evaluate() sums in); a code with more
    // non-zeros than fit here takes evaluate() itself.
    constexpr int32_t kMaxNnz = 64;
    int32_t idx[kMaxNnz];
    int32_t nnz = 0;
    for (int32_t j = 0; j < pb.K; ++j) {
        if (a[j] == 0.0f) continue;
        if (nnz == kMaxNnz) {
            sfl_enet_info info;
            evaluate(pb, a, nullptr, &info);
            return info.objective;
        }
        idx[nnz++] = j;
    }
    const int64_t K = pb.K;
    double ca = 0.0, ar = 0.0, l1norm = 0.0;
    for (int32_t t = 0; t < nnz; ++t) {
        const int32_t j = idx[t];
        double rj = pb.c[j]; // r_j = c_j - sum over the non-zeros k of a_k G[k, j]
        for (int32_t u = 0; u < nnz; ++u)
            rj -= static_cast<double>(a[idx[u]]) * static_cast<double>(pb.G[idx[u] * K + j]);
        const double aj = a[j];
        ca += pb.c[j] * aj;
        ar += aj * rj;
        l1norm += std::fabs(aj);
    }
    double R = pb.x_sqnorm - ca - ar;
    R = R > 0.0 ? R : 0.0;
    return 0.5 * R + static_cast<double>(pb.l1) * l1norm;
}

} // namespace enet
} // namespace sfl
