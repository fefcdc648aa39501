// Inputs the fuzzers (fuzz/, docs/robustness.md "Fuzzing") found, reduced to
// small cases: each failed before its fix.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include <sfl/sfl.h>

#include "flush_to_zero.hpp"
#include "solver_fixture.hpp"

using sfl_test::AlignedBuffer;

namespace {

bool finite(const std::vector<float> &v) {
    for (float x : v)
        if (!std::isfinite(x)) return false;
    return true;
}

bool all_zero(const std::vector<float> &v) {
    for (float x : v)
        if (x != 0.0f) return false;
    return true;
}

struct Plan {
    AlignedBuffer mem;
    sfl_enet_plan *plan = nullptr;
    Plan(int32_t m, int32_t K, const std::vector<float> &P, float l2) : mem(SFL_ENET_PLAN_BYTES(K)) {
        sfl_enet_params p = SFL_ENET_PARAMS_INIT;
        p.l2 = l2;
        const sfl_enet_dims dims = {m, K};
        REQUIRE(sfl_enet_plan_init(mem.data(), mem.size(), &p, &dims, P.data(), &plan) == SFL_OK);
    }
};

sfl_status encode(const Plan &plan, sfl_enet_params p, const std::vector<float> &P, int32_t n,
                  const std::vector<float> &X, std::vector<float> &A, std::vector<sfl_enet_info> &info) {
    size_t bytes = 0;
    REQUIRE(sfl_enet_encode_workspace_size(&p, plan.plan, &bytes) == SFL_OK);
    AlignedBuffer ws(bytes);
    const sfl_workspace w = ws.workspace();
    return sfl_enet_encode(&w, &p, plan.plan, P.data(), n, X.data(), A.data(), info.data());
}

} // namespace

// fuzz_solvers: x ~ 1e25 against atoms of norms 1e11 and 1e15. The code is about
// (-1e15, 1e11), but CD's first step puts G_01 a_0 ~ 1e39 into its float residuals:
// CD returned SFL_OK with an infinite code.
TEST_CASE("fuzz regression: CD residuals beyond float give a row status SFL_ERR_NOT_FINITE, never an inf code") {
    const std::vector<float> P = {1e10f, -1e5f, -1e11f, -1e15f}; // 2 x 2
    const std::vector<float> x = {-1e25f, -1e3f};
    const Plan plan(2, 2, P, 0.0f);
    sfl_enet_params p = {0.0f, 0.0f, 1e-6f, 0, SFL_ENET_LARS, 0, 0};
    std::vector<float> a(2, 7.0f);
    std::vector<sfl_enet_info> info(1);

    CHECK(encode(plan, p, P, 1, x, a, info) == SFL_OK); // LARS works in double: the code is in range
    CHECK(finite(a));
    CHECK(a[0] == doctest::Approx(-1e15).epsilon(1e-3));
    CHECK(a[1] == doctest::Approx(1e11).epsilon(1e-3));

    p.solver = SFL_ENET_CD;
    a.assign(2, 7.0f);
    CHECK(encode(plan, p, P, 1, x, a, info) == SFL_WARN_ROWS_FAILED);
    CHECK(all_zero(a));
    CHECK(info[0].status == SFL_ERR_NOT_FINITE);

    // The same through sfl_enet_solve, from c = P^T x in double.
    const std::vector<float> c = {float(1e10 * -1e25 + -1e11 * -1e3), float(-1e5 * -1e25 + -1e15 * -1e3)};
    const double x2 = 1e50 + 1e6;
    size_t bytes = 0;
    REQUIRE(sfl_enet_solve_workspace_size(&p, plan.plan, &bytes) == SFL_OK);
    AlignedBuffer ws(bytes);
    const sfl_workspace w = ws.workspace();
    a.assign(2, 7.0f);
    info[0].status = SFL_OK;
    CHECK(sfl_enet_solve(&w, &p, plan.plan, c.data(), x2, a.data(), &info[0]) == SFL_WARN_ROWS_FAILED);
    CHECK(info[0].status == SFL_ERR_NOT_FINITE);
    CHECK(all_zero(a));
}

