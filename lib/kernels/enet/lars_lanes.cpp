// Lane-parallel LARS-EN (see lars_lanes.hpp). State is structure-of-arrays: entry
// k of every lane lives in one float batch at [k * W, k * W + W). Two index spaces:
//   atoms (K):  r = c - G a, u = G w, c, sgnA (0 inactive, +-1 active)
//   slots (S):  the active atoms of each lane in the order they joined (act[p]),
//               a, sg (their signs), w, M = G[A,A]^-1, Gs[p][:] = G[act[p], :]
// Lanes hold different active sets but the same slot numbering, so the K^2 work
// of the reference's triangular solves becomes S^2 vector work with S = the
// largest active set among the W lanes (S <= K); unused slots of a lane hold
// zeros in M, a, sg, w (an invariant every update keeps exactly).
//   add j at slot p:  b = M g, g_q = G[act[q], j], d = G_jj - g^T b,
//                     b' = b with b'_p = -1, M += b' b'^T / d   (block inverse)
//   drop slot p:      m = M[:, p], M -= m m^T / M_pp, row/column p forced to 0,
//                     then the last slot moves into p
// Both are one fused rank-1 pass that also recomputes w = M sg.
// Events, tie order and the polish follow lars_solve (lars.cpp).
#include "kernels/enet/lars_lanes.hpp"

#include <cmath>
#include <cstring>

#include "common/outcome.hpp"
#include "kernels/enet/lars.hpp"
#include "kernels/enet/problem.hpp"
#include "simd/simd.hpp"

namespace sfl {
namespace enet {

namespace {

#if SFL_HAS_SIMD
using B = simd::fbatch;
using BB = xsimd::batch_bool<float, simd::arch>;
inline B ld(const float *p) { return B::load_unaligned(p); }
inline void stv(float *p, const B &v) { v.store_unaligned(p); }
inline B fmadd(const B &x, const B &y, const B &z) { return xsimd::fma(x, y, z); }
inline B fnmadd(const B &x, const B &y, const B &z) { return xsimd::fnma(x, y, z); } // z - x y
inline B sel(const BB &m, const B &x, const B &y) { return xsimd::select(m, x, y); }
inline BB land(const BB &x, const BB &y) { return x & y; }
inline BB lor(const BB &x, const BB &y) { return x | y; }
inline BB lnot(const BB &x) { return !x; }
inline B vabs(const B &x) { return xsimd::abs(x); }
inline B vmax(const B &x, const B &y) { return xsimd::max(x, y); }
// base[idx[l]] into lane l. (xsimd 8.1's batch::gather is a generic element-wise
// insert chain on every target, slower than this.)
inline B gather_lanes(const float *base, const int32_t *idx) {
    alignas(64) float tmp[simd::lanes];
    for (int l = 0; l < simd::lanes; ++l) tmp[l] = base[idx[l]];
    return B::load_aligned(tmp);
}
#else
// W = 1: the same kernel on plain floats (Cortex-M, SFL_SIMD=OFF).
using B = float;
using BB = bool;
inline B ld(const float *p) { return *p; }
inline void stv(float *p, B v) { *p = v; }
inline B fmadd(B x, B y, B z) { return x * y + z; }
inline B fnmadd(B x, B y, B z) { return z - x * y; }
inline B sel(BB m, B x, B y) { return m ? x : y; }
inline BB land(BB x, BB y) { return x && y; }
inline BB lor(BB x, BB y) { return x || y; }
inline BB lnot(BB x) { return !x; }
inline B vabs(B x) { return std::fabs(x); }
inline B vmax(B x, B y) { return x > y ? x : y; }
inline B gather_lanes(const float *base, const int32_t *idx) { return base[*idx]; }
#endif

constexpr int32_t W = simd::lanes;

// A new pivot d = G_jj - g^T G[A,A]^-1 g below this fraction of G_jj sends the
// row to lars_solve. Not a second singularity rule (that is linalg::kPivotRel,
// 1e-6, applied by lars_solve in double): a Schur complement computed in float
// below 1e-4 G_jj has too few correct digits to tell which side of the rule it
// is on, so the double path decides.
constexpr float kLanePivotHandoff = 1e-4f;
// KKT check of a lane's end point, on r = c - G a in float (t_j = |c_j| + sum_k
// |G_jk a_k|, the size of r_j's terms, bounds its rounding at ~K eps t_j):
// |r_j - l1 sgn_j| (active) or |r_j| - l1 (inactive) <= kKktRel l1 + kKktTerms t_j.
constexpr float kKktRel = 1e-4f;
constexpr float kKktTerms = 1e-5f;
// Finished lanes wait (idle) until this many are ready: the polish passes then
// serve several lanes at once.
constexpr int32_t kPolishBatch = W >= 8 ? W / 8 : 1;

enum LaneState : int32_t { kIdle = 0, kRun = 1, kDone = 2, kFail = 3 };

struct Work {
    float *M, *Gs;                           // K x K batches (slot x slot, slot x atom)
    float *r, *u, *c, *sgnA;                 // atoms, K batches
    float *a, *sg, *w, *v, *bv, *gs, *t;     // slots (t: atoms), K batches
    float *lam, *lastd, *lasts, *gjj, *inv, *gam, *ev, *kind, *runf, *addf, *finf, *dd; // one batch each
    int32_t *actW;                           // K x W: act[p] * W + lane (an index into an atom array)
    int32_t *row, *steps, *pend_add, *pend_drop, *state, *nact, *jW; // W ints each
    LarsBuffers ref;

