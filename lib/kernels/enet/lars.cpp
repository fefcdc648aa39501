#include "kernels/enet/lars.hpp"

#include <cmath>

#include "kernels/enet/lars_join.hpp"
#include "kernels/linalg/cholesky.hpp"

namespace sfl {
namespace enet {

LarsBuffers LarsBuffers::carve(Arena &arena, int32_t K) {
    const size_t k = static_cast<size_t>(K);
    LarsBuffers b;
    b.L = arena.take<double>(k * k);
    double **doubles[] = {&b.r, &b.w, &b.u, &b.a, &b.sgn, &b.tmp};
    for (double **p : doubles) *p = arena.take<double>(k);
    int32_t **ints[] = {&b.act, &b.pos};
    for (int32_t **p : ints) *p = arena.take<int32_t>(k);
    return b;
}

namespace {

using linalg::backward_sub;

// Where the homotopy stopped: s active atoms (b.act, b.a, b.sgn, factor b.L), the
// path parameter lambda, the steps taken, and whether the step bound cut it short.
struct PathEnd {
    int32_t s = 0;
    int32_t iter = 0;
    double lambda = 0.0;
    bool hit_limit = false;
};

// Append atom j to the factor of G[A,A] (A has s atoms); false when its pivot
// fails the singularity policy (j is in the span of the active atoms).
bool append_atom(const LarsBuffers &b, const float *G, int32_t K, int32_t s, int32_t j) {
    double *row = b.L + static_cast<int64_t>(s) * K;
    const float *gj = G + static_cast<int64_t>(j) * K;
    for (int32_t k = 0; k < s; ++k) row[k] = gj[b.act[k]];
    return linalg::chol_append(b.L, K, s, gj[j]);
}

// u = G[:,A] w = sum_k w[k] G[act[k], :] (G is symmetric), summed in k order. Eight
// rows per pass over u: one pass per row made the loads and stores of u, not the
// arithmetic, the SF layer's bottleneck (s ~ 100 of K = 500).
void direction_correlations(const float *G, int32_t K, const int32_t *act, const double *w, int32_t s,
                            double *u) {
    auto row = [&](int32_t k) { return G + static_cast<int64_t>(act[k]) * K; };
    for (int32_t j = 0; j < K; ++j) u[j] = 0.0;
    int32_t k = 0;
    for (; k + 8 <= s; k += 8) {
        const float *g0 = row(k), *g1 = row(k + 1), *g2 = row(k + 2), *g3 = row(k + 3);
        const float *g4 = row(k + 4), *g5 = row(k + 5), *g6 = row(k + 6), *g7 = row(k + 7);
        const double w0 = w[k], w1 = w[k + 1], w2 = w[k + 2], w3 = w[k + 3];
        const double w4 = w[k + 4], w5 = w[k + 5], w6 = w[k + 6], w7 = w[k + 7];
        for (int32_t j = 0; j < K; ++j) {
            double v = u[j];
            v += w0 * static_cast<double>(g0[j]);
            v += w1 * static_cast<double>(g1[j]);
            v += w2 * static_cast<double>(g2[j]);
            v += w3 * static_cast<double>(g3[j]);
            v += w4 * static_cast<double>(g4[j]);
            v += w5 * static_cast<double>(g5[j]);
            v += w6 * static_cast<double>(g6[j]);
            v += w7 * static_cast<double>(g7[j]);
            u[j] = v;
        }
    }
    for (; k < s; ++k) {
        const float *g = row(k);
        const double wk = w[k];
        for (int32_t j = 0; j < K; ++j) u[j] += wk * static_cast<double>(g[j]);
    }
}

// The homotopy from lambda = max|c| down to l1: an atom joins when its
// correlation reaches lambda, an active coefficient that crosses zero leaves
// (the lasso modification). Non-negative codes (pb.positive): the same path with
// the correlations taken signed, so an atom joins only when r_j reaches +lambda
// (its coefficient then grows from zero upwards) and leaves when it falls back to
// zero (Efron et al.'s positive lasso). Leaves the end point in b.
PathEnd lars_path(const LarsBuffers &b, const Problem &pb, int32_t max_iter) {
    const int32_t K = pb.K;
    const double l1 = pb.l1;
    const float *G = pb.G;
    const bool positive = pb.positive;
    // How far an inactive atom is from joining: |r_j|, or r_j for non-negative codes.
    auto pull = [&](double rj) { return positive ? rj : std::fabs(rj); };

    PathEnd e;
    int32_t jmax = -1;
    for (int32_t j = 0; j < K; ++j) {
        b.r[j] = pb.c[j];
        b.pos[j] = -1;
        const double v = pull(b.r[j]);
        if (v > e.lambda) { e.lambda = v; jmax = j; }
    }

    // b.tmp holds z = L^-1 sgn(A) for the first z_rows atoms: appends leave those rows
    // of L and sgn as they were, a drop at position p those before p.
    int32_t s = 0, iter = 0, last_dropped = -1, z_rows = 0;
    double lambda = e.lambda, last_sign = 0.0;
    int32_t to_add = (lambda > l1) ? jmax : -1;

    while (to_add >= 0 || (s > 0 && lambda > l1)) {
        if (to_add >= 0) {
            if (append_atom(b, G, K, s, to_add)) {
                b.act[s] = to_add;
                b.pos[to_add] = s;
                // Non-negative codes join with +1 even where lambda has shrunk to rounding
                // level and r_j with it (its sign is then noise).
                b.sgn[s] = positive || b.r[to_add] > 0 ? 1.0 : -1.0;
                b.a[s] = 0.0;
                ++s;
            } else {
                // In the span of the active atoms (duplicate / collinear with l2 = 0):
                // leave it out; check_excluded says whether that was harmless.
                b.pos[to_add] = -2;
            }
            to_add = -1;
        }
        if (s == 0) {
            // Empty active set (only after a drop): restart from the largest
            // remaining correlation, if it is still above l1.
            lambda = 0.0;
            for (int32_t j = 0; j < K; ++j)
                if (b.pos[j] == -1 && pull(b.r[j]) > lambda) { lambda = pull(b.r[j]); to_add = j; }
            if (lambda <= l1 || to_add < 0) break;
            continue;
        }
        if (iter >= max_iter) { e.hit_limit = true; break; }
        ++iter;

        // Direction: G[A,A] w = sgn(A); u = G[:,A] w.
        linalg::forward_sub_from(b.L, K, z_rows, s, b.sgn, b.tmp);
        z_rows = s;
        backward_sub(b.L, K, s, b.tmp, b.w);
        direction_correlations(G, K, b.act, b.w, s, b.u);

        // Step to the next event: the path end, an atom joining, or an active
        // coefficient crossing zero (the lasso modification).
        double gamma = lambda - l1;
        int32_t event_drop = -1;
        const JoinSearch join{b.r, b.u, b.pos, K, lambda, positive, last_dropped, last_sign};
        int32_t event_add = next_join(join, &gamma);
        for (int32_t k = 0; k < s; ++k) {
            if (b.w[k] == 0.0) continue;
            double g = -b.a[k] / b.w[k];
            if (b.a[k] == 0.0 && b.w[k] * b.sgn[k] < 0.0) {
                // A coefficient still at zero that would move against its sign: an atom
                // that joined at a tie with a nearly collinear one (l2 = 0), whose
                // direction rounding turned. It leaves now, before the step: otherwise
                // the code takes the wrong sign (a negative entry of a non-negative code).
                g = 0.0;
            } else if (!(g > 0.0)) {
                continue;
            }
            if (g < gamma || (g == 0.0 && event_drop < 0)) { gamma = g; event_drop = k; event_add = -1; }
        }

        for (int32_t k = 0; k < s; ++k) {
            b.a[k] += gamma * b.w[k];
            // A crossing that ties with the step's event (its own drop lost to an add or the
            // path end by rounding) overshoots zero by a rounding amount: it stops at zero,
            // so every iterate keeps the signs of its atoms (a non-negative code stays one).
            // The next step drops it if it keeps moving that way.
            if (b.a[k] * b.sgn[k] < 0.0) b.a[k] = 0.0;
        }
        for (int32_t j = 0; j < K; ++j) b.r[j] -= gamma * b.u[j];
        lambda -= gamma;
        for (int32_t k = 0; k < s; ++k) b.r[b.act[k]] = lambda * b.sgn[k];
        last_dropped = -1;

        if (event_drop >= 0) {
            const int32_t atom = b.act[event_drop];
            last_sign = b.sgn[event_drop];
            linalg::chol_remove(b.L, K, s, event_drop);
            z_rows = event_drop;
            for (int32_t k = event_drop; k + 1 < s; ++k) {
                b.act[k] = b.act[k + 1];
                b.sgn[k] = b.sgn[k + 1];
                b.a[k] = b.a[k + 1];
                b.pos[b.act[k]] = k;
            }
            --s;
            b.pos[atom] = -1;
            last_dropped = atom;
        } else if (event_add >= 0) {
            to_add = event_add;
        } else {
            break; // reached lambda == l1
        }
    }
    e.s = s;
    e.iter = iter;
    e.lambda = lambda;
    return e;
}

// At the end of the path a[A] solves G[A,A] a = c[A] - l1 sgn(A) exactly:
// re-solve from c to remove the drift of the incremental updates, unless
// rounding would flip a sign.
void polish(const LarsBuffers &b, const Problem &pb, const PathEnd &e) {
    const int32_t s = e.s;
    if (e.hit_limit || s == 0 || e.lambda > pb.l1) return;
    for (int32_t k = 0; k < s; ++k) b.tmp[k] = static_cast<double>(pb.c[b.act[k]]) - pb.l1 * b.sgn[k];
    linalg::chol_solve(b.L, pb.K, s, b.tmp);
    for (int32_t k = 0; k < s; ++k)
        if (!(b.tmp[k] * b.sgn[k] > 0.0)) return;
    for (int32_t k = 0; k < s; ++k) b.a[k] = b.tmp[k];
}

// Atoms left out as collinear are harmless only if they satisfy KKT at the
// returned code (b.r = c - G a, from evaluate). Only at the end of the path: a
// stopped iterate does not satisfy KKT anyway. Allowed rounding: r_j = c_j -
// G[j,A] a[A] from float data is off by ~eps t_j, t_j = |c_j| + sum_k |G_jk a_k|
// (the size of its terms), plus what the rounding of rows A moves a[A] by, seen
// through beta = G[A,A]^-1 G[A,j] (large when the active atoms are nearly
// dependent, l2 = 0): |r_j| <= l1 (1 + 1e-4) + 1e-6 (t_j + sum_k |beta_k| t_k).
sfl_status check_excluded(const LarsBuffers &b, const Problem &pb, int32_t s, const float *a) {
    const int32_t K = pb.K;
    const double l1 = pb.l1;
    const float *G = pb.G;
    auto terms = [&](int32_t row) {
        const float *g = G + static_cast<int64_t>(row) * K;
        double t = std::fabs(static_cast<double>(pb.c[row]));
        for (int32_t k = 0; k < s; ++k) t += std::fabs(static_cast<double>(g[b.act[k]]) * a[b.act[k]]);
        return t;
    };
    sfl_status status = SFL_OK;
    for (int32_t j = 0; j < K; ++j) {
        if (b.pos[j] != -2) continue;
        const float *gj = G + static_cast<int64_t>(j) * K;
        for (int32_t k = 0; k < s; ++k) b.tmp[k] = gj[b.act[k]];
        linalg::chol_solve(b.L, K, s, b.tmp);
        double allowed = terms(j);
        for (int32_t k = 0; k < s; ++k) allowed += std::fabs(b.tmp[k]) * terms(b.act[k]);
        const double pull = pb.positive ? b.r[j] : std::fabs(b.r[j]);
        if (pull > l1 + 1e-4 * l1 + 1e-6 * allowed) status = SFL_ERR_SINGULAR;
    }
    return status;
}

} // namespace

sfl_status lars_solve(const LarsBuffers &b, const Problem &pb, int32_t max_iter, float *a_out, int32_t *support,
                      float *chol, sfl_enet_info *info) {
    const int32_t K = pb.K;
    const PathEnd e = lars_path(b, pb, max_iter);
    polish(b, pb, e);
    const int32_t s = e.s;

    for (int32_t j = 0; j < K; ++j) a_out[j] = 0.0f;
    for (int32_t k = 0; k < s; ++k) a_out[b.act[k]] = static_cast<float>(b.a[k]);
    if (support) {
        for (int32_t k = 0; k < K; ++k) support[k] = k < s ? b.act[k] : -1;
    }
    if (chol) {
        for (int32_t i = 0; i < K; ++i)
            for (int32_t k = 0; k < K; ++k)
                chol[static_cast<int64_t>(i) * K + k] =
                    (i < s && k <= i) ? static_cast<float>(b.L[static_cast<int64_t>(i) * K + k]) : 0.0f;
    }

    sfl_enet_info local;
    evaluate(pb, a_out, b.r, &local);
    sfl_status status = e.hit_limit ? SFL_WARN_NOT_CONVERGED : check_excluded(b, pb, s, a_out);
    if (info) {
        *info = local;
        info->status = status;
        info->iterations = e.iter;
        info->hit_iter_limit = e.hit_limit ? 1 : 0;
    }
    return status;
}

} // namespace enet
} // namespace sfl
