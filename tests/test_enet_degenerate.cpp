// Degenerate elastic-net problems (issue 8): duplicate and collinear atoms,
// no ridge with K > m, tiny or zero l1, badly scaled signals and atoms,
// subnormal and zero signals, l1 above max|P^T x|, a signal equal to an atom,
// a problem with no minimiser. LARS and CD, through sfl_enet_solve and
// sfl_enet_encode, against a double coordinate descent run to a KKT residual
// of 1e-13 (tests/degenerate_cases.hpp; the table in docs/robustness.md).
//
// Tolerances (f0 = 1/2||x||^2, the objective of a = 0; "scale" of a KKT
// residual r_j = c_j - sum_k G_jk a_k is t = max_j (|c_j| + sum_k |G_jk a_k|),
// the size of the terms its rounding is relative to):
// - LARS solves the float-rounded problem exactly (double, Cholesky, polished
//   at the path end): its code is the minimiser of a problem whose G and c are
//   off by ~2^-24 relative, so the code is off by ~kappa 2^-24 and the objective
//   only to second order: objective gap <= 1e-9 f0, KKT <= 2e-6 t, code
//   <= 1e-4 max|a*| where it is unique (measured: 1e-12, 2e-7, 5e-6).
// - CD stops at a duality gap <= tol f0 (tol = 1e-6, the default) of the float
//   problem, or at KKT <= tol max|c| (l1 = 0): objective gap <= 1e-5 f0 (10x tol
//   for the float problem vs the exact one). A gap g bounds each coordinate's
//   KKT violation by sqrt(2 G_jj g), so KKT <= 2 sqrt(2 max G_jj tol f0) + 1e-6 t.
//   Its code is checked where the problem is strongly convex (l2 > 0):
//   ||a - a*||_2 <= sqrt(2 (f(a) - f*) / l2), from the measured objective gap.
// - Subnormal signals (~1e-40): codes are quantised at 2^-149 ~ 1.4e-45, i.e.
//   ~1e-5 relative; LARS gets objective gap <= 1e-8 f0, KKT <= 1e-3 t, code
//   <= 1e-3 (measured 4e-10, 4e-6, 4e-5).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <sfl/sfl.h>

#include "degenerate_cases.hpp"
#include "flush_to_zero.hpp"

using sfl_degen::Case;
using sfl_degen::Run;

