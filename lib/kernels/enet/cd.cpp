#include "kernels/enet/cd.hpp"

#include <cmath>

#include "kernels/vec/vec.hpp"

namespace sfl {
namespace enet {

CdBuffers CdBuffers::carve(Arena &arena, int32_t K) {
    const size_t k = static_cast<size_t>(K);
    CdBuffers b;
    b.r = arena.take<float>(k);
    b.act = arena.take<int32_t>(k);
    b.rd = arena.take<double>(k);
    return b;
}

namespace {

// One coordinate update (docs/design.md section 2): a_j <- S(r_j + G_jj a_j, l1) / G_jj,
// then r -= G[:,j] * delta (G symmetric, so its row j). Returns G_jj * delta^2,
// twice the decrease of the smooth part, for the inner stopping rule; in double,
// since for tiny signals (subnormal c) delta^2 underflows float and a sweep that
// moved would pass for a fixed point.
inline double update(const Problem &pb, float *r, float *a, int32_t j) {
    const int32_t K = pb.K;
    const float *gj = pb.G + static_cast<int64_t>(j) * K;
    const float aj = a[j];
    const float z = r[j] + gj[j] * aj;
    const float t = pb.l1;
    const float shrunk = z > t ? z - t : (z < -t ? z + t : 0.0f);
    // 1/G_jj is +inf when G_jj is subnormal (an atom of norm below ~1e-19 with
    // l2 = 0): a zero shrink must give 0, not 0 * inf = NaN; the rest divides.
    const float inv = pb.inv_diag[j];
    const float anew = shrunk == 0.0f ? 0.0f : (std::isinf(inv) ? shrunk / gj[j] : shrunk * inv);
    const float delta = anew - aj;
    if (delta == 0.0f) return 0.0;
    a[j] = anew;
    kernels::axpy_f32(K, -delta, gj, r);
    return static_cast<double>(gj[j]) * delta * delta;
}

} // namespace

sfl_status cd_solve(const CdBuffers &b, const Problem &pb, float tol, int32_t max_iter, float *a,
                    sfl_enet_info *info) {
    const int32_t K = pb.K;
    for (int32_t j = 0; j < K; ++j) {
        a[j] = 0.0f;
        b.r[j] = pb.c[j];
    }
    const double cmax = max_abs(pb.c, K);
    const double gap_tol = tol * 0.5 * pb.x_sqnorm;
    const double kkt_tol = tol * cmax;
    // Inner (active-set) sweeps stop when no coordinate moves the objective by
    // more than this (glmnet's rule).
    const double inner_tol = gap_tol > 0.0 ? gap_tol : 0.0;

    sfl_enet_info local{};
    Quality q{0.0, 0.0};
    int32_t iter = 0;
    bool converged = cmax <= pb.l1, by_gap = false;
    while (!converged && iter < max_iter) {
        // Full sweep over every coordinate.
        ++iter;
        double moved = 0.0;
        for (int32_t j = 0; j < K; ++j) moved += update(pb, b.r, a, j);
        // A full sweep that changes no coordinate is a fixed point of CD in
        // float arithmetic: the tolerance asked for is below float resolution.
        if (moved == 0.0) { converged = true; break; }

        // Duality gap with r recomputed in double (removes the float drift of the axpys).
        q = evaluate(pb, a, b.rd, &local);
        for (int32_t j = 0; j < K; ++j) b.r[j] = static_cast<float>(b.rd[j]);
        if (q.gap <= gap_tol || q.kkt <= kkt_tol) { converged = by_gap = true; break; }

        // Active-set sweeps until they stall.
        int32_t na = 0;
        for (int32_t j = 0; j < K; ++j)
            if (a[j] != 0.0f) b.act[na++] = j;
        while (na > 0 && iter < max_iter) {
            ++iter;
            double biggest = 0.0;
            for (int32_t k = 0; k < na; ++k) {
                const double d = update(pb, b.r, a, b.act[k]);
                biggest = d > biggest ? d : biggest;
            }
            if (0.5 * biggest <= inner_tol) break;
        }
    }
    if (!by_gap) q = evaluate(pb, a, b.rd, &local);
    const sfl_status status = converged || q.gap <= gap_tol || q.kkt <= kkt_tol ? SFL_OK : SFL_WARN_NOT_CONVERGED;
    if (info) {
        *info = local;
        info->status = status;
        info->iterations = iter;
        info->hit_iter_limit = status == SFL_WARN_NOT_CONVERGED ? 1 : 0;
    }
    return status;
}

} // namespace enet
} // namespace sfl