// fuzz_solvers: finite P and X whose float correlations c = X P overflow (1e15 * 1e30):
// encode solved from c = inf and returned SFL_OK with an infinite code. Now that row's
// status is SFL_ERR_NOT_FINITE and its code zero, the other rows of the batch are still
// solved, and the call says SFL_WARN_ROWS_FAILED.
TEST_CASE("fuzz regression: correlations beyond float in encode and sf_forward") {
    const std::vector<float> P = {1e15f, 1e15f}; // 2 x 1
    const Plan plan(2, 1, P, 0.1f);
    const std::vector<float> X = {1.0f, 2.0f, 1e30f, 1e30f}; // row 1 overflows c
    for (sfl_enet_solver solver : {SFL_ENET_LARS, SFL_ENET_CD}) {
        CAPTURE(solver);
        const sfl_enet_params p = {0.1f, 0.1f, 1e-6f, 0, solver, 0, 0};
        std::vector<float> A(2, 7.0f);
        std::vector<sfl_enet_info> info(2);
        CHECK(encode(plan, p, P, 2, X, A, info) == SFL_WARN_ROWS_FAILED);
        CHECK(info[0].status == SFL_OK);
        CHECK(A[0] > 0.0f);
        CHECK(std::isfinite(A[0]));
        CHECK(info[1].status == SFL_ERR_NOT_FINITE);
        CHECK(A[1] == 0.0f);

        size_t bytes = 0;
        REQUIRE(sfl_sf_forward_workspace_size(&p, plan.plan, &bytes) == SFL_OK);
        AlignedBuffer ws(bytes);
        const sfl_workspace w = ws.workspace();
        std::vector<float> A2(2, 7.0f);
        CHECK(sfl_sf_forward(&w, &p, plan.plan, P.data(), 2, sfl_range{0, 2}, X.data(), A2.data(), nullptr, nullptr,
                             nullptr) == SFL_WARN_ROWS_FAILED);
        CHECK(A2[0] == A[0]);
        CHECK(A2[1] == 0.0f);
    }
}

// A code beyond float itself (an atom of norm 1e-18, l2 = 0, x = 1e21: a = 1e39): LARS
// computes it in double and stored +inf with SFL_OK; its factor outputs are reset too.
TEST_CASE("fuzz regression: a LARS code beyond float gives a row status SFL_ERR_NOT_FINITE with an empty support") {
    const std::vector<float> P = {1e-18f}; // 1 x 1
    const Plan plan(1, 1, P, 0.0f);
    const sfl_enet_params p = {0.0f, 0.0f, 1e-6f, 0, SFL_ENET_LARS, 0, 0};
    const float c = 1e-18f * 1e21f;
    size_t bytes = 0;
    REQUIRE(sfl_enet_solve_workspace_size(&p, plan.plan, &bytes) == SFL_OK);
    AlignedBuffer ws(bytes);
    const sfl_workspace w = ws.workspace();
    float a = 7.0f, chol = 7.0f;
    int32_t support = 7;
    sfl_enet_info info;
    CHECK(sfl_enet_solve_lars_factor(&w, &p, plan.plan, &c, 1e42, &a, &support, &chol, &info) == SFL_WARN_ROWS_FAILED);
    CHECK(a == 0.0f);
    CHECK(support == -1);
    CHECK(chol == 0.0f);
    CHECK(info.status == SFL_ERR_NOT_FINITE);
}

// sfl_sf_forward of the one signal (0.5, 0.5, 0.5) through the m = 3 dictionary P.
sfl_status sf_forward_half(const sfl_enet_params &p, const Plan &plan, const std::vector<float> &P,
                           std::vector<float> &A) {
    size_t bytes = 0;
    REQUIRE(sfl_sf_forward_workspace_size(&p, plan.plan, &bytes) == SFL_OK);
    AlignedBuffer ws(bytes);
    const sfl_workspace w = ws.workspace();
    const std::vector<float> X = {0.5f, 0.5f, 0.5f};
    return sfl_sf_forward(&w, &p, plan.plan, P.data(), 1, sfl_range{0, 1}, X.data(), A.data(), nullptr, nullptr,
                          nullptr);
}