namespace {

constexpr double kCdTol = 1e-6; // the default CD tol (SFL_ENET_PARAMS_INIT)

struct Expect {
    sfl_status lars = SFL_OK;
    sfl_status cd = SFL_OK;
    double lars_gap = 1e-9;  // objective gap / f0
    double lars_kkt = 2e-6;  // KKT / t
    double lars_code = 1e-4; // ||a - a*||_inf / ||a*||_inf (unique minimiser only)
    double cd_gap = 1e-5;
};

Expect subnormal_expect() {
    Expect e;
    e.lars_gap = 1e-8;
    e.lars_kkt = 1e-3;
    e.lars_code = 1e-3;
    return e;
}

using sfl_test::simd_flushes_subnormals;

// What still holds where subnormals are flushed (x ~ 1e-40 reads as partly zero):
// status OK, a finite code, and an objective (in double, on the unflushed problem)
// no worse than the zero code's.
void check_flushed_case(const Case &cs) {
    CAPTURE(cs.name);
    for (sfl_enet_solver solver : {SFL_ENET_LARS, SFL_ENET_CD})
        for (const Run &r : sfl_degen::run_case(cs, solver)) {
            CAPTURE(sfl_test::solver_name(r.solver));
            CAPTURE(r.signal);
            CHECK(r.status == SFL_OK);
            REQUIRE(r.finite);
            CHECK(r.obj <= r.f0 * (1.0 + 1e-6));
        }
}

double max_diag(const Case &cs) {
    const std::vector<double> G = sfl_degen::gram(cs.P, cs.l2);
    double g = 0.0;
    for (int32_t j = 0; j < cs.P.cols; ++j) g = std::max(g, G[size_t(j) * size_t(cs.P.cols) + size_t(j)]);
    return g;
}

struct Solved {
    std::vector<Run> lars, cd; // sfl_enet_solve rows first, then sfl_enet_encode rows
    std::vector<sfl_degen::Reference> ref;
};

// Runs both solvers on every signal through both entry points and checks what
// holds for every case: status, finite code, info consistent with the code,
// objective gap, KKT, code (unique minimiser), LARS and CD objectives agree.
Solved check_case(const Case &cs, const Expect &ex = Expect{}) {
    CAPTURE(cs.name);
    Solved out;
    out.lars = sfl_degen::run_case(cs, SFL_ENET_LARS);
    out.cd = sfl_degen::run_case(cs, SFL_ENET_CD);
    for (int32_t i = 0; i < cs.X.rows; ++i) out.ref.push_back(sfl_degen::reference_cd(cs.P, cs.X.row(i), cs.l1, cs.l2));
    const double gmax = max_diag(cs);
    for (const std::vector<Run> *runs : {&out.lars, &out.cd}) {
        for (const Run &r : *runs) {
            const bool lars = r.solver == SFL_ENET_LARS;
            CAPTURE(sfl_test::solver_name(r.solver));
            CAPTURE(r.encode);
            CAPTURE(r.signal);
            CHECK(r.status == (lars ? ex.lars : ex.cd));
            CHECK(r.info.status == r.status);
            REQUIRE(r.finite);
            CHECK(r.info.support == r.support);
            CHECK(std::isfinite(r.info.objective));
            CHECK(std::isfinite(r.info.gap));
            CHECK(std::isfinite(r.info.kkt));
            // info.objective is the same number from float G, c, rounded to float.
            CHECK(std::fabs(double(r.info.objective) - r.obj) <= 1e-5 * std::max(r.f0, r.obj) + 1e-37);
            if (r.status != SFL_OK) continue;
            // Never below the reference minimum (beyond its own accuracy), and close to it.
            CHECK(r.rel_gap >= -1e-12);
            CHECK(r.rel_gap <= (lars ? ex.lars_gap : ex.cd_gap));
            if (lars) {
                CHECK(r.rel_kkt <= ex.lars_kkt);
            } else {
                CHECK(r.kkt <= 2.0 * std::sqrt(2.0 * gmax * kCdTol * r.f0) + 1e-6 * r.kkt_scale);
            }
            if (cs.unique && lars) CHECK(r.code_err <= ex.lars_code);
            if (cs.unique && !lars && cs.l2 > 0.0f) {
                const sfl_degen::Reference &ref = out.ref[size_t(r.signal)];
                double err2 = 0.0, amax = 0.0;
                for (int32_t k = 0; k < cs.P.cols; ++k) {
                    const double d = double(r.a[size_t(k)]) - ref.a[size_t(k)];
                    err2 += d * d;
                    amax = std::max(amax, std::fabs(ref.a[size_t(k)]));
                }
                const double bound = std::sqrt(2.0 * std::max(r.obj - ref.obj, 0.0) / cs.l2) + 1e-6 * amax +
                                     std::sqrt(2e-15 * r.f0 / cs.l2);
                CHECK(std::sqrt(err2) <= bound);
            }
        }
    }
    // LARS and CD reach the same objective (both are within their bound of the reference).
    for (size_t i = 0; i < out.lars.size(); ++i) {
        const Run &l = out.lars[i], &c = out.cd[i];
        if (l.status != SFL_OK || c.status != SFL_OK) continue;
        CAPTURE(l.signal);
        CHECK(std::fabs(l.obj - c.obj) <= (ex.lars_gap + ex.cd_gap) * l.f0 + 1e-300);
    }
    return out;
}

// Code entry k of a run.
float at(const Run &r, int32_t k) { return r.a[size_t(k)]; }

// LARS codes of a scaled case equal `factor` times those of the unscaled one.
void check_lars_scaling(const Case &scaled, const Case &unit, double factor) {
    const std::vector<Run> a = sfl_degen::run_case(scaled, SFL_ENET_LARS);
    const std::vector<Run> b = sfl_degen::run_case(unit, SFL_ENET_LARS);
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        CAPTURE(i);
        const double bmax = sfl_test::max_abs(b[i].a.data(), unit.P.cols);
        for (int32_t k = 0; k < unit.P.cols; ++k)
            CHECK(std::fabs(double(at(a[i], k)) - factor * at(b[i], k)) <= 1e-5 * factor * bmax);
    }
}

} // namespace