    // width: the lanes to carve for (W; larger in counting mode for a fixed-width size).
    static Work carve(Arena &ar, int32_t K, int32_t width = W) {
        const size_t kw = static_cast<size_t>(K) * static_cast<size_t>(width);
        Work s;
        s.M = ar.take<float>(kw * static_cast<size_t>(K));
        s.Gs = ar.take<float>(kw * static_cast<size_t>(K));
        float **vecs[] = {&s.r, &s.u, &s.c, &s.sgnA, &s.a, &s.sg, &s.w, &s.v, &s.bv, &s.gs, &s.t};
        for (float **p : vecs) *p = ar.take<float>(kw);
        float **lane[] = {&s.lam, &s.lastd, &s.lasts, &s.gjj, &s.inv, &s.gam,
                          &s.ev,  &s.kind,  &s.runf,  &s.addf, &s.finf, &s.dd};
        for (float **p : lane) *p = ar.take<float>(static_cast<size_t>(width));
        s.actW = ar.take<int32_t>(kw);
        int32_t **ints[] = {&s.row, &s.steps, &s.pend_add, &s.pend_drop, &s.state, &s.nact, &s.jW};
        for (int32_t **p : ints) *p = ar.take<int32_t>(static_cast<size_t>(width));
        s.ref = LarsBuffers::carve(ar, K);
        return s;
    }
};

inline size_t at(int32_t k, int32_t l) { return static_cast<size_t>(k) * W + static_cast<size_t>(l); }

// y_p = sum_{q < S} M_pq x_q for p < S (M: rows of K batches). Four rows at a time:
// four independent FMA chains. With Clear, the lanes in clear get M zeroed on the way.
template <bool Clear> void matvec_slots(float *M, const float *x, float *y, int32_t K, int32_t S, const BB &clear) {
    const B zero(0.0f);
    const size_t row = static_cast<size_t>(K) * W;
    auto take = [&](float *p) {
        const B m = ld(p);
        if (Clear) stv(p, sel(clear, zero, m));
        return m;
    };
    int32_t p = 0;
    for (; p + 4 <= S; p += 4) {
        float *m0 = M + static_cast<size_t>(p) * row, *m1 = m0 + row, *m2 = m1 + row, *m3 = m2 + row;
        B a0(0.0f), a1(0.0f), a2(0.0f), a3(0.0f);
        for (int32_t q = 0; q < S; ++q) {
            const size_t o = at(q, 0);
            const B xq = ld(x + o);
            a0 = fmadd(take(m0 + o), xq, a0);
            a1 = fmadd(take(m1 + o), xq, a1);
            a2 = fmadd(take(m2 + o), xq, a2);
            a3 = fmadd(take(m3 + o), xq, a3);
        }
        stv(y + at(p, 0), a0);
        stv(y + at(p + 1, 0), a1);
        stv(y + at(p + 2, 0), a2);
        stv(y + at(p + 3, 0), a3);
    }
    for (; p < S; ++p) {
        float *mp = M + static_cast<size_t>(p) * row;
        B acc(0.0f);
        for (int32_t q = 0; q < S; ++q) acc = fmadd(take(mp + at(q, 0)), ld(x + at(q, 0)), acc);
        stv(y + at(p, 0), acc);
    }
}

// y_k = sum_{p < S} Gs_pk x_p for all atoms k: G[:, A] x from the lanes' own rows
// of G. With Size also t_k = sum_p |Gs_pk x_p| (the terms' size: the KKT tolerance).
template <bool Size> void matvec_gs(const float *Gs, const float *x, float *y, float *t, int32_t K, int32_t S) {
    const size_t row = static_cast<size_t>(K) * W;
    int32_t k = 0;
    for (; k + 4 <= K; k += 4) {
        B a0(0.0f), a1(0.0f), a2(0.0f), a3(0.0f), t0(0.0f), t1(0.0f), t2(0.0f), t3(0.0f);
        for (int32_t p = 0; p < S; ++p) {
            const float *g = Gs + static_cast<size_t>(p) * row + at(k, 0);
            const B xp = ld(x + at(p, 0));
            const B g0 = ld(g), g1 = ld(g + W), g2 = ld(g + 2 * W), g3 = ld(g + 3 * W);
            a0 = fmadd(g0, xp, a0);
            a1 = fmadd(g1, xp, a1);
            a2 = fmadd(g2, xp, a2);
            a3 = fmadd(g3, xp, a3);
            if (Size) {
                const B ax = vabs(xp);
                t0 = fmadd(vabs(g0), ax, t0);
                t1 = fmadd(vabs(g1), ax, t1);
                t2 = fmadd(vabs(g2), ax, t2);
                t3 = fmadd(vabs(g3), ax, t3);
            }
        }
        stv(y + at(k, 0), a0);
        stv(y + at(k + 1, 0), a1);
        stv(y + at(k + 2, 0), a2);
        stv(y + at(k + 3, 0), a3);
        if (Size) {
            stv(t + at(k, 0), t0);
            stv(t + at(k + 1, 0), t1);
            stv(t + at(k + 2, 0), t2);
            stv(t + at(k + 3, 0), t3);
        }
    }
    for (; k < K; ++k) {
        B acc(0.0f), tt(0.0f);
        for (int32_t p = 0; p < S; ++p) {
            const B g = ld(Gs + static_cast<size_t>(p) * row + at(k, 0)), xp = ld(x + at(p, 0));
            acc = fmadd(g, xp, acc);
            if (Size) tt = fmadd(vabs(g), vabs(xp), tt);
        }
        stv(y + at(k, 0), acc);
        if (Size) stv(t + at(k, 0), tt);
    }
}

// The fused rank-1 pass of slot rows [p0, p0 + R): M_pq = [live_p & live_q] (M_pq + f_p v_q)
// for q < S, f_p = inv v_p, live = sg != 0; w_p = sum_q M_pq sg_q.
template <int R>
void rank1_rows(float *M, const float *v, const float *sg, const B &inv, float *w, int32_t K, int32_t S, int32_t p0) {
    const B zero(0.0f);
    B f[R], acc[R];
    BB live[R];
    float *m[R];
    for (int r = 0; r < R; ++r) {
        f[r] = ld(v + at(p0 + r, 0)) * inv;
        live[r] = ld(sg + at(p0 + r, 0)) != zero;
        acc[r] = zero;
        m[r] = M + static_cast<size_t>(p0 + r) * K * W;
    }
    for (int32_t q = 0; q < S; ++q) {
        const size_t o = at(q, 0);
        const B sq = ld(sg + o), vq = ld(v + o);
        const BB lq = sq != zero;
        for (int r = 0; r < R; ++r) {
            const B x = sel(land(live[r], lq), fmadd(f[r], vq, ld(m[r] + o)), zero);
            stv(m[r] + o, x);
            acc[r] = fmadd(x, sq, acc[r]);
        }
    }
    for (int r = 0; r < R; ++r) stv(w + at(p0 + r, 0), acc[r]);
}

// The rows to solve and where their answers go (lars_lanes_solve_rows' arguments).
struct Rows {
    const float *G, *inv_diag, *C;
    const double *xsq;
    int32_t K, n, max_iter;
    float l1;
    float *A;
    uint8_t *row_fallback;
    int32_t *row_steps;
    bool solve_fallbacks;
};

struct Solver : Rows {
    Work s;
    LanesStats st;
    Outcome out; // of the rows lars_solve solved here
    int32_t next = 0;
    int32_t S = 0; // slots in use by some lane (max nact)

