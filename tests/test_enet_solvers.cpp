// Solver mathematics on generated problems: KKT conditions, LARS/CD agreement,
// the exact-zero regime, the LARS factor, iteration bounds, plan relocation.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include <sfl/sfl.h>

#include "solver_fixture.hpp"

using sfl_test::Dictionary;
using sfl_test::Encoded;
using Case = sfl_test::SolverCase;

namespace {

// Max |c| over a batch: the scale KKT tolerances are relative to.
double max_abs_c(const Dictionary &d, const std::vector<float> &X, int32_t n) {
    double best = 0.0;
    for (int32_t i = 0; i < n; ++i)
        for (int32_t k = 0; k < d.K; ++k) {
            double c = 0.0;
            for (int32_t r = 0; r < d.m; ++r) c += double(d.P[size_t(r) * d.K + k]) * X[size_t(i) * d.m + r];
            best = std::max(best, std::fabs(c));
        }
    return best;
}

} // namespace

TEST_CASE("KKT conditions hold for LARS and CD on random problems, signed and non-negative codes") {
    const Case cases[] = {{25, 20, 0.1f, 0.01f}, {25, 20, 0.1f, 0.0f},  {64, 256, 0.1f, 0.01f},
                          {64, 256, 0.05f, 0.1f}, {30, 60, 0.02f, 0.0f}, {200, 100, 0.05f, 0.01f},
                          {1, 1, 0.1f, 0.0f},     {7, 3, 0.01f, 0.5f},   {7, 3, 0.0f, 0.5f}};
    for (const Case &cs : cases) {
        for (sfl_enet_solver solver : {SFL_ENET_LARS, SFL_ENET_CD}) {
            for (bool positive : {false, true}) {
                CAPTURE(cs.m);
                CAPTURE(cs.K);
                CAPTURE(cs.l1);
                CAPTURE(cs.l2);
                CAPTURE(int(solver));
                CAPTURE(positive);
                const Dictionary d(cs.m, cs.K, cs.l2, 11u + unsigned(cs.m));
                const int32_t n = 40;
                const std::vector<float> X = sfl_test::unit_signals(cs.m, n, 5u);
                const Encoded e = d.encode(solver, cs.l1, X, n, 0, positive);
                REQUIRE(e.status >= 0);
                const double scale = std::max(max_abs_c(d, X, n), double(cs.l1));
                // LARS reaches the exact support and solves G[L,L] a = c - l1 s in double;
                // CD stops on a relative duality gap of 1e-6, which bounds the KKT residual less tightly.
                const double tol = (solver == SFL_ENET_LARS ? 2e-5 : 2e-3) * scale;
                int64_t negative = 0;
                for (int32_t i = 0; i < n; ++i) {
                    const float *a = &e.A[size_t(i) * cs.K];
                    // Non-negative codes: the one-sided rule (+inf for a negative entry).
                    const double kkt = d.kkt(cs.l1, &X[size_t(i) * cs.m], a, positive);
                    CHECK(kkt <= tol);
                    // info.kkt comes from float G and c: equal up to their rounding.
                    CHECK(std::fabs(e.info[i].kkt - kkt) <= 1e-5 * scale);
                    if (e.info[i].status == SFL_WARN_NOT_CONVERGED) CHECK(e.info[i].hit_iter_limit == 1);
                    negative += std::count_if(a, a + cs.K, [](float v) { return v < 0.0f; });
                }
                if (positive) CHECK(negative == 0);
            }
        }
    }
}

TEST_CASE("LARS and CD agree on objective and support") {
    const Case cases[] = {{25, 20, 0.1f, 0.01f}, {25, 20, 0.1f, 0.0f}, {64, 256, 0.1f, 0.01f}, {100, 80, 0.05f, 0.0f}};
    for (const Case &cs : cases) {
        CAPTURE(cs.m);
        CAPTURE(cs.K);
        CAPTURE(cs.l2);
        const Dictionary d(cs.m, cs.K, cs.l2, 3u);
        const int32_t n = 50;
        const std::vector<float> X = sfl_test::unit_signals(cs.m, n, 9u);
        const Encoded lars = d.encode(SFL_ENET_LARS, cs.l1, X, n);
        const Encoded cd = d.encode(SFL_ENET_CD, cs.l1, X, n);
        REQUIRE(lars.status == SFL_OK);
        REQUIRE(cd.status >= 0);
        for (int32_t i = 0; i < n; ++i) {
            const double ol = d.objective(cs.l1, &X[size_t(i) * cs.m], &lars.A[size_t(i) * cs.K]);
            const double oc = d.objective(cs.l1, &X[size_t(i) * cs.m], &cd.A[size_t(i) * cs.K]);
            CHECK(std::fabs(ol - oc) <= 1e-5 * std::max(ol, 1e-12));
            // LARS's answer is the minimiser: CD can only be above it (within float rounding).
            CHECK(ol <= oc + 1e-6 * ol);
            float amax = 0.0f;
            for (int32_t k = 0; k < cs.K; ++k) amax = std::max(amax, std::fabs(lars.A[size_t(i) * cs.K + k]));
            for (int32_t k = 0; k < cs.K; ++k) {
                const float al = lars.A[size_t(i) * cs.K + k], ac = cd.A[size_t(i) * cs.K + k];
                if (std::fabs(al) > 1e-3f * amax && std::fabs(ac) > 1e-3f * amax) CHECK((al > 0) == (ac > 0));
                if (std::fabs(al) > 1e-2f * amax) CHECK(ac != 0.0f);
                if (std::fabs(ac) > 1e-2f * amax) CHECK(al != 0.0f);
            }
        }
    }
}