TEST_CASE("degenerate: duplicate atom with l2 = 0 (many minimisers)") {
    // a_2 + a_5 is what the fit sees; |a_2| + |a_5| >= |a_2 + a_5| with equality for
    // equal signs, so the sum is the (unique) minimiser of the problem with one copy.
    const Case cs = sfl_degen::collinear_case("dup", 1.0f, 0.0f);
    const Solved s = check_case(cs);
    for (const std::vector<Run> *runs : {&s.lars, &s.cd})
        for (const Run &r : *runs) {
            CAPTURE(r.signal);
            const sfl_degen::Reference &ref = s.ref[size_t(r.signal)];
            const double sum_ref = ref.a[2] + ref.a[5];
            CHECK(std::fabs(double(at(r, 2)) + at(r, 5) - sum_ref) <= 1e-3 * std::fabs(sum_ref) + 1e-6);
            CHECK(at(r, 2) * at(r, 5) >= 0.0f); // never opposite signs (that would cost l1 for nothing)
        }
    // LARS keeps the second copy out of the active set (its Cholesky pivot is 0).
    for (const Run &r : s.lars) {
        CHECK(!(at(r, 2) != 0.0f && at(r, 5) != 0.0f));
        if (r.signal % 2 == 1) CHECK((at(r, 2) != 0.0f || at(r, 5) != 0.0f)); // the signals near atom 2 use it
    }
}

TEST_CASE("degenerate: duplicate atom with l2 > 0 (the ridge splits evenly)") {
    const Case cs = sfl_degen::collinear_case("dup", 1.0f, 0.01f);
    const Solved s = check_case(cs);
    for (const Run &r : s.lars) CHECK(at(r, 2) == doctest::Approx(at(r, 5)).epsilon(1e-4));
}

TEST_CASE("degenerate: negated duplicate with l2 = 0 (many minimisers)") {
    const Case cs = sfl_degen::collinear_case("neg", -1.0f, 0.0f);
    const Solved s = check_case(cs);
    for (const std::vector<Run> *runs : {&s.lars, &s.cd})
        for (const Run &r : *runs) {
            CAPTURE(r.signal);
            const sfl_degen::Reference &ref = s.ref[size_t(r.signal)];
            const double diff_ref = ref.a[2] - ref.a[5];
            CHECK(std::fabs(double(at(r, 2)) - at(r, 5) - diff_ref) <= 1e-3 * std::fabs(diff_ref) + 1e-6);
            CHECK(at(r, 2) * at(r, 5) <= 0.0f);
        }
    for (const Run &r : s.lars) CHECK(!(at(r, 2) != 0.0f && at(r, 5) != 0.0f));
}

TEST_CASE("degenerate: negated duplicate with l2 > 0") {
    const Case cs = sfl_degen::collinear_case("neg", -1.0f, 0.01f);
    const Solved s = check_case(cs);
    for (const Run &r : s.lars) CHECK(at(r, 2) == doctest::Approx(-at(r, 5)).epsilon(1e-4));
}

TEST_CASE("degenerate: half-norm copy of an atom is never used") {
    // Weight on 0.5 p_2 fits like half of it on p_2 at twice the l1 cost (with
    // l2 = 0.01 too while |a_2| < l1 / l2 = 5): a_5 = 0 exactly.
    for (float l2 : {0.0f, 0.01f}) {
        CAPTURE(l2);
        const Case cs = sfl_degen::collinear_case("half", 0.5f, l2);
        const Solved s = check_case(cs);
        for (const sfl_degen::Reference &ref : s.ref) CHECK(ref.a[5] == 0.0);
        int32_t used = 0;
        for (const std::vector<Run> *runs : {&s.lars, &s.cd})
            for (const Run &r : *runs) {
                CHECK(at(r, 5) == 0.0f);
                used += at(r, 2) != 0.0f;
            }
        CHECK(used > 0);
    }
}

TEST_CASE("degenerate: K > m with l2 = 0") {
    for (float l1 : {0.05f, 1e-3f}) {
        CAPTURE(l1);
        check_case(sfl_degen::overcomplete_case("K>m", l1));
    }
    // l1 = 0: x is fitted exactly (objective ~ 0) by an affine space of codes. LARS
    // leaves every atom beyond the m-th out of the path (in the span) and must still
    // say SFL_OK: regression, the rounding allowed in its check of those atoms was
    // relative to |c_j| only, and 11 of these 12 solves reported SFL_ERR_SINGULAR.
    const Case cs = sfl_degen::overcomplete_case("K>m", 0.0f);
    const Solved s = check_case(cs);
    for (const Run &r : s.lars) {
        CHECK(r.support == cs.P.rows);
        CHECK(r.obj <= 1e-9 * r.f0);
    }
}