    const float *crow(int32_t i) const { return C + static_cast<size_t>(i) * K; }
    float *arow(int32_t i) const { return A + static_cast<size_t>(i) * K; }
    float &Mel(int32_t p, int32_t q, int32_t l) { return s.M[(static_cast<size_t>(p) * K + q) * W + l]; }
    float &Gsel(int32_t p, int32_t k, int32_t l) { return s.Gs[(static_cast<size_t>(p) * K + k) * W + l]; }
    int32_t act(int32_t p, int32_t l) const { return (s.actW[at(p, l)] - l) / W; }

    void reference(int32_t i) {
        if (!solve_fallbacks) { // the caller solves the flagged rows itself (sfl_enet_encode)
            ++st.fallbacks;
            row_fallback[i] = 1;
            return;
        }
        const Problem pb = gram_problem(G, inv_diag, K, l1, crow(i), xsq ? xsq[i] : 0.0, false);
        sfl_enet_info info;
        out.add(lars_solve(s.ref, pb, max_iter, arow(i), nullptr, nullptr, &info));
        ++st.fallbacks;
        if (row_fallback) row_fallback[i] = 1;
        if (row_steps) row_steps[i] = info.iterations;
    }

    // lars_solve's end-of-path re-solve, in mixed precision: one step of iterative
    // refinement of the lane's float end point x on its support A (signs of x),
    //   x += M (c[A] - l1 sgn(A) - G[A,A] x),   residual in double, M = G[A,A]^-1 (float),
    // which takes the error from float rounding times cond(G[A,A]) to about its square:
    // the code is then the reference's up to double-level rounding whenever the support
    // is the same. Writes row i's code; false (the row goes to lars_solve) when a
    // coefficient is zero or would change sign.
    bool exact_polish(int32_t l, int32_t i) {
        const int32_t na = s.nact[l];
        double *x = s.ref.a, *res = s.ref.r, *sgn = s.ref.sgn;
        int32_t *idx = s.ref.act;
        const float *c = crow(i);
        for (int32_t p = 0; p < na; ++p) {
            idx[p] = act(p, l);
            x[p] = s.w[at(p, l)];
            if (!(x[p] != 0.0)) return false;
            sgn[p] = x[p] > 0.0 ? 1.0 : -1.0;
        }
        // Loops ordered q-outer so the na sums run side by side (no FMA latency chain).
        for (int32_t p = 0; p < na; ++p) res[p] = static_cast<double>(c[idx[p]]) - static_cast<double>(l1) * sgn[p];
        for (int32_t q = 0; q < na; ++q) {
            const float *gq = G + static_cast<size_t>(idx[q]) * K; // G symmetric: row = column
            const double xq = x[q];
            for (int32_t p = 0; p < na; ++p) res[p] -= static_cast<double>(gq[idx[p]]) * xq;
        }
        for (int32_t q = 0; q < na; ++q) {
            const double rq = res[q];
            for (int32_t p = 0; p < na; ++p) x[p] += static_cast<double>(Mel(p, q, l)) * rq;
        }
        float *a = arow(i);
        for (int32_t k = 0; k < K; ++k) a[k] = 0.0f;
        for (int32_t p = 0; p < na; ++p) {
            if (!(x[p] * sgn[p] > 0.0)) return false;
            a[idx[p]] = static_cast<float>(x[p]);
        }
        return true;
    }