// fuzz_model: an SF layer whose dictionary has a column of squared norm ~1e-44 (entries
// ~1e-22). sfl_enet_plan_init builds its plan (float G_jj is a subnormal, a few bits
// exact), but sfl_sf_forward compared G_jj with the column's norm in double to 1e-3
// relative and rejected the plan of this very P with SFL_ERR_BAD_PLAN. (Since 0.3 that
// check is sfl_enet_plan_check_dictionary, once per plan, not in every layer call.)
TEST_CASE("fuzz regression: a plan built from a dictionary with a subnormal G_jj is accepted by the layers") {
    const int32_t m = 3, K = 2;
    // column 0: unit norm; column 1: entries 9.66e-23, squared norm 2.8e-44 (float: subnormal)
    const std::vector<float> P = {1.0f, 9.66e-23f, 0.0f, 9.66e-23f, 0.0f, 9.66e-23f};
    if (sfl_test::simd_flushes_subnormals()) {
        // The Gram kernel flushes G_11 to 0: the column has zero norm.
        AlignedBuffer mem(SFL_ENET_PLAN_BYTES(K));
        const sfl_enet_params p = SFL_ENET_PARAMS_INIT;
        const sfl_enet_dims dims = {m, K};
        sfl_enet_plan *plan = nullptr;
        CHECK(sfl_enet_plan_init(mem.data(), mem.size(), &p, &dims, P.data(), &plan) == SFL_ERR_ZERO_ATOM);
        return;
    }
    for (float l2 : {0.0f, 1e-45f}) {
        CAPTURE(l2);
        const Plan plan(m, K, P, l2);
        const float g11 = sfl_enet_plan_gram(plan.plan)[3];
        CHECK(g11 > 0.0f);
        CHECK(g11 < 1e-38f); // subnormal
        for (sfl_enet_solver solver : {SFL_ENET_LARS, SFL_ENET_CD}) {
            CAPTURE(solver);
            const sfl_enet_params p = {0.01f, l2, 1e-6f, 0, solver, 0, 0};
            std::vector<float> A(2, 7.0f);
            CHECK(sfl_enet_plan_check_dictionary(plan.plan, P.data()) == SFL_OK);
            CHECK(sf_forward_half(p, plan, P, A) == SFL_OK);
            CHECK(finite(A));
            CHECK(A[0] == doctest::Approx(0.49f));
        }
    }
    // A plan of another dictionary is still rejected.
    std::vector<float> Q = P;
    Q[0] = 0.5f;
    const Plan other(m, K, Q, 0.0f);
    CHECK(sfl_enet_plan_check_dictionary(other.plan, P.data()) == SFL_ERR_BAD_PLAN);
}

// fuzz_solvers: non-negative LARS with l1 = l2 = 0 on 12 atoms in 6 dimensions, two of them
// (3 and 5) nearly collinear and tied in correlation. Atom 5 joined at the tie, and the
// direction of atom 3, still at zero, came out negative by rounding: the code took
// a_3 = -11.7 (and a_5 = 12.0), an infeasible non-negative code with a lower objective
// than the minimiser. Now such a coefficient leaves before the step (also in signed mode,
// where it gave a sign-inconsistent code); the code is CD's.
TEST_CASE("fuzz regression: an atom at zero whose direction turned against its sign leaves the LARS path") {
    const std::vector<float> P = {
        0.0f,    0.0f,    -2.75f,  9.25f,   9.25f,   9.25f,   -9.875f, -9.875f, -13.875f, -9.875f, -9.875f, -9.875f,
        -9.875f, -9.875f, -9.875f, -9.875f, -9.875f, -9.875f, -9.875f, -9.875f, -9.875f,  -9.875f, -9.875f, -9.875f,
        -9.875f, -9.875f, -9.875f, -9.875f, -9.875f, -9.875f, -9.875f, -9.875f, -9.875f,  -9.875f, -9.875f, -9.875f,
        -9.875f, -9.875f, -9.875f, -9.875f, -9.875f, -9.875f, -9.875f, -9.875f, -9.875f,  -9.875f, -9.875f, -9.875f,
        -9.875f, -9.875f, -9.875f, -9.875f, -9.875f, -9.875f, -9.875f, -9.875f, -9.875f,  -9.875f, -9.875f, -9.875f,
        -9.875f, -9.875f, -9.875f, -9.875f, -9.875f, -9.625f, -9.875f, -9.875f, -9.875f,  -9.875f, -2.75f,  -6.0f};
    const std::vector<float> x = {7.875f, 3.75f, -10.375f, -0.625f, 0.0f, 0.0f};
    const Plan plan(6, 12, P, 0.0f);
    std::vector<float> a_lars(12), a_cd(12);
    std::vector<sfl_enet_info> info_lars(1), info_cd(1);
    sfl_enet_params p = {0.0f, 0.0f, 1e-6f, 0, SFL_ENET_LARS, 0, 1};
    REQUIRE(encode(plan, p, P, 1, x, a_lars, info_lars) >= 0);
    p.solver = SFL_ENET_CD;
    REQUIRE(encode(plan, p, P, 1, x, a_cd, info_cd) >= 0);
    for (float v : a_lars) CHECK(v >= 0.0f);
    CHECK(info_lars[0].kkt <= 1e-4f);
    CHECK(info_lars[0].objective == doctest::Approx(info_cd[0].objective).epsilon(1e-5));
    CHECK(a_lars[3] == 0.0f);
    CHECK(a_lars[5] > 0.0f);
}