TEST_CASE("degenerate: tiny l1 (1e-7, 1e-12, 0) with l2 = 0") {
    // 25 x 20 has full column rank: close to least squares, every atom active.
    std::vector<std::vector<float>> codes;
    for (float l1 : {1e-7f, 1e-12f, 0.0f}) {
        CAPTURE(l1);
        const Case cs = sfl_degen::tiny_l1_case("tiny", l1);
        const Solved s = check_case(cs);
        for (const Run &r : s.lars) CHECK(r.support == cs.P.cols);
        codes.push_back(s.lars[0].a);
    }
    // l1 = 1e-12 is below float resolution of these codes: the same code as l1 = 0.
    for (size_t k = 0; k < codes[1].size(); ++k) CHECK(codes[1][k] == doctest::Approx(codes[2][k]).epsilon(1e-5));
}

TEST_CASE("degenerate: signals scaled by 1e6 and 1e-6 (l1 scaled alike)") {
    for (float s : {1e6f, 1e-6f}) {
        CAPTURE(s);
        const Case cs = sfl_degen::x_scale_case("x scale", s);
        check_case(cs);
        check_lars_scaling(cs, sfl_degen::x_scale_case("x scale", 1.0f), s);
    }
}

TEST_CASE("degenerate: atoms of norm 1e3, 1e-3 and mixed 1e-3..1e3") {
    for (float s : {1e3f, 1e-3f}) {
        CAPTURE(s);
        const Case cs = sfl_degen::p_scale_case("P scale", s);
        check_case(cs);
        // P -> s P with l1 -> s l1 (l2 = 0) gives the code / s.
        check_lars_scaling(cs, sfl_degen::p_scale_case("P scale", 1.0f), 1.0 / double(s));
    }
    check_case(sfl_degen::p_mixed_norm_case("mixed"));
}

TEST_CASE("degenerate: an atom of norm 1e-20 (subnormal G_jj, 1/G_jj = inf)") {
    // Regression: CD computed a_3 = shrink(z) * (1/G_33) = 0 * inf = NaN.
    const Case cs = sfl_degen::tiny_atom_case("tiny atom");
    if (simd_flushes_subnormals()) {
        // G_33 ~ 1e-40 is flushed to 0 by the Gram kernel: the atom has zero norm.
        CHECK_THROWS_WITH(sfl_test::make_plan(cs.P, cs.l2), doctest::Contains("zero norm"));
        return;
    }
    const Solved s = check_case(cs);
    for (const std::vector<Run> *runs : {&s.lars, &s.cd})
        for (const Run &r : *runs) CHECK(at(r, 3) == 0.0f);
}

TEST_CASE("degenerate: subnormal signals (entries ~1e-40)") {
    // l1 = 0.1 is far above max|c| ~ 1e-40: the zero code, at once.
    if (simd_flushes_subnormals()) {
        check_flushed_case(sfl_degen::denormal_case("sub", 0.1f, 0.01f));
        check_flushed_case(sfl_degen::denormal_case("sub", 0.0f, 0.01f));
        return;
    }
    const Case big = sfl_degen::denormal_case("sub", 0.1f, 0.01f);
    const Solved z = check_case(big);
    for (const std::vector<Run> *runs : {&z.lars, &z.cd})
        for (const Run &r : *runs) {
            CHECK(r.support == 0);
            CHECK(r.info.iterations == 0);
        }
    // l1 = 0: a real solve in subnormal arithmetic. Regression: CD stopped after one
    // sweep (objective 40 % above the minimum) because its stopping rules read the
    // gap from the float info field (a gap of 1e-80 is 0 in float) and its progress
    // G_jj delta^2 in float (0 for delta ~ 1e-40).
    const Case cs = sfl_degen::denormal_case("sub", 0.0f, 0.01f);
    const Solved s = check_case(cs, subnormal_expect());
    for (const Run &r : s.cd) CHECK(r.info.iterations > 1);
}