    // Next row that needs a lane; blank rows get their zero code here and rows
    // with non-finite c go to the reference directly. -1 when none is left.
    int32_t fetch() {
        while (next < n) {
            const int32_t i = next++;
            const float *c = crow(i);
            float mx = 0.0f;
            int32_t bad = 0;
            for (int32_t j = 0; j < K; ++j) {
                const float v = std::fabs(c[j]);
                bad |= !(v <= 3.4028235e38f); // NaN or Inf
                mx = v > mx ? v : mx;
            }
            if (bad) {
                reference(i);
                continue;
            }
            if (!(mx > l1)) { // lars_solve: the path never starts
                float *a = arow(i);
                for (int32_t j = 0; j < K; ++j) a[j] = 0.0f;
                if (row_steps) row_steps[i] = 0;
                ++st.blank;
                continue;
            }
            return i;
        }
        return -1;
    }

    // Puts row i into idle lane l (its M, a, sg, sgnA are already zero).
    void load(int32_t l, int32_t i) {
        s.row[l] = i;
        s.state[l] = i >= 0 ? kRun : kIdle;
        s.pend_add[l] = -1; // an idle lane keeps no event of its previous row
        s.pend_drop[l] = -1;
        if (i < 0) return;
        const float *c = crow(i);
        // lars_solve's start: lambda = max |c_j|, first index on ties (|c_j| is exact
        // in float and double alike, so the same atom wins).
        float lam = 0.0f;
        int32_t jmax = -1;
        for (int32_t j = 0; j < K; ++j) {
            s.c[at(j, l)] = c[j];
            s.r[at(j, l)] = c[j];
            const float v = std::fabs(c[j]);
            if (v > lam) { lam = v; jmax = j; }
        }
        s.lam[l] = lam;
        s.lastd[l] = -1.0f;
        s.lasts[l] = 0.0f;
        s.steps[l] = 0;
        s.nact[l] = 0;
        s.pend_add[l] = jmax;
        s.pend_drop[l] = -1;
    }

