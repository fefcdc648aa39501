#include "kernels/enet/cd.hpp"

#include <cmath>
#include <cstring>

#include "kernels/linalg/cholesky.hpp"
#include "kernels/vec/vec.hpp"

namespace sfl {
namespace enet {

CdBuffers CdBuffers::carve(Arena &arena, int32_t K) {
    const size_t k = static_cast<size_t>(K);
    CdBuffers b;
    b.L = arena.take<double>(k * k);
    double **doubles[] = {&b.rd, &b.w, &b.dir, &b.gdir};
    for (double **p : doubles) *p = arena.take<double>(k);
    float **floats[] = {&b.r, &b.a_start};
    for (float **p : floats) *p = arena.take<float>(k);
    int32_t **ints[] = {&b.act, &b.order};
    for (int32_t **p : ints) *p = arena.take<int32_t>(k);
    return b;
}

namespace {

// ---- coordinate descent ----

// One coordinate update (docs/design.md section 2): a_j <- S(r_j + G_jj a_j, l1) / G_jj
// (non-negative codes: the projection max(0, z - l1) / G_jj instead of the soft threshold),
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
    const float shrunk = z > t ? z - t : (z < -t && !pb.positive ? z + t : 0.0f);
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

// ---- Newton step on the support (see cd.hpp) ----

// The proximal term is mu G_jj on the diagonal (relative to each atom, so the
// atoms' norms do not matter): above the ~1e-7 relative error of the float G, so
// a rank-deficient G[S,S] cannot look indefinite, and below the smallest
// eigenvalues of the supports that are solutions (relative to G_jj: ~1e-4..1e-3
// for m <= 64 Gaussian atoms with l2 = 0). Twice the library's singularity rule
// (linalg::kPivotRel): every pivot of G[S,S] + mu diag is then at least mu G_jj,
// which the rule accepts with room for rounding.
constexpr double kProxRel = 2 * linalg::kPivotRel;

// Full steps per Newton step, at most (each reduces the error by mu / (lambda + mu)
// in every eigendirection: 10 give 1e-10 for lambda = 10 mu), and the gain below
// which a full step is taken as rounding (relative to |f(a) - 1/2||x||^2|).
constexpr int32_t kMaxFullSteps = 10;
constexpr double kNegligibleGain = 1e-15;

// The final polish is skipped when the gap is already below this fraction of the
// tolerance (the objective is then within 1e-3 tol 1/2||x||^2 of the minimum).
constexpr double kPolishBelow = 1e-3;

// 1/2 a^T G a - c^T a + l1 |a|_1 in double (f(a) - 1/2 ||x||^2) for a supported
// on S = act[0..n); also r_S = c_S - G[S,S] a_S into rd (by atom) when rd != nullptr.
double support_objective(const Problem &pb, const float *a, const int32_t *act, int32_t n, double *rd) {
    const int32_t K = pb.K;
    double f = 0.0;
    for (int32_t p = 0; p < n; ++p) {
        const int32_t i = act[p];
        const float *gi = pb.G + static_cast<int64_t>(i) * K;
        double u = 0.0;
        for (int32_t q = 0; q < n; ++q) u += static_cast<double>(gi[act[q]]) * a[act[q]];
        if (rd) rd[i] = pb.c[i] - u;
        const double ai = a[i];
        f += ai * (0.5 * u - pb.c[i]) + pb.l1 * std::fabs(ai);
    }
    return f;
}

// Where coordinate p of w + t d reaches zero.
inline double kink(const double *w, const double *d, int32_t p) { return -w[p] / d[p]; }

// Sorts positions order[0..n) by increasing kink (insertion sort: n is the number of
// coefficients that change sign within one step, a few; and no std::sort, whose
// instantiations the bare-metal build's runtime check rejects).
void sort_by_kink(int32_t *order, int32_t n, const double *w, const double *d) {
    for (int32_t i = 1; i < n; ++i) {
        const int32_t p = order[i];
        const double key = kink(w, d, p);
        int32_t j = i;
        for (; j > 0 && kink(w, d, order[j - 1]) > key; --j) order[j] = order[j - 1];
        order[j] = p;
    }
}

// Exact minimiser over t in [0, 1] of f(w + t d) for the convex piecewise quadratic
// f, given its slope A = f'(0+) < 0, the curvature h = d^T G d and the kinks:
// positions order[0..nk) sorted by kink(p) in [0, 1], where the derivative jumps
// by 2 l1 |d_p| (non-negative codes: a wall, the coefficient may not cross zero, so
// the first kink bounds t). Returns t; *at_kink = the position whose zero is the
// minimiser, or -1.
double line_minimum(double A, double h, double l1, bool positive, const double *w, const double *d,
                    const int32_t *order, int32_t nk, int32_t *at_kink) {
    *at_kink = -1;
    if (!(h > 0.0)) {
        // No positive curvature along d (G[S,S] singular, or indefinite through the
        // rounding of the float G): f is concave or linear there, so only the first
        // kink is a trustworthy stop; without one the step would run away.
        if (nk == 0) return 0.0;
        *at_kink = order[0];
        return kink(w, d, order[0]);
    }
    double lo = 0.0;
    for (int32_t k = 0; k <= nk; ++k) {
        const double hi = k < nk ? kink(w, d, order[k]) : 1.0;
        if (A + hi * h >= 0.0) { // the derivative A + t h vanishes in [lo, hi]
            const double t = h > 0.0 ? -A / h : hi;
            return t < lo ? lo : (t > hi ? hi : t);
        }
        if (k == nk) return 1.0;
        const double jump = 2.0 * l1 * std::fabs(d[order[k]]);
        if (positive || A + hi * h + jump >= 0.0) {
            *at_kink = order[k];
            return hi;
        }
        A += jump;
        lo = hi;
    }
    return 1.0;
}

// The Newton step on S, the non-zero atoms among act[0..n_in) (the caller's
// list of the support: every non-zero of a is in it). Changes a, and r by one
// axpy per changed coordinate (the next gap check recomputes r in double), only
// when the objective of the new float code is lower (or, false, not at all: also
// when G[S,S] + mu diag(G[S,S]) is not definite in double). Returns whether a moved.
bool newton_update(const CdBuffers &b, const Problem &pb, int32_t n_in, float *a) {
    const int32_t K = pb.K;
    const double l1 = pb.l1;
    int32_t n = 0;
    for (int32_t p = 0; p < n_in; ++p) {
        const int32_t j = b.act[p];
        if (a[j] == 0.0f) continue;
        b.act[n] = j;
        b.a_start[n] = a[j];
        ++n;
    }
    if (n == 0) return false;
    const int32_t n_start = n;
    for (int32_t p = 0; p < n; ++p) {
        const float *gj = pb.G + static_cast<int64_t>(b.act[p]) * K;
        double *row = b.L + static_cast<int64_t>(p) * K;
        for (int32_t q = 0; q < p; ++q) row[q] = gj[b.act[q]];
        const double gjj = gj[b.act[p]];
        if (!linalg::chol_append(b.L, K, p, gjj + kProxRel * gjj)) return false;
    }
    const double f_start = support_objective(pb, a, b.act, n, b.rd);
    for (int32_t p = 0; p < n; ++p) b.w[p] = b.a_start[p];

    // One solve per atom that can leave, plus the full steps.
    const int32_t max_solves = n + kMaxFullSteps;
    int32_t full_steps = 0;
    for (int32_t solve = 0; solve < max_solves && n > 0 && full_steps < kMaxFullSteps; ++solve) {
        // (G[S,S] + mu diag(G[S,S])) d = r_S - l1 sign(w)
        for (int32_t p = 0; p < n; ++p) b.dir[p] = b.rd[b.act[p]] - (b.w[p] > 0.0 ? l1 : -l1);
        linalg::chol_solve(b.L, K, n, b.dir);
        double A = 0.0, h = 0.0;
        int32_t nk = 0;
        for (int32_t p = 0; p < n; ++p) {
            const float *gi = pb.G + static_cast<int64_t>(b.act[p]) * K;
            double u = 0.0;
            for (int32_t q = 0; q < n; ++q) u += static_cast<double>(gi[b.act[q]]) * b.dir[q];
            b.gdir[p] = u;
            const double dp = b.dir[p], sp = b.w[p] > 0.0 ? 1.0 : -1.0;
            A += (l1 * sp - b.rd[b.act[p]]) * dp;
            h += dp * u;
            // With l1 = 0 a sign change is no event (f is one quadratic), unless the
            // code must stay non-negative.
            if ((l1 > 0.0 || pb.positive) && dp * sp < 0.0 && kink(b.w, b.dir, p) <= 1.0) b.order[nk++] = p;
        }
        if (!(A < 0.0)) break; // d = 0 up to rounding: nothing left to gain on S
        sort_by_kink(b.order, nk, b.w, b.dir);
        int32_t zeroed;
        const double t = line_minimum(A, h, l1, pb.positive, b.w, b.dir, b.order, nk, &zeroed);
        if (t == 0.0) break;
        for (int32_t p = 0; p < n; ++p) {
            b.w[p] += t * b.dir[p];
            b.rd[b.act[p]] -= t * b.gdir[p];
        }
        if (zeroed >= 0) b.w[zeroed] = 0.0;
        bool settled = false;
        if (zeroed < 0 && t == 1.0) {
            // A full step: the iterate converges at rate mu / lambda per direction of
            // G[S,S]; stop once a step gains nothing measurable in double.
            ++full_steps;
            settled = -(A + 0.5 * h) <= kNegligibleGain * std::fabs(f_start);
        }
        // Atoms at zero leave S; they move behind it (positions n..n_start-1).
        for (int32_t p = n - 1; p >= 0; --p) {
            if (b.w[p] != 0.0) continue;
            linalg::chol_remove(b.L, K, n, p);
            const int32_t atom = b.act[p];
            const float start = b.a_start[p];
            for (int32_t q = p; q + 1 < n; ++q) {
                b.act[q] = b.act[q + 1];
                b.w[q] = b.w[q + 1];
                b.a_start[q] = b.a_start[q + 1];
            }
            b.act[n - 1] = atom;
            b.w[n - 1] = 0.0;
            b.a_start[n - 1] = start;
            --n;
        }
        if (settled) break;
    }

    // Judged on the float code it would return.
    for (int32_t p = 0; p < n_start; ++p) a[b.act[p]] = static_cast<float>(b.w[p]);
    if (!(support_objective(pb, a, b.act, n, nullptr) < f_start)) {
        for (int32_t p = 0; p < n_start; ++p) a[b.act[p]] = b.a_start[p];
        return false;
    }
    for (int32_t p = 0; p < n_start; ++p) {
        const float delta = a[b.act[p]] - b.a_start[p];
        if (delta != 0.0f) kernels::axpy_f32(K, -delta, pb.G + static_cast<int64_t>(b.act[p]) * K, b.r);
    }
    return true;
}

// f(a) - 1/2 ||x||^2 in double from r = c - G a (a^T G a = c^T a - r^T a).
double objective_from_r(const Problem &pb, const float *a, const double *r) {
    double f = 0.0;
    for (int32_t j = 0; j < pb.K; ++j) {
        if (a[j] == 0.0f) continue;
        const double aj = a[j];
        f += -0.5 * aj * (static_cast<double>(pb.c[j]) + r[j]) + pb.l1 * std::fabs(aj);
    }
    return f;
}

bool has_support(const float *a, int32_t K) {
    for (int32_t j = 0; j < K; ++j)
        if (a[j] != 0.0f) return true;
    return false;
}

// False once the float residuals have left float range (a badly scaled G): CD
// cannot go on, and a NaN residual would shrink every coordinate to 0 and pass
// for a fixed point. (A non-finite code entry makes its axpy non-finite too.)
// Integer tests of the exponent bits, so the loop vectorises.
bool residuals_in_range(const float *r, int32_t K) {
    uint32_t bad = 0;
    for (int32_t j = 0; j < K; ++j) {
        uint32_t u;
        std::memcpy(&u, &r[j], sizeof u);
        bad |= (u & 0x7f800000u) == 0x7f800000u ? 1u : 0u;
    }
    return bad == 0;
}

// Sweeps over the non-zero coordinates until no coordinate moves the objective
// by more than inner_tol (glmnet's rule), each counted in iter; then, if newton,
// the Newton step on the support they leave (counted too). Returns whether the
// Newton step moved a.
bool active_sweeps_then_newton(const CdBuffers &b, const Problem &pb, double inner_tol, int32_t max_iter,
                               bool newton, int32_t &iter, float *a) {
    const int32_t K = pb.K;
    int32_t na = 0;
    for (int32_t j = 0; j < K; ++j)
        if (a[j] != 0.0f) b.act[na++] = j;
    if (na == 0) return false;
    while (iter < max_iter) {
        ++iter;
        double biggest = 0.0;
        for (int32_t k = 0; k < na; ++k) {
            const double d = update(pb, b.r, a, b.act[k]);
            biggest = d > biggest ? d : biggest;
        }
        if (0.5 * biggest <= inner_tol) break;
    }
    if (!newton || iter >= max_iter) return false;
    ++iter;
    return newton_update(b, pb, na, a);
}

// Continuation: l1 is reached through l1_k = cmax kStageRatio^k (cmax = max|c|, or
// max c_j for non-negative codes), one round
// (full sweep, active-set sweeps, Newton step) per stage, while l1_k > l1 and
// l1_k >= kStageFloor max|c|. From a = 0 a full sweep at a small l1 activates
// nearly every atom (|S| ~ K > m when l2 = 0), and pruning them costs about one
// Newton solve per extra atom; along the path the support stays near the
// lasso's. Normal problems (l1 above 0.3 max|c|) have no stage.
constexpr double kStageRatio = 0.3;
constexpr double kStageFloor = 1e-4;

// Returns false if the iterate left float range.
bool continuation(const CdBuffers &b, const Problem &pb, double cmax, double inner_tol, int32_t max_iter,
                  int32_t &iter, float *a) {
    Problem stage = pb;
    for (double l1 = kStageRatio * cmax; l1 > pb.l1 && l1 >= kStageFloor * cmax && iter < max_iter;
         l1 *= kStageRatio) {
        stage.l1 = static_cast<float>(l1);
        ++iter;
        for (int32_t j = 0; j < pb.K; ++j) update(stage, b.r, a, j);
        if (!residuals_in_range(b.r, pb.K)) return false;
        active_sweeps_then_newton(b, stage, inner_tol, max_iter, true, iter, a);
        if (!residuals_in_range(b.r, pb.K)) return false;
    }
    return true;
}

} // namespace

sfl_status cd_solve(const CdBuffers &b, const Problem &pb, float tol, int32_t max_iter, float *a,
                    sfl_enet_info *info) {
    const int32_t K = pb.K;
    for (int32_t j = 0; j < K; ++j) {
        a[j] = 0.0f;
        b.r[j] = pb.c[j];
    }
    const double cmax = max_correlation(pb.c, K, pb.positive);
    const double gap_tol = tol * 0.5 * pb.x_sqnorm;
    const double kkt_tol = tol * cmax;
    // Inner (active-set) sweeps stop when no coordinate moves the objective by
    // more than this (glmnet's rule).
    const double inner_tol = gap_tol > 0.0 ? gap_tol : 0.0;

    sfl_enet_info local{};
    Quality q{0.0, 0.0};
    int32_t iter = 0;
    bool converged = cmax <= pb.l1, polished = false;
    bool overflow = !converged && !continuation(b, pb, cmax, inner_tol, max_iter, iter, a);
    bool q_current = false;     // q and local describe the current a
    bool newton_moved = false;  // a Newton step moved a in the round before this full sweep
    bool first_round = true;
    double f_last = INFINITY;   // objective after the previous full sweep, if that round's Newton step moved a
    while (!converged && !overflow && iter < max_iter) {
        // Full sweep over every coordinate.
        ++iter;
        double moved = 0.0;
        for (int32_t j = 0; j < K; ++j) moved += update(pb, b.r, a, j);
        if (!residuals_in_range(b.r, K)) { overflow = true; break; }
        // A full sweep that changes no coordinate is a fixed point of CD in
        // float arithmetic: the tolerance asked for is below float resolution.
        converged = moved == 0.0;
        q_current = q_current && converged;
        if (!converged) {
            // Duality gap with r recomputed in double (removes the float drift of the axpys).
            q = evaluate(pb, a, b.rd, &local);
            q_current = true;
            for (int32_t j = 0; j < K; ++j) b.r[j] = static_cast<float>(b.rd[j]);
            converged = q.gap <= gap_tol || q.kkt <= kkt_tol;
            // So is a round whose Newton step moved a but that, with the sweeps after
            // it, did not lower the objective: CD's float steps undo a rounding-level
            // gain of the Newton step (subnormal signals with l1 = 0, where the KKT
            // violation cannot go below the 2^-149 spacing of the code).
            const double f_now = newton_moved ? objective_from_r(pb, a, b.rd) : INFINITY;
            converged = converged || (std::isfinite(f_now) && !(f_now < f_last));
            f_last = f_now;
        }
        if (converged) {
            // Polish once: the Newton step makes the code exact on its support; not
            // needed when the gap is already far below the tolerance (most easy rows
            // stop after their first sweep). The stopping rule is checked again after
            // it (if it fails, CD goes on).
            const bool polish_pointless = q_current && q.gap <= kPolishBelow * gap_tol;
            if (polished || polish_pointless || iter >= max_iter || !has_support(a, K)) break;
            polished = true;
            ++iter;
            int32_t n = 0;
            for (int32_t j = 0; j < K; ++j)
                if (a[j] != 0.0f) b.act[n++] = j;
            if (!newton_update(b, pb, n, a)) break;
            q = evaluate(pb, a, b.rd, &local);
            q_current = true;
            converged = q.gap <= gap_tol || q.kkt <= kkt_tol;
            continue;
        }
        // No Newton step in the first round: most easy rows end at the next full
        // sweep, and it would factor the first (largest) support.
        newton_moved = active_sweeps_then_newton(b, pb, inner_tol, max_iter, !first_round, iter, a);
        first_round = false;
        q_current = false;
        overflow = !residuals_in_range(b.r, K);
    }
    if (overflow) {
        // As solve_row does for any code beyond float: zero code, SFL_ERR_NOT_FINITE.
        for (int32_t j = 0; j < K; ++j) a[j] = 0.0f;
        if (info) {
            *info = sfl_enet_info{};
            info->status = SFL_ERR_NOT_FINITE;
        }
        return SFL_ERR_NOT_FINITE;
    }
    if (!q_current) q = evaluate(pb, a, b.rd, &local);
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