TEST_CASE("degenerate: x = 0 gives exactly the zero code") {
    for (float l1 : {0.1f, 0.0f})
        for (float l2 : {0.01f, 0.0f}) {
            CAPTURE(l1);
            CAPTURE(l2);
            const Case cs = sfl_degen::zero_x_case("zero", l1, l2);
            const Solved s = check_case(cs);
            for (const std::vector<Run> *runs : {&s.lars, &s.cd})
                for (const Run &r : *runs) {
                    for (float v : r.a) CHECK(v == 0.0f);
                    CHECK(r.info.iterations == 0);
                    CHECK(r.info.objective == 0.0f);
                    CHECK(r.info.gap == 0.0f);
                    CHECK(r.info.kkt == 0.0f);
                }
        }
}

TEST_CASE("degenerate: l1 >= max|P^T x| gives exactly the zero code") {
    const Case cs = sfl_degen::l1_above_case("above");
    const Solved s = check_case(cs);
    for (const std::vector<Run> *runs : {&s.lars, &s.cd})
        for (const Run &r : *runs) {
            for (float v : r.a) CHECK(v == 0.0f);
            CHECK(r.info.iterations == 0);
            CHECK(r.info.objective == doctest::Approx(r.f0).epsilon(1e-6));
        }
    // The boundary: l1 exactly max|c| of the c handed to sfl_enet_solve.
    const sfl_test::Plan plan = sfl_test::make_plan(cs.P, cs.l2);
    for (sfl_enet_solver solver : {SFL_ENET_LARS, SFL_ENET_CD}) {
        const std::vector<double> cd = sfl_test::correlations(cs.P, cs.X.row(0));
        std::vector<float> c(cd.begin(), cd.end()), a(c.size(), 7.0f);
        float cmax = 0.0f;
        for (float v : c) cmax = std::max(cmax, std::fabs(v));
        sfl_enet_params p = sfl_test::make_params(solver, cmax, cs.l2);
        sfl_test::AlignedBuffer ws(SFL_ENET_LARS_WORKSPACE_BYTES(20));
        const sfl_workspace w = ws.workspace();
        sfl_enet_info info{};
        CHECK(sfl_enet_solve(&w, &p, plan.plan, c.data(), 1.0, a.data(), &info) == SFL_OK);
        for (float v : a) CHECK(v == 0.0f);
    }
}

TEST_CASE("degenerate: x equal to an atom, K > m, l2 = 0") {
    // r_j = 1 - a_j = l1 and r_k = l1 G_kj with |G_kj| < 1: the code is (1 - l1) e_j.
    const Case cs = sfl_degen::x_is_atom_case("atom");
    const Solved s = check_case(cs);
    for (const std::vector<Run> *runs : {&s.lars, &s.cd})
        for (const Run &r : *runs) {
            CAPTURE(r.signal);
            const int32_t j = 7 * r.signal;
            CHECK(r.support == 1);
            CHECK(at(r, j) == doctest::Approx(1.0 - double(cs.l1)).epsilon(1e-6));
        }
}

TEST_CASE("degenerate: c outside the range of P^T with l2 = 0 (no minimiser)") {
    // The objective is unbounded below: LARS says SFL_ERR_SINGULAR for the row (the copy
    // it left out violates KKT; the call: SFL_WARN_ROWS_FAILED, the code written), CD runs
    // to its sweep bound; both codes finite.
    const sfl_degen::NoMinimiser nm = sfl_degen::no_minimiser_problem();
    std::vector<float> a;
    sfl_enet_info info{};
    CHECK(sfl_degen::solve_no_minimiser(nm, SFL_ENET_LARS, a, info) == SFL_WARN_ROWS_FAILED);
    CHECK(info.status == SFL_ERR_SINGULAR);
    CHECK(info.hit_iter_limit == 0);
    for (float v : a) CHECK(std::isfinite(v));
    CHECK(!(a[2] != 0.0f && a[5] != 0.0f));
    CHECK(sfl_degen::solve_no_minimiser(nm, SFL_ENET_CD, a, info) == SFL_WARN_NOT_CONVERGED);
    CHECK(info.hit_iter_limit == 1);
    CHECK(info.iterations == 10000);
    for (float v : a) CHECK(std::isfinite(v));
    CHECK(a[2] > 1000.0f); // walking down the unbounded direction e_2 - e_5
    CHECK(a[5] < -1000.0f);
}
