// Double-precision reference of the layers' loss, for finite differences.
//
// With the support S and the signs of every code held fixed (those the library
// found), the elastic-net code is the closed form
//     a_S = (P_S^T P_S + l2 I)^-1 (P_S^T x - l1 sign_S),  a = 0 off S,
// valid while the perturbed problem keeps that support; each evaluation checks
// it through the KKT conditions of the perturbed problem (signs unchanged,
// |P_j^T (x - P a) - l2 a_j| < l1 off S, or that without the absolute value for
// non-negative codes, whose signs are all +1). The losses whose gradients the library returns are
//     T_P = sum_i flag_i sup_weight <g_i, a_i> + mu sum_i lU_i              (dP)
//     T_X = sum_i flag_i input_sup_weight <g_i, a_i> + input_lu_weight sum_i lU_i   (dX)
// (sfl_layers.h, sfl_loss_mix), summed over patches for CSF. Central differences of
// T_X and T_P in double are compared with the library's float32 dX and dP. Header-only; shared by sfl-gradcheck
// and the tests.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "layer_case.hpp"

namespace sfl_gradcheck {

// Support and signs of one code.
struct Pattern {
    std::vector<int32_t> S;
    std::vector<double> sign;
};

class Reference {
public:
    Reference(const Case &c, const std::vector<float> &A) : c_(c), P_(c.P.begin(), c.P.end()), X_(c.X.begin(), c.X.end()) {
        pat_.resize(size_t(c.rows()));
        for (int64_t r = 0; r < c.rows(); ++r)
            for (int32_t j = 0; j < c.K; ++j) {
                const float a = A[size_t(r) * c.K + j];
                if (a != 0.0f) {
                    pat_[size_t(r)].S.push_back(j);
                    pat_[size_t(r)].sign.push_back(a > 0 ? 1.0 : -1.0);
                }
            }
        for (int32_t i = 0; i < c.n; ++i) sample(i, &base_margin_, Weights::P);
    }

    // Smallest KKT margin at the unperturbed point (> 0: the library's support is the exact one).
    double base_margin() const { return base_margin_; }
    // lU of sample i at the unperturbed point (the mix ignored).
    double lu(int32_t i) const {
        double margin = 1e300;
        return sample(i, &margin, Weights::LuOnly);
    }

    // Central differences of T_P (wrt_P) or T_X with respect to the listed entries of P or X.
    // unstable counts evaluations where the support or a sign would change.
    std::vector<double> fd(bool wrt_P, const std::vector<int64_t> &entries, double h, int64_t *unstable) {
        std::vector<double> out;
        out.reserve(entries.size());
        for (int64_t e : entries) {
            std::vector<double> &v = wrt_P ? P_ : X_;
            const double keep = v[size_t(e)];
            // With many patches some sit close to a support change (a KKT tie): the
            // closed form is smooth in double, so retry with smaller steps before
            // calling the entry unstable.
            double d = 0.0;
            int64_t bad = 1;
            for (double step = h; step >= h * 1e-4 && bad > 0; step *= 0.01) {
                bad = 0;
                v[size_t(e)] = keep + step;
                const double tp = perturbed_total(wrt_P, e, &bad);
                v[size_t(e)] = keep - step;
                const double tm = perturbed_total(wrt_P, e, &bad);
                d = (tp - tm) / (2.0 * step);
            }
            v[size_t(e)] = keep;
            *unstable += bad > 0 ? 1 : 0;
            out.push_back(d);
        }
        return out;
    }

private:
    Case c_;
    std::vector<double> P_, X_;
    std::vector<Pattern> pat_;
    double base_margin_ = 1e300;

    // Which loss: T_P, T_X, or lU alone.
    enum class Weights { P, X, LuOnly };

    // T_P over every sample, or sample i's part of T_X (an entry of X moves only its
    // own sample; the others' constant part cancels in the difference).
    double perturbed_total(bool wrt_P, int64_t e, int64_t *unstable) {
        double margin = 1e300;
        double t = 0.0;
        if (wrt_P) {
            for (int32_t i = 0; i < c_.n; ++i) t += sample(i, &margin, Weights::P);
        } else {
            t = sample(int32_t(e / c_.sample_len()), &margin, Weights::X);
        }
        if (!(margin > 0.0)) ++*unstable;
        return t;
    }

    // (weight of <g, a>, weight of lU) of sample i in the loss `which`.
    void weights(int32_t i, Weights which, double *w, double *mu) const {
        const bool lab = c_.labelled.empty() || c_.labelled[size_t(i)] != 0;
        const sfl_loss_mix &x = c_.mix;
        *w = which == Weights::LuOnly || !lab ? 0.0 : double(which == Weights::P ? x.sup_weight : x.input_sup_weight);
        *mu = which == Weights::LuOnly ? 1.0 : double(which == Weights::P ? x.mu : x.input_lu_weight);
    }