TEST_CASE("l1 >= max|c| gives the exact zero code") {
    const Dictionary d(25, 20, 0.01f, 4u);
    const int32_t n = 10;
    const std::vector<float> X = sfl_test::unit_signals(25, n, 2u);
    const float l1 = float(max_abs_c(d, X, n)) * 1.0001f;
    for (sfl_enet_solver solver : {SFL_ENET_LARS, SFL_ENET_CD}) {
        const Encoded e = d.encode(solver, l1, X, n);
        REQUIRE(e.status == SFL_OK);
        for (float v : e.A) CHECK(v == 0.0f);
        for (int32_t i = 0; i < n; ++i) {
            CHECK(e.info[i].support == 0);
            CHECK(e.info[i].iterations == 0);
            CHECK(e.info[i].objective == doctest::Approx(0.5).epsilon(1e-6)); // 1/2 ||x||^2, unit x
        }
    }
    // All-zero signals (blank patches) are the same case for any l1 >= 0.
    const std::vector<float> zeros(25 * 4, 0.0f);
    const Encoded z = d.encode(SFL_ENET_LARS, 0.0f, zeros, 4);
    REQUIRE(z.status == SFL_OK);
    for (float v : z.A) CHECK(v == 0.0f);
}

TEST_CASE("the LARS factor reproduces G on the support") {
    for (float l2 : {0.0f, 0.01f}) {
        const Dictionary d(64, 256, l2, 21u);
        const std::vector<float> x = sfl_test::unit_signals(64, 1, 8u);
        std::vector<float> c(256), a(256), chol(256 * 256, 7.0f);
        std::vector<int32_t> support(256, 7);
        double xx = 0.0;
        d.correlations(x.data(), c.data(), &xx);
        sfl_enet_params p = d.params(SFL_ENET_CD, 0.05f); // solver field is ignored by the factor call
        sfl_enet_info info{};
        sfl_test::AlignedBuffer ws(SFL_ENET_LARS_WORKSPACE_BYTES(256));
        const sfl_workspace w = ws.workspace();
        REQUIRE(sfl_enet_solve_lars_factor(&w, &p, d.plan(), c.data(), xx, a.data(), support.data(), chol.data(),
                                           &info) == SFL_OK);
        const int32_t s = info.support;
        REQUIRE(s > 0);
        const float *G = sfl_enet_plan_gram(d.plan());
        REQUIRE(G != nullptr);
        for (int32_t i = 0; i < 256; ++i) {
            if (i < s) CHECK(a[size_t(support[size_t(i)])] != 0.0f);
            else CHECK(support[size_t(i)] == -1);
        }
        int32_t nnz = 0;
        for (float v : a) nnz += v != 0.0f;
        CHECK(nnz == s);
        double worst = 0.0;
        for (int32_t i = 0; i < 256; ++i)
            for (int32_t j = 0; j < 256; ++j) {
                const float v = chol[size_t(i) * 256 + size_t(j)];
                if (i >= s || j > i) { CHECK(v == 0.0f); continue; }
                if (j > i) continue;
                double llt = 0.0;
                for (int32_t k = 0; k <= j; ++k) llt += double(chol[size_t(i) * 256 + size_t(k)]) * chol[size_t(j) * 256 + size_t(k)];
                const double g = G[size_t(support[size_t(i)]) * 256 + size_t(support[size_t(j)])];
                worst = std::max(worst, std::fabs(llt - g));
            }
        CHECK(worst < 1e-5);
    }
}

TEST_CASE("an iteration bound is reported, with a finite last iterate") {
    const Dictionary d(64, 256, 0.01f, 5u);
    const int32_t n = 5;
    const std::vector<float> X = sfl_test::unit_signals(64, n, 3u);
    for (sfl_enet_solver solver : {SFL_ENET_LARS, SFL_ENET_CD}) {
        const Encoded e = d.encode(solver, 0.01f, X, n, /*max_iter=*/1);
        CHECK(e.status == SFL_WARN_NOT_CONVERGED);
        for (int32_t i = 0; i < n; ++i) {
            CHECK(e.info[i].status == SFL_WARN_NOT_CONVERGED);
            CHECK(e.info[i].hit_iter_limit == 1);
            CHECK(e.info[i].iterations == 1);
        }
        for (float v : e.A) CHECK(std::isfinite(v));
    }
}

