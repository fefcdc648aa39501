// Non-negative codes (sfl_enet_params.positive = 1) on generated problems (their KKT
// conditions: test_enet_solvers.cpp): LARS and CD agreeing, the constraint binding
// (the signed codes of the same problems have negative entries), the zero code when
// no correlation exceeds l1, the lanes' switch, and sfl_enet_evaluate() against the
// solvers' info. The scikit-learn references are in test_enet_reference.cpp.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <sfl/sfl.h>

#include "solver_fixture.hpp"

using sfl_test::Dictionary;
using sfl_test::Encoded;
using Case = sfl_test::SolverCase;

namespace {

const Case kCases[] = {{25, 20, 0.1f, 0.01f}, {25, 20, 0.05f, 0.0f}, {64, 256, 0.1f, 0.01f},
                       {30, 60, 0.02f, 0.0f}, {200, 100, 0.05f, 0.01f}, {7, 3, 0.0f, 0.5f}};

} // namespace

TEST_CASE("non-negative codes: the constraint binds, LARS and CD agree on objective and support") {
    for (const Case &cs : kCases) {
        CAPTURE(cs.m);
        CAPTURE(cs.K);
        CAPTURE(cs.l2);
        const Dictionary d(cs.m, cs.K, cs.l2, 7u);
        const int32_t n = 50;
        const std::vector<float> X = sfl_test::unit_signals(cs.m, n, 10u);
        const Encoded lars = d.encode(SFL_ENET_LARS, cs.l1, X, n, 0, true);
        const Encoded cd = d.encode(SFL_ENET_CD, cs.l1, X, n, 0, true);
        const Encoded signed_codes = d.encode(SFL_ENET_LARS, cs.l1, X, n);
        REQUIRE(lars.status == SFL_OK);
        REQUIRE(cd.status == SFL_OK);
        REQUIRE(signed_codes.status == SFL_OK);
        CHECK(std::count_if(signed_codes.A.begin(), signed_codes.A.end(), [](float v) { return v < 0.0f; }) > 0);
        for (int32_t i = 0; i < n; ++i) {
            const float *x = &X[size_t(i) * cs.m];
            const float *al = &lars.A[size_t(i) * cs.K], *ac = &cd.A[size_t(i) * cs.K];
            const double ol = d.objective(cs.l1, x, al), oc = d.objective(cs.l1, x, ac);
            const double os = d.objective(cs.l1, x, &signed_codes.A[size_t(i) * cs.K]);
            CHECK(std::fabs(ol - oc) <= 1e-5 * std::max(ol, 1e-12));
            CHECK(ol <= oc + 1e-6 * ol);
            CHECK(os <= ol + 1e-6 * ol); // a constraint can only raise the minimum
            float amax = 0.0f;
            for (int32_t k = 0; k < cs.K; ++k) amax = std::max(amax, al[k]);
            for (int32_t k = 0; k < cs.K; ++k) {
                if (al[k] > 1e-2f * amax) CHECK(ac[k] != 0.0f);
                if (ac[k] > 1e-2f * amax) CHECK(al[k] != 0.0f);
            }
        }
    }
}

TEST_CASE("non-negative codes: no positive correlation above l1 gives the zero code without a step") {
    const Dictionary d(25, 20, 0.01f, 4u);
    const int32_t n = 6;
    // x_i = -p_i (atom i, flipped): c_i = -1, the other c_j are the atoms' coherences.
    std::vector<float> X(size_t(n) * 25);
    for (int32_t i = 0; i < n; ++i)
        for (int32_t r = 0; r < 25; ++r) X[size_t(i) * 25 + r] = -d.P[size_t(r) * 20 + i];
    // l1 just above the largest positive c_j of the batch, below the largest |c_j|.
    std::vector<float> c(20);
    float cpos = 0.0f, cabs = 0.0f;
    for (int32_t i = 0; i < n; ++i) {
        double xx;
        d.correlations(&X[size_t(i) * 25], c.data(), &xx);
        for (float v : c) {
            cpos = std::max(cpos, v);
            cabs = std::max(cabs, std::fabs(v));
        }
    }
    REQUIRE(cabs > cpos * 1.01f); // some negative correlation is larger than every positive one
    const float l1 = cpos * 1.0001f;
    for (sfl_enet_solver solver : {SFL_ENET_LARS, SFL_ENET_CD}) {
        const Encoded e = d.encode(solver, l1, X, n, 0, true);
        REQUIRE(e.status == SFL_OK);
        for (float v : e.A) CHECK(v == 0.0f);
        for (int32_t i = 0; i < n; ++i) {
            CHECK(e.info[i].iterations == 0);
            CHECK(e.info[i].kkt == 0.0f);
            CHECK(e.info[i].gap == doctest::Approx(0.0).epsilon(1e-6)); // 0 is optimal: no dual slack either
        }
        // The signed problem at the same l1 is not zero.
        const Encoded s = d.encode(solver, l1, X, n);
        CHECK(std::any_of(s.A.begin(), s.A.end(), [](float v) { return v != 0.0f; }));
    }
}

