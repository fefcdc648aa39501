// degenerate_cases.hpp - degenerate elastic-net problems (issue 8, robustness),
// shared by tests/test_enet_degenerate.cpp (the checks) and
// tests/degenerate_table.cpp (the table in docs/robustness.md).
//
// Each case is a dictionary P, a few signals X and (l1, l2). Every signal is
// solved with LARS and CD, through sfl_enet_solve (c = P^T x in double, rounded)
// and sfl_enet_encode (c from the library's float GEMM), and compared with a
// double-precision coordinate descent run to a KKT residual of 1e-13 of its
// scale (reference_cd): objective, KKT violation (both recomputed in double
// from P, x and the float code) and, where the minimiser is unique, the code.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "sfl/sfl_enet.h"
#include "enet_test_util.hpp"

namespace sfl_degen {

using sfl_test::Matrix;

struct Case {
    std::string name;
    Matrix P;            // m x K
    Matrix X;            // n x m, one signal per row
    float l1 = 0.0f;
    float l2 = 0.0f;
    bool unique = true;  // the minimiser is unique: codes are compared with the reference too
};

// ---- the reference: coordinate descent in double ----

struct Reference {
    std::vector<double> a; // the code
    double obj = 0.0;      // 1/2||x - Pa||^2 + l1||a||_1 + l2/2||a||^2
    double f0 = 0.0;       // the objective of a = 0: 1/2||x||^2
    double kkt = 0.0;      // its KKT violation (absolute)
    int32_t sweeps = 0;
};

// G = P^T P + l2 I in double from the float P (the problem the library solves, before its rounding).
inline std::vector<double> gram(const Matrix &P, double l2) {
    const int32_t m = P.rows, K = P.cols;
    std::vector<double> G(size_t(K) * size_t(K), 0.0);
    for (int32_t i = 0; i < m; ++i) {
        const float *p = P.row(i);
        for (int32_t j = 0; j < K; ++j)
            for (int32_t k = 0; k < K; ++k) G[size_t(j) * size_t(K) + size_t(k)] += double(p[j]) * p[k];
    }
    for (int32_t j = 0; j < K; ++j) G[size_t(j) * size_t(K) + size_t(j)] += l2;
    return G;
}

inline double soft(double z, double t) { return z > t ? z - t : (z < -t ? z + t : 0.0); }

inline double objective_d(const Matrix &P, const float *x, const std::vector<double> &a, double l1, double l2) {
    double res2 = 0.0, n1 = 0.0, n2 = 0.0;
    for (int32_t i = 0; i < P.rows; ++i) {
        double pa = 0.0;
        for (int32_t k = 0; k < P.cols; ++k) pa += double(P.row(i)[k]) * a[size_t(k)];
        res2 += (double(x[i]) - pa) * (double(x[i]) - pa);
    }
    for (double v : a) {
        n1 += std::fabs(v);
        n2 += v * v;
    }
    return 0.5 * res2 + l1 * n1 + 0.5 * l2 * n2;
}

// Cyclic CD on (G, c) in double, r = c - G a recomputed exactly every 8 sweeps;
// stops when max_j KKT violation <= 1e-13 * max_j (|c_j| + sum_k |G_jk a_k|).
inline Reference reference_cd(const Matrix &P, const float *x, double l1, double l2) {
    const int32_t K = P.cols;
    const std::vector<double> G = gram(P, l2);
    const std::vector<double> c = sfl_test::correlations(P, x);
    Reference ref;
    ref.a.assign(size_t(K), 0.0);
    for (int32_t i = 0; i < P.rows; ++i) ref.f0 += 0.5 * double(x[i]) * x[i];
    std::vector<double> r = c;
    auto gjk = [&](int32_t j, int32_t k) { return G[size_t(j) * size_t(K) + size_t(k)]; };
    for (int32_t sweep = 1; sweep <= 2000000; ++sweep) {
        for (int32_t j = 0; j < K; ++j) {
            const double aj = ref.a[size_t(j)];
            const double anew = soft(r[size_t(j)] + gjk(j, j) * aj, l1) / gjk(j, j);
            const double d = anew - aj;
            if (d == 0.0) continue;
            ref.a[size_t(j)] = anew;
            for (int32_t k = 0; k < K; ++k) r[size_t(k)] -= d * gjk(j, k);
        }
        if (sweep % 8 != 1) continue;
        double viol = 0.0, scale = 0.0;
        for (int32_t j = 0; j < K; ++j) {
            double s = c[size_t(j)], mag = std::fabs(c[size_t(j)]);
            for (int32_t k = 0; k < K; ++k) {
                s -= gjk(j, k) * ref.a[size_t(k)];
                mag += std::fabs(gjk(j, k) * ref.a[size_t(k)]);
            }
            r[size_t(j)] = s;
            const double aj = ref.a[size_t(j)];
            const double v = aj != 0.0 ? std::fabs(s - (aj > 0 ? l1 : -l1)) : std::max(0.0, std::fabs(s) - l1);
            viol = std::max(viol, v);
            scale = std::max(scale, mag);
        }
        ref.sweeps = sweep;
        ref.kkt = viol;
        if (viol <= 1e-13 * scale) break;
    }
    ref.obj = objective_d(P, x, ref.a, l1, l2);
    return ref;
}

// ---- one solve of one signal ----

struct Run {
    sfl_enet_solver solver = SFL_ENET_LARS;
    bool encode = false;       // sfl_enet_encode (else sfl_enet_solve)
    int32_t signal = 0;
    sfl_status status = SFL_OK;
    sfl_enet_info info{};
    std::vector<float> a;
    bool finite = true;        // every code entry finite
    int32_t support = 0;       // non-zeros of the code
    double obj = 0.0;          // objective in double from (P, x, a)
    double ref_obj = 0.0;
    double f0 = 0.0;           // 1/2 ||x||^2
    double rel_gap = 0.0;      // (obj - ref_obj) / f0 (0 when f0 = obj = ref_obj = 0)
    double kkt = 0.0;          // KKT violation in double from (P, x, a), absolute
    double kkt_scale = 0.0;    // max_j (|c_j| + sum_k |G_jk a_k|): the size of the terms of r = c - G a
    double rel_kkt = 0.0;      // kkt / kkt_scale (0 when both are 0)
    double code_err = 0.0;     // ||a - a_ref||_inf / max(||a_ref||_inf, tiny)
};

inline double ratio(double num, double den) {
    if (den > 0.0) return num / den;
    return num == 0.0 ? 0.0 : INFINITY;
}

inline void measure(const Case &cs, const Reference &ref, const float *x, Run &run) {
    const int32_t K = cs.P.cols;
    run.finite = true;
    run.support = 0;
    for (float v : run.a) {
        run.finite = run.finite && std::isfinite(v);
        run.support += v != 0.0f;
    }
    if (!run.finite) {
        run.obj = run.rel_gap = run.kkt = run.rel_kkt = run.code_err = NAN;
        return;
    }
    run.obj = sfl_test::objective(cs.P, x, run.a.data(), cs.l1, cs.l2);
    run.ref_obj = ref.obj;
    run.f0 = ref.f0;
    run.rel_gap = ratio(run.obj - ref.obj, ref.f0);
    run.kkt = sfl_test::kkt_violation(cs.P, x, run.a.data(), cs.l1, cs.l2);
    const std::vector<double> G = gram(cs.P, cs.l2);
    const std::vector<double> c = sfl_test::correlations(cs.P, x);
    double scale = 0.0, amax = 0.0, err = 0.0;
    for (int32_t j = 0; j < K; ++j) {
        double mag = std::fabs(c[size_t(j)]);
        for (int32_t k = 0; k < K; ++k) mag += std::fabs(G[size_t(j) * size_t(K) + size_t(k)] * run.a[size_t(k)]);
        scale = std::max(scale, mag);
        amax = std::max(amax, std::fabs(ref.a[size_t(j)]));
        err = std::max(err, std::fabs(double(run.a[size_t(j)]) - ref.a[size_t(j)]));
    }
    run.kkt_scale = scale;
    run.rel_kkt = ratio(run.kkt, scale);
    run.code_err = ratio(err, amax);
}

// Default parameters (CD tol 1e-6, default iteration bounds) with the case's l1, l2.
inline sfl_enet_params params_for(const Case &cs, sfl_enet_solver solver) {
    return sfl_test::make_params(solver, cs.l1, cs.l2);
}

// Every signal of the case with one solver, through sfl_enet_solve then sfl_enet_encode.
inline std::vector<Run> run_case(const Case &cs, sfl_enet_solver solver) {
    const sfl_test::Plan plan = sfl_test::make_plan(cs.P, cs.l2);
    const sfl_enet_params params = params_for(cs, solver);
    const int32_t n = cs.X.rows, K = cs.P.cols;
    std::vector<Reference> refs;
    for (int32_t i = 0; i < n; ++i) refs.push_back(reference_cd(cs.P, cs.X.row(i), cs.l1, cs.l2));
    std::vector<Run> runs;
    for (int32_t i = 0; i < n; ++i) {
        const sfl_test::SolveResult s = sfl_test::solve(plan, params, cs.P, cs.X.row(i));
        Run run;
        run.solver = solver;
        run.encode = false;
        run.signal = i;
        run.status = s.status;
        run.info = s.info;
        run.a = s.a;
        measure(cs, refs[size_t(i)], cs.X.row(i), run);
        runs.push_back(run);
    }
    const sfl_test::EncodeResult e = sfl_test::encode(plan, params, cs.P, cs.X);
    for (int32_t i = 0; i < n; ++i) {
        Run run;
        run.solver = solver;
        run.encode = true;
        run.signal = i;
        run.status = static_cast<sfl_status>(e.info[size_t(i)].status);
        run.info = e.info[size_t(i)];
        run.a.assign(e.A.begin() + ptrdiff_t(i) * K, e.A.begin() + ptrdiff_t(i + 1) * K);
        measure(cs, refs[size_t(i)], cs.X.row(i), run);
        runs.push_back(run);
    }
    return runs;
}

// ---- building the cases ----

// m x K unit-norm Gaussian atoms.
inline Matrix unit_dictionary(int32_t m, int32_t K, uint32_t seed) {
    std::mt19937 rng(seed);
    Matrix P = sfl_test::gaussian(m, K, rng);
    sfl_test::normalize_columns(P);
    return P;
}

// n unit-norm signals: even rows Gaussian, odd rows atom `near` plus 30 % noise
// (so that atom, and any copy of it, takes part in the code).
inline Matrix signals(const Matrix &P, int32_t n, int32_t near, uint32_t seed) {
    std::mt19937 rng(seed);
    Matrix X = sfl_test::gaussian(n, P.rows, rng);
    for (int32_t i = 1; i < n; i += 2) {
        double nn = 0.0;
        for (int32_t r = 0; r < P.rows; ++r) nn += double(X.row(i)[r]) * X.row(i)[r];
        const double s = 0.3 / std::sqrt(nn);
        for (int32_t r = 0; r < P.rows; ++r) X.row(i)[r] = float(P.row(r)[near] + s * X.row(i)[r]);
    }
    sfl_test::normalize_rows(X);
    return X;
}

// Column dst of P := factor * column src.
inline void copy_atom(Matrix &P, int32_t src, int32_t dst, float factor) {
    for (int32_t r = 0; r < P.rows; ++r) P.row(r)[dst] = factor * P.row(r)[src];
}

inline void scale_matrix(Matrix &M, float s) {
    for (float &v : M.data) v *= s;
}

constexpr int32_t kSignals = 6;

// Atom 5 = factor * atom 2 in a 25 x 20 dictionary; l1 = 0.05. With l2 = 0 an
// exact or negated duplicate makes the minimiser non-unique (any split of the
// weight between the two atoms with the right signs); a half-norm copy does not
// (putting weight on it costs twice the l1 for the same fit), nor does l2 > 0.
inline Case collinear_case(const std::string &name, float factor, float l2) {
    Case cs;
    cs.name = name;
    cs.P = unit_dictionary(25, 20, 8u);
    copy_atom(cs.P, 2, 5, factor);
    cs.X = signals(cs.P, kSignals, 2, 6u);
    cs.l1 = 0.05f;
    cs.l2 = l2;
    cs.unique = !(l2 == 0.0f && std::fabs(factor) == 1.0f);
    return cs;
}

// 25 x 40 dictionary, no ridge: the minimiser is unique for l1 > 0 (atoms in
// general position), not for l1 = 0 (a whole affine space fits x exactly).
inline Case overcomplete_case(const std::string &name, float l1) {
    Case cs;
    cs.name = name;
    cs.P = unit_dictionary(25, 40, 31u);
    cs.X = signals(cs.P, kSignals, 7, 32u);
    cs.l1 = l1;
    cs.l2 = 0.0f;
    cs.unique = l1 > 0.0f;
    return cs;
}

// 25 x 20 (full column rank), no ridge, tiny l1: close to least squares, unique.
inline Case tiny_l1_case(const std::string &name, float l1) {
    Case cs;
    cs.name = name;
    cs.P = unit_dictionary(25, 20, 41u);
    cs.X = signals(cs.P, kSignals, 3, 42u);
    cs.l1 = l1;
    cs.l2 = 0.0f;
    return cs;
}

// Signals scaled by s with l1 scaled by s: the code scales by s (l2 = 0.01).
inline Case x_scale_case(const std::string &name, float s) {
    Case cs;
    cs.name = name;
    cs.P = unit_dictionary(25, 20, 51u);
    cs.X = signals(cs.P, kSignals, 4, 52u);
    scale_matrix(cs.X, s);
    cs.l1 = 0.1f * s;
    cs.l2 = 0.01f;
    return cs;
}

// Every atom of norm s, l1 scaled by s, l2 = 0: the code scales by 1/s.
inline Case p_scale_case(const std::string &name, float s) {
    Case cs;
    cs.name = name;
    cs.P = unit_dictionary(25, 20, 61u);
    cs.X = signals(cs.P, kSignals, 4, 62u);
    scale_matrix(cs.P, s);
    cs.l1 = 0.1f * s;
    cs.l2 = 0.0f;
    return cs;
}

// Atom norms log-uniform in [1e-3, 1e3] (G_jj from 1e-6 to 1e6), l2 = 0.
inline Case p_mixed_norm_case(const std::string &name) {
    Case cs;
    cs.name = name;
    cs.P = unit_dictionary(25, 20, 71u);
    std::mt19937 rng(72u);
    std::uniform_real_distribution<double> e(-3.0, 3.0);
    for (int32_t k = 0; k < cs.P.cols; ++k) {
        const float s = float(std::pow(10.0, k == 0 ? -3.0 : (k == 1 ? 3.0 : e(rng))));
        for (int32_t r = 0; r < cs.P.rows; ++r) cs.P.row(r)[k] *= s;
    }
    cs.X = signals(cs.P, kSignals, 5, 73u);
    cs.l1 = 0.05f;
    cs.l2 = 0.0f;
    return cs;
}

// Atom 3 of norm 1e-20, l2 = 0: G_33 ~ 1e-40 is a float subnormal and 1/G_33 = +inf.
// Its correlations (~1e-20) are far below l1, so its code entry is 0.
inline Case tiny_atom_case(const std::string &name) {
    Case cs;
    cs.name = name;
    cs.P = unit_dictionary(25, 20, 121u);
    for (int32_t r = 0; r < cs.P.rows; ++r) cs.P.row(r)[3] *= 1e-20f;
    cs.X = signals(cs.P, kSignals, 2, 122u);
    cs.l1 = 0.05f;
    cs.l2 = 0.0f;
    return cs;
}

// Signals with entries ~1e-40 (float subnormals).
inline Case denormal_case(const std::string &name, float l1, float l2) {
    Case cs;
    cs.name = name;
    cs.P = unit_dictionary(25, 20, 81u);
    cs.X = signals(cs.P, kSignals, 6, 82u);
    scale_matrix(cs.X, 1e-39f); // unit signals of length 25: entries ~ 2e-40
    cs.l1 = l1;
    cs.l2 = l2;
    cs.unique = true;
    return cs;
}

// x = 0.
inline Case zero_x_case(const std::string &name, float l1, float l2) {
    Case cs;
    cs.name = name;
    cs.P = unit_dictionary(25, 20, 91u);
    cs.X = Matrix{3, 25, std::vector<float>(3 * 25, 0.0f)};
    cs.l1 = l1;
    cs.l2 = l2;
    return cs;
}

// l1 above max_j |P^T x| over every signal (by 1e-4 relative, far above the
// float rounding of c): the code is exactly 0.
inline Case l1_above_case(const std::string &name) {
    Case cs;
    cs.name = name;
    cs.P = unit_dictionary(25, 20, 101u);
    cs.X = signals(cs.P, kSignals, 1, 102u);
    double cmax = 0.0;
    for (int32_t i = 0; i < cs.X.rows; ++i) cmax = std::max(cmax, sfl_test::max_abs_correlation(cs.P, cs.X.row(i)));
    cs.l1 = float(cmax * (1.0 + 1e-4));
    cs.l2 = 0.01f;
    return cs;
}

// x equal to an atom (each signal a different atom) in an overcomplete 25 x 40
// dictionary, l2 = 0: the code is (1 - l1) e_j exactly (r_k = l1 G_kj, |G_kj| <= 1).
inline Case x_is_atom_case(const std::string &name) {
    Case cs;
    cs.name = name;
    cs.P = unit_dictionary(25, 40, 111u);
    cs.X = Matrix{kSignals, 25, std::vector<float>(size_t(kSignals) * 25)};
    for (int32_t i = 0; i < kSignals; ++i)
        for (int32_t r = 0; r < 25; ++r) cs.X.row(i)[r] = cs.P.row(r)[7 * i];
    cs.l1 = 0.1f;
    cs.l2 = 0.0f;
    return cs;
}

// A problem with no minimiser: sfl_enet_solve takes any finite c, and with
// l2 = 0, atoms 2 and 5 identical and c_2 != c_5 (c outside the range of P^T)
// the objective falls without bound along e_2 - e_5 (G (e_2 - e_5) = 0,
// c^T (e_2 - e_5) = 1.95 > 2 l1).
struct NoMinimiser {
    Matrix P;
    std::vector<float> c;
    float l1 = 0.1f;
};

inline NoMinimiser no_minimiser_problem() {
    NoMinimiser nm;
    nm.P = unit_dictionary(25, 20, 8u);
    copy_atom(nm.P, 2, 5, 1.0f);
    nm.c.assign(20, 0.0f);
    nm.c[2] = 1.0f;
    nm.c[5] = -0.95f;
    nm.c[7] = 0.3f;
    return nm;
}

// sfl_enet_solve of the no-minimiser problem (x_sqnorm = 1).
inline sfl_status solve_no_minimiser(const NoMinimiser &nm, sfl_enet_solver solver, std::vector<float> &a,
                                     sfl_enet_info &info) {
    const sfl_test::Plan plan = sfl_test::make_plan(nm.P, 0.0f);
    const sfl_enet_params p = sfl_test::make_params(solver, nm.l1, 0.0f);
    size_t bytes = 0;
    sfl_test::check_status(sfl_enet_solve_workspace_size(&p, plan.plan, &bytes), "workspace size");
    sfl_test::AlignedBuffer ws(bytes);
    const sfl_workspace w = ws.workspace();
    a.assign(nm.c.size(), 0.0f);
    return sfl_enet_solve(&w, &p, plan.plan, nm.c.data(), 1.0, a.data(), &info);
}

// Every case of the table, in the order of docs/robustness.md.
inline std::vector<Case> all_cases() {
    return {
        collinear_case("duplicate atom, l2=0", 1.0f, 0.0f),
        collinear_case("duplicate atom, l2=0.01", 1.0f, 0.01f),
        collinear_case("negated duplicate, l2=0", -1.0f, 0.0f),
        collinear_case("negated duplicate, l2=0.01", -1.0f, 0.01f),
        collinear_case("half-norm copy, l2=0", 0.5f, 0.0f),
        collinear_case("half-norm copy, l2=0.01", 0.5f, 0.01f),
        overcomplete_case("K>m, l2=0, l1=0.05", 0.05f),
        overcomplete_case("K>m, l2=0, l1=1e-3", 1e-3f),
        overcomplete_case("K>m, l2=0, l1=0", 0.0f),
        tiny_l1_case("tiny l1=1e-7, l2=0", 1e-7f),
        tiny_l1_case("tiny l1=1e-12, l2=0", 1e-12f),
        tiny_l1_case("l1=0, l2=0", 0.0f),
        x_scale_case("x*1e6, l1*1e6", 1e6f),
        x_scale_case("x*1e-6, l1*1e-6", 1e-6f),
        p_scale_case("P*1e3, l1*1e3", 1e3f),
        p_scale_case("P*1e-3, l1*1e-3", 1e-3f),
        p_mixed_norm_case("atom norms 1e-3..1e3"),
        tiny_atom_case("one atom of norm 1e-20, l2=0"),
        denormal_case("x~1e-40, l1=0.1", 0.1f, 0.01f),
        denormal_case("x~1e-40, l1=0", 0.0f, 0.01f),
        zero_x_case("x=0, l1=0.1", 0.1f, 0.01f),
        zero_x_case("x=0, l1=0, l2=0", 0.0f, 0.0f),
        l1_above_case("l1 > max abs(P^T x)"),
        x_is_atom_case("x = an atom, K>m, l2=0"),
    };
}

} // namespace sfl_degen