// The two 3 x 16 inputs below have x = (-1/8, -1/8, -1/8) = atom 9: non-negative LARS with
// l1 = l2 = 0, stopped after 3 steps or run to the end, must give a code >= 0 with a_9 = 1.
static void expect_atom_9(const std::vector<float> &P, bool check_kkt) {
    const std::vector<float> x = {-0.125f, -0.125f, -0.125f};
    const Plan plan(3, 16, P, 0.0f);
    for (int32_t max_iter : {3, 0}) {
        CAPTURE(max_iter);
        std::vector<float> a(16);
        std::vector<sfl_enet_info> info(1);
        const sfl_enet_params p = {0.0f, 0.0f, 1e-6f, max_iter, SFL_ENET_LARS, 0, 1};
        REQUIRE(encode(plan, p, P, 1, x, a, info) >= 0);
        for (float v : a) CHECK(v >= 0.0f);
        CHECK(a[9] == doctest::Approx(1.0f));
        if (check_kkt) CHECK(info[0].kkt <= 1e-6f);
    }
}

// fuzz_solvers: non-negative LARS with l1 = l2 = 0, 16 atoms in 3 dimensions. x = atom 9 / 1
// exactly, so lambda fell to rounding level (7e-18) with atoms still joining; one joined with
// sign -1, taken from the sign of its rounding-level r_j, and its coefficient went to
// -1.2e-17. A non-negative code's atoms now always join with +1.
TEST_CASE("fuzz regression: non-negative LARS joins every atom with sign +1, even at a rounding-level lambda") {
    std::vector<float> P(3 * 16, -0.125f);
    const float row0[16] = {0, 0, 0, 0, 0.625f, 0.375f, 3, 2, 0, -0.125f, -0.125f, -0.125f, -0.125f, -0.125f,
                            -0.125f, -0.125f};
    for (int k = 0; k < 16; ++k) P[size_t(k)] = row0[k];
    expect_atom_9(P, /*check_kkt=*/true);
}

// fuzz_solvers: non-negative LARS, l1 = l2 = 0, 16 atoms in 3 dimensions, stopped by
// max_iter = 3. In step 2 the drop of atom 5 (its coefficient crossing zero) and the
// path's next event fell on the same gamma; the event won by rounding and a_5 ended at
// -2.3e-19. A coefficient that rounding carries past zero now stops at zero.
TEST_CASE("fuzz regression: a LARS coefficient whose crossing ties with another event stops at zero") {
    const std::vector<float> P = {
        0.0f,     0.0f,    0.0f,    0.0f,    0.625f,  3.0f,    0.375f,  2.0f,    0.0f,    -0.125f, -0.125f, -0.125f,
        -0.125f,  -0.125f, -2.25f,  -0.125f, -0.125f, -0.125f, -0.125f, 0.0f,    12.0f,   0.25f,   12.125f, -0.125f,
        -0.125f,  -0.125f, -0.125f, -0.125f, -0.125f, -0.125f, 15.875f, -0.125f, 15.875f, -0.125f, -0.125f, -0.125f,
        -0.125f,  -8.125f, -0.125f, -0.125f, -0.125f, -0.125f, -0.125f, -0.125f, -0.125f, 13.125f, -0.125f, -0.125f};
    expect_atom_9(P, /*check_kkt=*/false);
}