TEST_CASE("non-negative codes: lanes = 1 solves them one row at a time, the same floats as lanes = 0") {
    const Dictionary d(25, 20, 0.01f, 12u);
    const int32_t n = 300; // more than one lanes block
    const std::vector<float> X = sfl_test::unit_signals(25, n, 13u);
    const Encoded one = d.encode(SFL_ENET_LARS, 0.05f, X, n, 0, true, 0);
    const Encoded lanes = d.encode(SFL_ENET_LARS, 0.05f, X, n, 0, true, 1);
    REQUIRE(one.status == SFL_OK);
    REQUIRE(lanes.status == SFL_OK);
    CHECK(one.A == lanes.A);
    for (int32_t i = 0; i < n; ++i) CHECK(one.info[i].iterations == lanes.info[i].iterations);
}

TEST_CASE("sfl_enet_evaluate: the solvers' info for either sign rule, +inf for an infeasible code") {
    const Dictionary d(30, 40, 0.02f, 17u);
    const int32_t n = 12;
    const std::vector<float> X = sfl_test::unit_signals(30, n, 18u);
    for (int positive : {0, 1}) {
        CAPTURE(positive);
        sfl_enet_params p = d.params(SFL_ENET_LARS, 0.05f);
        p.positive = positive;
        const Encoded e = d.encode(SFL_ENET_LARS, 0.05f, X, n, 0, positive == 1);
        REQUIRE(e.status == SFL_OK);
        std::vector<float> c(40);
        for (int32_t i = 0; i < n; ++i) {
            double xx;
            d.correlations(&X[size_t(i) * 30], c.data(), &xx);
            sfl_enet_info info{};
            REQUIRE(sfl_enet_evaluate(d.plan(), &p, c.data(), xx, &e.A[size_t(i) * 40], &info) == SFL_OK);
            CHECK(info.status == SFL_OK);
            CHECK(info.support == e.info[i].support);
            CHECK(info.objective == doctest::Approx(e.info[i].objective).epsilon(1e-5));
            CHECK(info.kkt <= 1e-4f);
            CHECK(std::fabs(double(info.objective) - d.objective(0.05f, &X[size_t(i) * 30], &e.A[size_t(i) * 40])) <=
                  1e-5 * info.objective);
        }
    }
    // The signed codes, judged as non-negative ones: infeasible wherever an entry is negative;
    // a feasible code that is not optimal has a positive gap and KKT violation.
    const Encoded s = d.encode(SFL_ENET_LARS, 0.05f, X, n);
    sfl_enet_params p = d.params(SFL_ENET_LARS, 0.05f);
    p.positive = 1;
    std::vector<float> c(40), a(40);
    int infeasible = 0;
    for (int32_t i = 0; i < n; ++i) {
        double xx;
        d.correlations(&X[size_t(i) * 30], c.data(), &xx);
        const float *as = &s.A[size_t(i) * 40];
        sfl_enet_info info{};
        REQUIRE(sfl_enet_evaluate(d.plan(), &p, c.data(), xx, as, &info) == SFL_OK);
        const bool neg = std::any_of(as, as + 40, [](float v) { return v < 0.0f; });
        infeasible += neg;
        if (neg) {
            CHECK(std::isinf(info.gap));
            CHECK(std::isinf(info.kkt));
        }
        for (int32_t k = 0; k < 40; ++k) a[size_t(k)] = std::max(as[k], 0.0f); // feasible, not optimal
        REQUIRE(sfl_enet_evaluate(d.plan(), &p, c.data(), xx, a.data(), &info) == SFL_OK);
        if (neg) {
            CHECK(info.gap > 0.0f);
            CHECK(info.kkt > 0.0f);
        }
    }
    CHECK(infeasible > 0);
}