    // Patch p of image i (or the signal i for SF), from the definition of sfl_patch.h.
    void signal(int32_t i, int64_t p, double *x) const {
        const double *src = X_.data() + size_t(i) * size_t(c_.sample_len());
        if (!c_.csf) {
            std::copy(src, src + c_.m, x);
            return;
        }
        const sfl_patch_params &q = c_.patch;
        const int32_t H = c_.image.h, W = c_.image.w, C = c_.image.c;
        const int32_t oy = int32_t(p / c_.ow), ox = int32_t(p % c_.ow);
        for (int32_t dy = 0; dy < q.kernel.h; ++dy)
            for (int32_t dx = 0; dx < q.kernel.w; ++dx)
                for (int32_t ch = 0; ch < C; ++ch) {
                    const int32_t y = oy * q.stride.h - q.padding.h + dy, xx = ox * q.stride.w - q.padding.w + dx;
                    const bool in = y >= 0 && y < H && xx >= 0 && xx < W;
                    x[(dy * q.kernel.w + dx) * C + ch] = in ? src[(size_t(y) * W + xx) * C + ch] : 0.0;
                }
    }

    // Contribution of sample i to the loss `which`; lowers *margin to the smallest KKT margin seen.
    double sample(int32_t i, double *margin, Weights which) const {
        std::vector<double> x(size_t(c_.m));
        double w = 0.0, mu = 0.0;
        weights(i, which, &w, &mu);
        double t = 0.0;
        for (int64_t p = 0; p < c_.rows_per_sample(); ++p) {
            const int64_t row = i * c_.rows_per_sample() + p;
            signal(i, p, x.data());
            t += row_value(x.data(), pat_[size_t(row)], c_.dA.data() + size_t(row) * c_.K, w, mu, margin);
        }
        return t;
    }