TEST_CASE("encode equals solve from c, and a plan copied byte for byte still works") {
    const Dictionary d(25, 20, 0.01f, 6u);
    const int32_t n = 3;
    const std::vector<float> X = sfl_test::unit_signals(25, n, 4u);
    const Encoded e = d.encode(SFL_ENET_LARS, 0.1f, X, n);
    size_t bytes = 0;
    const sfl_enet_dims dims = {25, 20};
    REQUIRE(sfl_enet_plan_size(&dims, &bytes) == SFL_OK);
    sfl_test::AlignedBuffer copy(bytes);
    std::memcpy(copy.data(), d.plan(), bytes);
    const sfl_enet_plan *moved = reinterpret_cast<const sfl_enet_plan *>(copy.data());
    sfl_enet_params p = d.params(SFL_ENET_LARS, 0.1f);
    sfl_test::AlignedBuffer ws(SFL_ENET_LARS_WORKSPACE_BYTES(20));
    const sfl_workspace w = ws.workspace();
    for (int32_t i = 0; i < n; ++i) {
        std::vector<float> c(20), a(20);
        double xx = 0.0;
        d.correlations(&X[size_t(i) * 25], c.data(), &xx);
        REQUIRE(sfl_enet_solve(&w, &p, moved, c.data(), xx, a.data(), nullptr) == SFL_OK);
        for (int32_t k = 0; k < 20; ++k) CHECK(a[size_t(k)] == doctest::Approx(e.A[size_t(i) * 20 + size_t(k)]).epsilon(1e-4).scale(1e-6));
    }
}

TEST_CASE("duplicate atoms with l2 = 0: LARS stays finite and matches CD") {
    // Atom 5 is a copy of atom 2: G[L,L] is singular if both enter.
    Dictionary d(25, 20, 0.0f, 8u, /*duplicate=*/{2, 5});
    const int32_t n = 30;
    const std::vector<float> X = sfl_test::unit_signals(25, n, 6u);
    const Encoded lars = d.encode(SFL_ENET_LARS, 0.05f, X, n);
    const Encoded cd = d.encode(SFL_ENET_CD, 0.05f, X, n);
    for (float v : lars.A) CHECK(std::isfinite(v));
    for (int32_t i = 0; i < n; ++i) {
        CHECK((lars.info[i].status == SFL_OK || lars.info[i].status == SFL_ERR_SINGULAR));
        CHECK(!(lars.A[size_t(i) * 20 + 2] != 0.0f && lars.A[size_t(i) * 20 + 5] != 0.0f));
        if (lars.info[i].status == SFL_OK) {
            const double ol = d.objective(0.05f, &X[size_t(i) * 25], &lars.A[size_t(i) * 20]);
            const double oc = d.objective(0.05f, &X[size_t(i) * 25], &cd.A[size_t(i) * 20]);
            CHECK(std::fabs(ol - oc) <= 1e-5 * ol);
        }
    }
}

TEST_CASE("LARS through drops: an atom that leaves can come back with the other sign") {
    // Regression: on this problem the lasso path adds atom 3 (positive), drops it at
    // lambda = 0.1374 and takes it back (negative) at lambda = 0.0521 (scikit-learn's
    // lars_path agrees); a LARS that never re-admits the dropped atom within the next
    // step ends with |r_3| = 0.0569 > l1.
    const std::vector<float> P = {-0.775387168f, 0.455972284f, 0.00798510667f, -0.274453312f,
                                  0.310228676f,  -0.0635253787f, 0.444465131f, 0.930581987f,
                                  0.0124668004f, 0.248021975f,  0.210670337f, -0.153580025f,
                                  0.549888611f,  -0.852372527f, 0.870634794f, 0.187365159f};
    const std::vector<float> x = {0.0184311587f, 0.639139116f, 0.869490564f, 0.467808783f};
    const Dictionary d(4, 4, 0.0f, P);
    const Encoded e = d.encode(SFL_ENET_LARS, 0.05f, x, 1);
    REQUIRE(e.status == SFL_OK);
    CHECK(e.A[3] == doctest::Approx(-0.0152283).epsilon(1e-3));
    CHECK(d.kkt(0.05f, x.data(), e.A.data()) <= 1e-6);

    // Many small problems: drops and re-entries are common when K >= m and l1 is small.
    int32_t checked = 0;
    for (unsigned seed = 0; seed < 400; ++seed) {
        const int32_t m = 3 + int32_t(seed % 6), K = 3 + int32_t((seed / 6) % 8);
        const float l2 = seed % 2 ? 0.0f : 0.01f;
        const Dictionary ds(m, K, l2, 1000u + seed);
        const std::vector<float> X = sfl_test::unit_signals(m, 4, seed);
        for (float l1 : {0.002f, 0.02f, 0.1f}) {
            const Encoded r = ds.encode(SFL_ENET_LARS, l1, X, 4);
            for (int32_t i = 0; i < 4; ++i) {
                CAPTURE(seed);
                CAPTURE(l1);
                if (r.info[size_t(i)].status == SFL_ERR_SINGULAR) continue; // l2 = 0, K > m: may be rank deficient
                REQUIRE(r.info[size_t(i)].status == SFL_OK);
                CHECK(ds.kkt(l1, &X[size_t(i) * m], &r.A[size_t(i) * K]) <= 1e-4);
                ++checked;
            }
        }
    }
    CHECK(checked > 4000);
}
