#include "kernels/enet/lars_join.hpp"

#include <limits>

#include "simd/simd.hpp"

namespace sfl {
namespace enet {

int32_t next_join_serial(const JoinSearch &q, int32_t j0, double *gamma, int32_t best) {
    double g = *gamma;
    for (int32_t j = j0; j < q.K; ++j) {
        if (q.pos[j] != -1) continue;
        const double rj = q.r[j], uj = q.u[j];
        // A numerator below zero is rounding drift (|r_j| slightly above lambda): the atom
        // joins now. The atom dropped by the last step sits on the boundary with its old
        // sign; it may only come back with the opposite one (the lasso path is continuous).
        if (1.0 - uj > 0.0 && !(j == q.last_dropped && q.last_sign > 0.0)) {
            double g1 = (q.lambda - rj) / (1.0 - uj);
            g1 = g1 > 0.0 ? g1 : 0.0;
            if (g1 < g) { g = g1; best = j; }
        }
        if (!q.positive && 1.0 + uj > 0.0 && !(j == q.last_dropped && q.last_sign < 0.0)) {
            double g2 = (q.lambda + rj) / (1.0 + uj);
            g2 = g2 > 0.0 ? g2 : 0.0;
            if (g2 < g) { g = g2; best = j; }
        }
    }
    *gamma = g;
    return best;
}

namespace {

template <bool Simd, class Arch>
struct Join {
    static int32_t run(const JoinSearch &q, double *gamma) { return next_join_serial(q, 0, gamma, -1); }
};

#if SFL_HAS_SIMD
constexpr bool kDoubleSimd = simd::has_double;

// Each lane keeps its smallest candidate and the first atom that reached it (its atoms
// come in increasing order, and only a strictly smaller value replaces); the lanes'
// smallest value then goes to the lowest atom among the lanes that hold it. The atom
// last dropped is left to the serial loop and merged by the same rule.
template <class Arch>
struct Join<true, Arch> {
    using B = xsimd::batch<double, Arch>;
    static constexpr int32_t W = static_cast<int32_t>(B::size);

    static int32_t run(const JoinSearch &q, double *gamma) {
        const double inf = std::numeric_limits<double>::infinity();
        const B one(1.0), zero(0.0), vinf(inf), lam(q.lambda);
        B best(inf), best_j(-1.0), jv;
        alignas(64) double lane[W], open[W];
        for (int32_t l = 0; l < W; ++l) lane[l] = l;
        jv = B::load_aligned(lane);
        const int32_t kv = q.K - q.K % W;
        for (int32_t j = 0; j < kv; j += W, jv += B(double(W))) {
            for (int32_t l = 0; l < W; ++l) open[l] = q.pos[j + l] == -1 && j + l != q.last_dropped ? 1.0 : 0.0;
            const auto inactive = B::load_aligned(open) != zero;
            const B rj = B::load_unaligned(q.r + j), uj = B::load_unaligned(q.u + j);
            const B d1 = one - uj;
            B g1 = (lam - rj) / d1;
            g1 = xsimd::select(g1 > zero, g1, zero);
            B m = xsimd::select(inactive & (d1 > zero), g1, vinf);
            if (!q.positive) {
                const B d2 = one + uj;
                B g2 = (lam + rj) / d2;
                g2 = xsimd::select(g2 > zero, g2, zero);
                m = xsimd::select(inactive & (d2 > zero) & (g2 < m), g2, m);
            }
            const auto better = m < best;
            best = xsimd::select(better, m, best);
            best_j = xsimd::select(better, jv, best_j);
        }
        alignas(64) double bv[W], bj[W];
        best.store_aligned(bv);
        best_j.store_aligned(bj);
        double g = inf;
        int32_t atom = -1;
        for (int32_t l = 0; l < W; ++l)
            if (bv[l] < g || (bv[l] == g && bj[l] >= 0.0 && int32_t(bj[l]) < atom)) {
                g = bv[l];
                atom = int32_t(bj[l]);
            }
        // The atom last dropped (if the lanes skipped it), by the serial rule, merged by value
        // then index.
        if (q.last_dropped >= 0 && q.last_dropped < kv) {
            JoinSearch one_atom = q;
            one_atom.K = q.last_dropped + 1;
            double gd = inf;
            const int32_t d = next_join_serial(one_atom, q.last_dropped, &gd, -1);
            if (d >= 0 && (gd < g || (gd == g && d < atom))) {
                g = gd;
                atom = d;
            }
        }
        // The bound: only a step strictly below it is an event (the serial loop's start).
        if (g < *gamma) {
            *gamma = g;
        } else {
            atom = -1;
        }
        // The tail, serially, after the atoms before it.
        return next_join_serial(q, kv, gamma, atom);
    }
};
using DArch = simd::arch;
#else
constexpr bool kDoubleSimd = false;
using DArch = void;
#endif

} // namespace

int32_t next_join(const JoinSearch &q, double *gamma) { return Join<kDoubleSimd, DArch>::run(q, gamma); }

} // namespace enet
} // namespace sfl