    // w <g, a> + mu lU of one code with the pattern held fixed.
    double row_value(const double *x, const Pattern &pt, const float *g, double w, double mu, double *margin) const {
        const int32_t m = c_.m, K = c_.K, s = int32_t(pt.S.size());
        const double l1 = c_.l1, l2 = c_.l2;
        auto P = [&](int32_t r, int32_t j) { return P_[size_t(r) * K + j]; };
        std::vector<double> L(static_cast<size_t>(s) * static_cast<size_t>(s)), a(static_cast<size_t>(s));
        for (int32_t u = 0; u < s; ++u) {
            double rhs = -l1 * pt.sign[size_t(u)];
            for (int32_t r = 0; r < m; ++r) rhs += P(r, pt.S[size_t(u)]) * x[r];
            a[size_t(u)] = rhs;
            for (int32_t v = 0; v <= u; ++v) {
                double gv = u == v ? l2 : 0.0;
                for (int32_t r = 0; r < m; ++r) gv += P(r, pt.S[size_t(u)]) * P(r, pt.S[size_t(v)]);
                for (int32_t k = 0; k < v; ++k) gv -= L[size_t(u) * s + k] * L[size_t(v) * s + k];
                L[size_t(u) * s + v] = u == v ? std::sqrt(std::max(gv, 1e-300)) : gv / L[size_t(v) * s + v];
            }
        }
        for (int32_t u = 0; u < s; ++u) {
            for (int32_t k = 0; k < u; ++k) a[size_t(u)] -= L[size_t(u) * s + k] * a[size_t(k)];
            a[size_t(u)] /= L[size_t(u) * s + u];
        }
        for (int32_t u = s - 1; u >= 0; --u) {
            for (int32_t k = u + 1; k < s; ++k) a[size_t(u)] -= L[size_t(k) * s + u] * a[size_t(k)];
            a[size_t(u)] /= L[size_t(u) * s + u];
        }
        std::vector<double> res(x, x + m);
        for (int32_t u = 0; u < s; ++u)
            for (int32_t r = 0; r < m; ++r) res[size_t(r)] -= P(r, pt.S[size_t(u)]) * a[size_t(u)];
        double lu = 0.0, ga = 0.0;
        for (int32_t r = 0; r < m; ++r) lu += 0.5 * res[size_t(r)] * res[size_t(r)];
        for (int32_t u = 0; u < s; ++u) {
            lu += l1 * std::fabs(a[size_t(u)]) + 0.5 * l2 * a[size_t(u)] * a[size_t(u)];
            ga += double(g[pt.S[size_t(u)]]) * a[size_t(u)];
            *margin = std::min(*margin, a[size_t(u)] * pt.sign[size_t(u)]);
        }
        for (int32_t j = 0, u = 0; j < K; ++j) {
            if (u < s && pt.S[size_t(u)] == j) { ++u; continue; }
            double rj = 0.0;
            for (int32_t r = 0; r < m; ++r) rj += P(r, j) * res[size_t(r)];
            // Off S: |r_j| < l1, or r_j < l1 for non-negative codes.
            *margin = std::min(*margin, l1 - (c_.positive ? rj : std::fabs(rj)));
        }
        return w * ga + mu * lu;
    }
};

// max_e |analytic_e - fd_e| / max_e |fd_e|: the error relative to the gradient's scale.
inline double relative_error(const std::vector<float> &analytic, const std::vector<int64_t> &entries,
                             const std::vector<double> &fd) {
    double diff = 0.0, scale = 0.0;
    for (size_t k = 0; k < entries.size(); ++k) {
        diff = std::max(diff, std::fabs(double(analytic[size_t(entries[k])]) - fd[k]));
        scale = std::max(scale, std::fabs(fd[k]));
    }
    return scale > 0.0 ? diff / scale : diff;
}

// All of 0 .. count-1 if count <= max_entries, else max_entries of them at random.
inline std::vector<int64_t> pick_entries(int64_t count, int64_t max_entries, unsigned seed) {
    std::vector<int64_t> e(static_cast<size_t>(count));
    for (int64_t k = 0; k < count; ++k) e[size_t(k)] = k;
    if (count > max_entries) {
        std::mt19937 rng(seed);
        std::shuffle(e.begin(), e.end(), rng);
        e.resize(size_t(max_entries));
        std::sort(e.begin(), e.end());
    }
    return e;
}

// Entries of P to difference: all if there are at most max_entries, else mostly
// entries of atoms used by some code (the others have a zero gradient), plus a
// tenth drawn from the whole dictionary.
inline std::vector<int64_t> pick_dict_entries(const Case &c, const std::vector<float> &A, int64_t max_entries,
                                              unsigned seed) {
    const int64_t count = int64_t(c.P.size());
    if (count <= max_entries) return pick_entries(count, max_entries, seed);
    std::vector<char> used(static_cast<size_t>(c.K), 0);
    for (size_t e = 0; e < A.size(); ++e)
        if (A[e] != 0.0f) used[e % size_t(c.K)] = 1;
    std::vector<int64_t> active;
    for (int64_t e = 0; e < count; ++e)
        if (used[size_t(e % c.K)]) active.push_back(e);
    std::mt19937 rng(seed);
    std::shuffle(active.begin(), active.end(), rng);
    const size_t want_active = size_t(max_entries - max_entries / 10);
    if (active.size() > want_active) active.resize(want_active);
    std::vector<int64_t> rest = pick_entries(count, max_entries - int64_t(active.size()), seed + 1);
    active.insert(active.end(), rest.begin(), rest.end());
    std::sort(active.begin(), active.end());
    active.erase(std::unique(active.begin(), active.end()), active.end());
    return active;
}

struct GradCheck {
    LibResult lib;
    double margin = 0.0;       // KKT margin of the library's supports at the base point (> 0 needed)
    double err_dX = 0.0;       // relative error of dX against finite differences
    double err_dP = 0.0;       // same for dP
    double err_lu = 0.0;       // max relative error of the library's lU values
    int64_t unstable = 0;      // perturbed evaluations whose support would change
    int64_t entries_X = 0, entries_P = 0;
    bool ok(double tol) const {
        return lib.ok() && margin > 0.0 && unstable == 0 && err_dX <= tol && err_dP <= tol && err_lu <= tol;
    }
};

// Library forward + backward on c, then finite differences (step h) of T in
// double over at most max_entries entries of X and of P.
inline GradCheck check_gradients(const Case &c, int64_t max_entries, unsigned seed, double h = 1e-5) {
    GradCheck out;
    out.lib = run_library(c);
    if (!out.lib.ok()) return out;
    Reference ref(c, out.lib.A);
    out.margin = ref.base_margin();
    for (int32_t i = 0; i < c.n; ++i) {
        const double want = ref.lu(i);
        out.err_lu = std::max(out.err_lu, std::fabs(double(out.lib.lu[size_t(i)]) - want) / std::max(std::fabs(want), 1e-30));
    }
    const std::vector<int64_t> ex = pick_entries(int64_t(c.X.size()), max_entries, seed);
    const std::vector<int64_t> ep = pick_dict_entries(c, out.lib.A, max_entries, seed + 1);
    out.entries_X = int64_t(ex.size());
    out.entries_P = int64_t(ep.size());
    out.err_dX = relative_error(out.lib.dX, ex, ref.fd(false, ex, h, &out.unstable));
    out.err_dP = relative_error(out.lib.dP, ep, ref.fd(true, ep, h, &out.unstable));
    return out;
}

} // namespace sfl_gradcheck
