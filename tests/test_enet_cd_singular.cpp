// Coordinate descent on singular Gram matrices: l2 = 0 and more atoms than
// dimensions (K > m), with a small l1. Regression: CD from a = 0 made nearly every
// atom active in its first sweep and then pruned the extra ones at a rate of order
// l1 per sweep; on such problems over a quarter of the solves ended at the 10000-sweep
// bound (SFL_WARN_NOT_CONVERGED), up to 0.2 % above the minimum (12 % at
// l1 = 1e-4 max|c|). CD now takes Newton steps on its support, along a short
// continuation in l1 (lib/kernels/enet/cd.hpp).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include <sfl/sfl.h>

#include "enet_test_util.hpp"

namespace {

using sfl_test::RandomProblem;

struct Shape {
    int32_t m, K;
};

} // namespace

TEST_CASE("CD on singular Gram matrices (l2 = 0, K > m, small l1) reaches LARS's minimum within its bound") {
    const Shape shapes[] = {{16, 32}, {16, 64}, {32, 64}, {32, 128}, {64, 128}, {64, 256}};
    const int32_t n = 4;
    const float tol = sfl_enet_default_params().tol;
    for (const Shape &sh : shapes) {
        const RandomProblem pr = sfl_test::random_problem(sh.m, sh.K, n, 500u + uint32_t(sh.m * 7 + sh.K));
        const sfl_test::Plan plan = sfl_test::make_plan(pr.P, 0.0f);
        for (double frac : {1e-3, 1e-2}) {
            for (int32_t i = 0; i < n; ++i) {
                CAPTURE(sh.m);
                CAPTURE(sh.K);
                CAPTURE(frac);
                CAPTURE(i);
                const float *x = pr.X.row(i);
                const double cmax = sfl_test::max_abs_correlation(pr.P, x);
                const float l1 = float(frac * cmax);
                // Default tol and iteration bound (10000 sweeps).
                const sfl_test::SolveResult lars =
                    sfl_test::solve(plan, sfl_test::make_params(SFL_ENET_LARS, l1, 0.0f), pr.P, x);
                const sfl_test::SolveResult cd =
                    sfl_test::solve(plan, sfl_test::make_params(SFL_ENET_CD, l1, 0.0f), pr.P, x);
                REQUIRE(lars.status == SFL_OK);
                CHECK(cd.status == SFL_OK);
                CHECK(cd.info.hit_iter_limit == 0);
                CHECK(cd.info.iterations < 10000);
                // Objectives in double from P, x and the float codes. LARS is exact on its
                // support; CD's last Newton step makes it exact on the support it found.
                const double f_lars = sfl_test::objective(pr.P, x, lars.a.data(), l1, 0.0);
                const double f_cd = sfl_test::objective(pr.P, x, cd.a.data(), l1, 0.0);
                CHECK(std::fabs(f_cd - f_lars) <= 1e-6 * f_lars);
                // KKT from P in double, against CD's tolerance tol * max|c| (10x for the
                // rounding of the float G and c the solvers see).
                CHECK(sfl_test::kkt_violation(pr.P, x, cd.a.data(), l1, 0.0) <= 10.0 * tol * cmax);
            }
        }
    }
}

TEST_CASE("CD's Newton steps do not follow a negative curvature that only the float G has") {
    // Atoms 0 and 1 (norm ~1.7e10) differ in one entry by one ulp. With l2 = 0.01 the
    // exact G is positive definite, but the float G is off by ~1e13 in their 2 x 2
    // block and is indefinite there. A Newton step that trusted the curvature along
    // e_0 - e_1 walked down it until the float residuals overflowed (found by
    // fuzz_solvers on an 8 x 12 problem of this kind; SFL_ERR_NOT_FINITE instead of
    // LARS's code). Coordinate steps only see G_jj > 0.
    const sfl_test::Matrix P{4, 4, {1.16173066e+10f, 1.16173076e+10f, 0.0127646858f, 0.784371138f,
                                    -726134528.0f, -726134528.0f, 0.542348742f, 1.28047585f,
                                    -9.72578714e+09f, -9.72578714e+09f, 1.27463102f, -0.667802095f,
                                    6.54542029e+09f, 6.54542029e+09f, -0.626804233f, -0.0597410984f}};
    const float x[4] = {-0.461166143f, 1.39988089f, -1.66711533f, -0.824254453f};
    const sfl_test::Plan plan = sfl_test::make_plan(P, 0.01f);
    const sfl_test::SolveResult lars = sfl_test::solve(plan, sfl_test::make_params(SFL_ENET_LARS, 0.1f, 0.01f), P, x);
    const sfl_test::SolveResult cd = sfl_test::solve(plan, sfl_test::make_params(SFL_ENET_CD, 0.1f, 0.01f), P, x);
    REQUIRE(lars.status == SFL_OK);
    CHECK(cd.status == SFL_OK);
    for (float v : cd.a) CHECK(std::isfinite(v));
    const double f_lars = sfl_test::objective(P, x, lars.a.data(), 0.1, 0.01);
    CHECK(std::fabs(sfl_test::objective(P, x, cd.a.data(), 0.1, 0.01) - f_lars) <= 1e-6 * f_lars);
}