    void run();
    void step_updates();
    void direction_and_step();
    void polish();
};

// Pending adds and drops of every lane as one rank-1 update of M (with w = M sg).
void Solver::step_updates() {
    const size_t kw = static_cast<size_t>(K) * W;
    std::memset(s.v, 0, kw * sizeof(float));
    bool any_add = false, any_drop = false;
    int32_t S_old = 0;
    for (int32_t l = 0; l < W; ++l) {
        s.addf[l] = 0.0f;
        s.inv[l] = 0.0f;
        s.gjj[l] = 1.0f;
        s.jW[l] = l;
        S_old = s.nact[l] > S_old ? s.nact[l] : S_old;
        if (s.state[l] != kRun) continue;
        if (s.pend_add[l] >= 0) {
            const int32_t j = s.pend_add[l], p = s.nact[l];
            const float *gj = G + static_cast<size_t>(j) * K;
            for (int32_t k = 0; k < K; ++k) Gsel(p, k, l) = gj[k]; // G symmetric: row j = column j
            s.jW[l] = j * W + l;
            s.gjj[l] = gj[j];
            s.addf[l] = 1.0f;
            any_add = true;
        } else if (s.pend_drop[l] >= 0) {
            const int32_t p = s.pend_drop[l];
            const float mpp = Mel(p, p, l);
            if (!(mpp > 0.0f) || !std::isfinite(mpp)) {
                s.state[l] = kFail;
                s.pend_drop[l] = -1;
                continue;
            }
            for (int32_t q = 0; q < s.nact[l]; ++q) s.v[at(q, l)] = Mel(q, p, l);
            s.inv[l] = -1.0f / mpp;
            s.sgnA[at(act(p, l), l)] = 0.0f;
            s.sg[at(p, l)] = 0.0f;
            s.a[at(p, l)] = 0.0f;
            any_drop = true;
            if (s.nact[l] == 1) s.state[l] = kFail; // lars_solve restarts the path: leave that to it
        }
    }
    if (any_add) {
        // g_q = G[act[q], j] = Gs[q][j] per lane (0 in lanes without an add), b = M g,
        // d = G_jj - g^T b (the new slot's row of M is zero, so b there is 0)
        const BB addm = ld(s.addf) != B(0.0f);
        for (int32_t q = 0; q < S_old; ++q)
            stv(s.gs + at(q, 0), sel(addm, gather_lanes(s.Gs + static_cast<size_t>(q) * kw, s.jW), B(0.0f)));
        matvec_slots<false>(s.M, s.gs, s.bv, K, S_old, BB(false));
        B d = ld(s.gjj);
        for (int32_t q = 0; q < S_old; ++q) d = fnmadd(ld(s.gs + at(q, 0)), ld(s.bv + at(q, 0)), d);
        stv(s.dd, d);
        for (int32_t q = 0; q < S_old; ++q) stv(s.v + at(q, 0), sel(addm, ld(s.bv + at(q, 0)), ld(s.v + at(q, 0))));
        for (int32_t l = 0; l < W; ++l) {
            if (s.addf[l] == 0.0f) continue;
            const int32_t j = s.pend_add[l], p = s.nact[l];
            s.pend_add[l] = -1;
            if (!(s.dd[l] > kLanePivotHandoff * s.gjj[l]) || !std::isfinite(s.dd[l])) {
                s.state[l] = kFail; // collinear atom (lars_solve leaves it out) or lost precision
                for (int32_t q = 0; q < S_old; ++q) s.v[at(q, l)] = 0.0f;
                continue;
            }
            const float sgn = s.r[at(j, l)] > 0.0f ? 1.0f : -1.0f;
            s.v[at(p, l)] = -1.0f;
            s.inv[l] = 1.0f / s.dd[l];
            s.sg[at(p, l)] = sgn;
            s.sgnA[at(j, l)] = sgn;
            s.actW[at(p, l)] = j * W + l;
            s.nact[l] = p + 1;
        }
    }
    S = 0;
    for (int32_t l = 0; l < W; ++l) S = s.nact[l] > S ? s.nact[l] : S;
    // Fused pass: M = [live_p & live_q] (M + f v^T), f = inv v; w = M sg.
    const B inv = ld(s.inv);
    int32_t p = 0;
    for (; p + 4 <= S; p += 4) rank1_rows<4>(s.M, s.v, s.sg, inv, s.w, K, S, p);
    for (; p < S; ++p) rank1_rows<1>(s.M, s.v, s.sg, inv, s.w, K, S, p);
    if (!any_drop) return;
    // Dropped slots: the last slot of the lane moves into the hole (M stays the
    // inverse of G[A,A] under the symmetric permutation).
    for (int32_t l = 0; l < W; ++l) {
        // Only drops applied above (inv < 0): a lane that stopped running with a
        // drop pending (step bound) is left as it is for lars_solve.
        if (s.pend_drop[l] < 0 || !(s.inv[l] < 0.0f)) {
            s.pend_drop[l] = -1;
            continue;
        }
        const int32_t d = s.pend_drop[l], last = --s.nact[l];
        s.pend_drop[l] = -1;
        if (d == last) continue;
        for (int32_t q = 0; q <= last; ++q) Mel(d, q, l) = Mel(last, q, l);
        for (int32_t q = 0; q <= last; ++q) Mel(q, d, l) = Mel(q, last, l);
        Mel(d, d, l) = Mel(last, last, l);
        for (int32_t q = 0; q <= last; ++q) Mel(last, q, l) = Mel(q, last, l) = 0.0f;
        for (int32_t k = 0; k < K; ++k) Gsel(d, k, l) = Gsel(last, k, l);
        s.a[at(d, l)] = s.a[at(last, l)];
        s.sg[at(d, l)] = s.sg[at(last, l)];
        s.w[at(d, l)] = s.w[at(last, l)];
        s.actW[at(d, l)] = s.actW[at(last, l)];
        s.a[at(last, l)] = s.sg[at(last, l)] = s.w[at(last, l)] = 0.0f;
        s.actW[at(last, l)] = l;
    }
}

// u = G[:, A] w, the step to the next event per lane, and the update of a, r,
// lambda (lars_solve's loop body).
void Solver::direction_and_step() {
    matvec_gs<false>(s.Gs, s.w, s.u, nullptr, K, S);
    const B zero(0.0f), one(1.0f), lam = ld(s.lam), lastd = ld(s.lastd), lasts = ld(s.lasts);
    const BB skip_pos = lasts > zero, skip_neg = lasts < zero;
    B gamma = lam - B(l1), ev(-1.0f), kind(0.0f);
    // Joining atoms: |r_j - gamma u_j| = lambda - gamma; negative numerators are
    // rounding drift (clamped to 0); the atom dropped last step may only return
    // with the opposite sign. First every atom's candidate (+inf if none; the +
    // crossing wins ties like lars_solve's scan order), in bv; the divisions are
    // independent. Then the running minimum, first index on ties.
    const B inf(INFINITY);
    for (int32_t j = 0; j < K; ++j) {
        const B rj = ld(s.r + at(j, 0)), uj = ld(s.u + at(j, 0)), jb(static_cast<float>(j));
        const BB inactive = ld(s.sgnA + at(j, 0)) == zero, was_dropped = lastd == jb;
        const B den1 = one - uj, den2 = one + uj;
        const BB ok1 = land(land(inactive, den1 > zero), lnot(land(was_dropped, skip_pos)));
        const BB ok2 = land(land(inactive, den2 > zero), lnot(land(was_dropped, skip_neg)));
        const B g1 = sel(ok1, vmax((lam - rj) / sel(ok1, den1, one), zero), inf);
        const B g2 = sel(ok2, vmax((lam + rj) / sel(ok2, den2, one), zero), inf);
        stv(s.bv + at(j, 0), sel(g2 < g1, g2, g1));
    }
    for (int32_t j = 0; j < K; ++j) {
        const B g = ld(s.bv + at(j, 0));
        const BB t = g < gamma;
        gamma = sel(t, g, gamma);
        ev = sel(t, B(static_cast<float>(j)), ev);
    }
    kind = sel(ev >= zero, one, zero);
    // Active coefficients crossing zero (the lasso modification); ev is the slot.
    for (int32_t p = 0; p < S; ++p) {
        const B wp = ld(s.w + at(p, 0));
        const BB ok = land(ld(s.sg + at(p, 0)) != zero, wp != zero);
        const B g = -ld(s.a + at(p, 0)) / sel(ok, wp, one);
        stv(s.gs + at(p, 0), sel(land(ok, g > zero), g, inf));
    }
    for (int32_t p = 0; p < S; ++p) {
        const B g = ld(s.gs + at(p, 0));
        const BB t = g < gamma;
        gamma = sel(t, g, gamma);
        ev = sel(t, B(static_cast<float>(p)), ev);
        kind = sel(t, B(2.0f), kind);
    }
    gamma = sel(ld(s.runf) != zero, gamma, zero);
    const B lam2 = lam - gamma;
    for (int32_t p = 0; p < S; ++p) stv(s.a + at(p, 0), fmadd(gamma, ld(s.w + at(p, 0)), ld(s.a + at(p, 0))));
    for (int32_t k = 0; k < K; ++k) {
        const B sk = ld(s.sgnA + at(k, 0));
        const B rk = fnmadd(gamma, ld(s.u + at(k, 0)), ld(s.r + at(k, 0)));
        stv(s.r + at(k, 0), sel(sk != zero, lam2 * sk, rk));
    }
    stv(s.lam, lam2);
    stv(s.gam, gamma);
    stv(s.ev, ev);
    stv(s.kind, kind);
}

// End of path for the lanes in state kDone / kFail: the KKT check of a (a lane that
// fails it goes to lars_solve), then a + M (c - l1 sgn - G a)[A] (one refinement
// step standing in for lars_solve's re-solve from c), kept only if no sign flips;
// the output, and M, a, sg, sgnA of those lanes reset.
void Solver::polish() {
    const B zero(0.0f), vl1(l1);
    for (int32_t l = 0; l < W; ++l) s.finf[l] = (s.state[l] == kDone || s.state[l] == kFail) ? 1.0f : 0.0f;
    const BB fin = ld(s.finf) != zero;
    S = 0;
    for (int32_t l = 0; l < W; ++l) S = s.nact[l] > S ? s.nact[l] : S;
    // r = c - G a (in u), t = |c| + sum |G_kp a_p|, and the KKT check of a.
    matvec_gs<true>(s.Gs, s.a, s.u, s.t, K, S);
    BB bad = BB(false);
    for (int32_t k = 0; k < K; ++k) {
        const B ck = ld(s.c + at(k, 0)), sk = ld(s.sgnA + at(k, 0)), rk = ck - ld(s.u + at(k, 0));
        stv(s.u + at(k, 0), rk);
        const B tol = B(kKktRel * l1) + B(kKktTerms) * (vabs(ck) + ld(s.t + at(k, 0)));
        const B viol = sel(sk != zero, vabs(fnmadd(vl1, sk, rk)), vabs(rk) - vl1);
        bad = lor(bad, lnot(viol <= tol)); // NaN counts as bad
    }
    stv(s.dd, sel(bad, B(1.0f), zero));
    // v = (r - l1 sgn)[A] by slot (the drift of the active equations), bv = M v; a
    // finished lane's M becomes zero on the way.
    for (int32_t p = 0; p < S; ++p) {
        const B sp = ld(s.sg + at(p, 0));
        stv(s.v + at(p, 0), sel(sp != zero, fnmadd(vl1, sp, gather_lanes(s.u, s.actW + at(p, 0))), zero));
    }
    matvec_slots<false>(s.M, s.v, s.bv, K, S, BB(false)); // M stays for exact_polish
    BB flip = BB(false);
    for (int32_t p = 0; p < S; ++p) {
        const B ap = ld(s.a + at(p, 0)) + ld(s.bv + at(p, 0)), sp = ld(s.sg + at(p, 0));
        stv(s.w + at(p, 0), ap);
        flip = lor(flip, land(sp != zero, !(ap * sp > zero)));
    }
    for (int32_t p = 0; p < S; ++p) stv(s.w + at(p, 0), sel(flip, ld(s.a + at(p, 0)), ld(s.w + at(p, 0))));
    // Finished lanes start over with a, sg, sgnA zero (and M, below, after exact_polish;
    // stale act entries of unused slots are harmless: always masked by sg = 0).
    for (int32_t k = 0; k < K; ++k) {
        stv(s.sgnA + at(k, 0), sel(fin, zero, ld(s.sgnA + at(k, 0))));
        if (k < S) {
            stv(s.a + at(k, 0), sel(fin, zero, ld(s.a + at(k, 0))));
            stv(s.sg + at(k, 0), sel(fin, zero, ld(s.sg + at(k, 0))));
        }
    }
    for (int32_t l = 0; l < W; ++l) {
        if (s.finf[l] == 0.0f) continue;
        const int32_t i = s.row[l];
        if (s.state[l] == kFail || s.dd[l] != 0.0f || !exact_polish(l, i)) {
            reference(i);
        } else if (row_steps) {
            row_steps[i] = s.steps[l];
        }
        for (int32_t p = 0; p < s.nact[l]; ++p) // M is zero outside the active block
            for (int32_t q = 0; q < s.nact[l]; ++q) Mel(p, q, l) = 0.0f;
        s.nact[l] = 0;
        load(l, fetch());
    }
}

void Solver::run() {
    for (int32_t l = 0; l < W; ++l) load(l, fetch());
    for (;;) {
        int32_t running = 0, finished = 0;
        for (int32_t l = 0; l < W; ++l) {
            if (s.state[l] == kRun && s.steps[l] >= max_iter) s.state[l] = kFail; // lars_solve's hit_limit
            running += s.state[l] == kRun;
            finished += s.state[l] == kDone || s.state[l] == kFail;
        }
        if (finished > 0 && (finished >= kPolishBatch || running == 0)) {
            polish();
            continue;
        }
        if (running == 0) break;
        step_updates();
        for (int32_t l = 0; l < W; ++l) s.runf[l] = s.state[l] == kRun ? 1.0f : 0.0f;
        direction_and_step();
        for (int32_t l = 0; l < W; ++l) {
            if (s.state[l] != kRun) continue;
            ++s.steps[l];
            s.lastd[l] = -1.0f;
            if (!std::isfinite(s.gam[l]) || !std::isfinite(s.lam[l])) {
                s.state[l] = kFail;
                continue;
            }
            const int32_t e = static_cast<int32_t>(s.ev[l]);
            if (s.kind[l] == 1.0f) {
                s.pend_add[l] = e;
            } else if (s.kind[l] == 2.0f) {
                s.pend_drop[l] = e; // a slot
                s.lastd[l] = static_cast<float>(act(e, l));
                s.lasts[l] = s.sg[at(e, l)];
            } else {
                s.state[l] = kDone; // lambda reached l1
            }
        }
    }
}

} // namespace

int32_t lars_lanes_width() { return W; }

size_t lars_lanes_workspace_bytes(int32_t K) { return lars_lanes_workspace_bytes_for(K, W); }

size_t lars_lanes_workspace_bytes_for(int32_t K, int32_t lanes) {
    if (K < 1 || K > kLanesMaxK || lanes < W) return 0;
    Arena counting;
    (void)Work::carve(counting, K, lanes);
    return counting.used();
}

sfl_status lars_lanes_solve_rows(void *ws, size_t ws_bytes, const float *G, const float *inv_diag, int32_t K, float l1,
                                 int32_t n, const float *C, const double *x_sqnorm, int32_t max_iter, float *A,
                                 LanesStats *stats, uint8_t *row_fallback, int32_t *row_steps,
                                 bool solve_fallbacks) {
    if (stats) *stats = LanesStats{};
    if (K < 1 || K > kLanesMaxK || n < 0) return SFL_ERR_BAD_DIMS;
    if (row_fallback)
        for (int32_t i = 0; i < n; ++i) row_fallback[i] = 0;
    if (n == 0) return SFL_OK;
    if (!ws || !G || !C || !A || (!solve_fallbacks && !row_fallback)) return SFL_ERR_NULL_ARG;
    if (!is_aligned(ws)) return SFL_ERR_MISALIGNED;
    const size_t need = lars_lanes_workspace_bytes(K);
    if (ws_bytes < need) return SFL_ERR_WORKSPACE_TOO_SMALL;
    std::memset(ws, 0, need); // all lanes idle: zero state, M = 0
    Arena arena(ws, ws_bytes);
    Solver sv;
    static_cast<Rows &>(sv) = Rows{G, inv_diag, C, x_sqnorm, K, n, max_iter, l1, A, row_fallback, row_steps,
                                   solve_fallbacks};
    sv.s = Work::carve(arena, K);
    for (int32_t p = 0; p < K; ++p)
        for (int32_t l = 0; l < W; ++l) sv.s.actW[at(p, l)] = l; // unused slots point at atom 0
    sv.run();
    if (stats) *stats = sv.st;
    return sv.out.worst_row();
}

} // namespace enet
} // namespace sfl
