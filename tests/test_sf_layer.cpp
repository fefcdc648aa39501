// SF layer: gradients against double-precision finite differences (support
// held fixed and checked), the loss mix and labelled flags, lU values, range
// splitting, and forward == sfl_enet_encode.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "layer_fixture.hpp"
#include "solver_fixture.hpp"

using namespace sfl_test;

TEST_CASE("SF backward: dLoss/dx and dLoss/dP match finite differences, l2 = 0 and l2 > 0") {
    for (float l2 : {0.0f, 0.05f}) {
        for (unsigned seed : {1u, 2u, 3u}) {
            CAPTURE(l2);
            CAPTURE(seed);
            Case c = sf_case(4, 16, 10, 0.1f, l2, seed);
            c.mix = mix(0.0f, 1.0f);
            expect_gradients(c, seed);
        }
    }
}

TEST_CASE("SF backward with non-negative codes (positive = 1): gradients match finite differences") {
    for (float l2 : {0.0f, 0.05f}) {
        for (unsigned seed : {4u, 5u}) {
            CAPTURE(l2);
            CAPTURE(seed);
            Case c = sf_case(4, 16, 10, 0.05f, l2, seed);
            c.mix = mix(0.3f, 0.7f);
            expect_positive_gradients(c, seed);
        }
    }
}

TEST_CASE("SF backward: dlU/dx and dlU/dP match finite differences of lU") {
    for (float l2 : {0.0f, 0.1f}) {
        CAPTURE(l2);
        Case c = sf_case(3, 12, 20, 0.05f, l2, 11u);
        c.mix = mix(1.0f, 0.0f);
        expect_gradients(c, 11u);
    }
}

TEST_CASE("SF backward: mu-weighted mix with unlabelled samples") {
    Case c = sf_case(5, 14, 9, 0.08f, 0.02f, 21u);
    c.mix = mix(0.3f, 0.7f);
    c.labelled = {1, 0, 1, 0, 0};
    expect_gradients(c, 21u);
    // An unlabelled sample's upstream row is not read: changing it changes nothing.
    const auto base = sfl_gradcheck::run_library(c);
    Case d = c;
    for (int32_t k = 0; k < c.K; ++k) d.dA[size_t(1) * c.K + k] = 1e3f * float(k + 1);
    const auto other = sfl_gradcheck::run_library(d);
    REQUIRE(base.ok());
    REQUIRE(other.ok());
    CHECK(base.dX == other.dX);
    CHECK(base.dP == other.dP);
}

TEST_CASE("SF forward equals sfl_enet_encode and its lU is the encode objective") {
    const Case c = sf_case(70, 20, 30, 0.1f, 0.01f, 31u); // 70 > one block of 64 rows
    const auto lib = sfl_gradcheck::run_library(c);
    REQUIRE(lib.ok());
    const Dictionary d(c.m, c.K, c.l2, c.P);
    const Encoded e = d.encode(SFL_ENET_LARS, c.l1, c.X, c.n);
    REQUIRE(e.status == SFL_OK);
    CHECK(lib.A == e.A);
    for (int32_t i = 0; i < c.n; ++i) {
        CHECK(lib.lu[size_t(i)] == doctest::Approx(e.info[size_t(i)].objective).epsilon(1e-6));
        CHECK(lib.lu[size_t(i)] == doctest::Approx(d.objective(c.l1, &c.X[size_t(i) * c.m], &lib.A[size_t(i) * c.K])).epsilon(1e-4));
    }
}

TEST_CASE("SF: sample ranges with their own dP accumulators sum to one call") {
    Case c = sf_case(9, 15, 12, 0.08f, 0.02f, 41u);
    c.mix = mix(0.2f, 0.8f);
    const auto whole = sfl_gradcheck::run_library(c);
    REQUIRE(whole.ok());
    const CasePlan cp = case_plan(c);
    const sfl_enet_params &params = cp.params;
    const sfl_enet_plan *plan = cp.plan;
    AlignedBuffer cache_mem(SFL_LAYER_CACHE_BYTES(c.n, c.K));
    const sfl_layer_cache cache = cache_mem.cache();
    std::vector<float> A(whole.A.size(), 5.0f), lu(size_t(c.n)), dX(c.X.size(), 5.0f), dPsum(c.P.size(), 0.0f);
    const sfl_range parts[] = {{0, 4}, {4, 4}, {4, 9}}; // includes an empty range
    for (const sfl_range r : parts) {
        AlignedBuffer f(SFL_SF_FORWARD_WORKSPACE_BYTES(c.K, SFL_ENET_LARS_WORKSPACE_BYTES(c.K)));
        AlignedBuffer b(SFL_SF_BACKWARD_WORKSPACE_BYTES(c.m, c.K));
        const sfl_workspace fw = f.workspace(), bw = b.workspace();
        std::vector<float> dP(c.P.size(), 0.0f);
        REQUIRE(sfl_sf_forward(&fw, &params, plan, c.P.data(), c.n, r, c.X.data(), A.data(), &cache, lu.data(),
                               nullptr) == SFL_OK);
        REQUIRE(sfl_sf_backward(&bw, &c.mix, plan, c.P.data(), c.n, r, c.X.data(), A.data(), &cache, c.dA.data(),
                                nullptr, dX.data(), dP.data()) == SFL_OK);
        for (size_t k = 0; k < dP.size(); ++k) dPsum[k] += dP[k];
    }
    CHECK(A == whole.A);
    CHECK(lu == whole.lu);
    CHECK(dX == whole.dX);
    for (size_t k = 0; k < dPsum.size(); ++k) CHECK(dPsum[k] == doctest::Approx(whole.dP[k]).epsilon(1e-5).scale(1.0));
}

namespace {

// m x K row-major Gaussian columns, column k scaled to norm target(k) (in float).
template <class Target> std::vector<float> dict_with_norms(int32_t m, int32_t K, unsigned seed, Target target) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> N(0.0f, 1.0f);
    std::vector<float> P(size_t(m) * K);
    for (int32_t k = 0; k < K; ++k) {
        const float t = target(k);
        double s = 0.0;
        for (int32_t r = 0; r < m; ++r) {
            const float v = N(rng);
            P[size_t(r) * K + k] = v;
            s += double(v) * v;
        }
        for (int32_t r = 0; r < m; ++r) P[size_t(r) * K + k] = float(P[size_t(r) * K + k] * t / std::sqrt(s));
    }
    return P;
}

} // namespace

TEST_CASE("column projection: every column ends with norm <= 1, shorter ones untouched") {
    const int32_t m = 37, K = 150; // more than two chunks of 64 columns
    std::vector<float> P = dict_with_norms(m, K, 5u, [](int32_t k) { // short, unit, long
        return k % 3 == 0 ? 0.5f : (k % 3 == 1 ? 1.0f : 7.0f);
    });
    for (int32_t r = 0; r < m; ++r) P[size_t(r) * K + 3] = 0.0f; // a zero column stays zero
    const std::vector<float> before = P;
    const sfl_enet_dims dims = {m, K};
    REQUIRE(sfl_dict_project(&dims, P.data()) == SFL_OK);
    for (int32_t k = 0; k < K; ++k) {
        CAPTURE(k);
        double nb = 0.0, na = 0.0;
        for (int32_t r = 0; r < m; ++r) {
            nb += double(before[size_t(r) * K + k]) * before[size_t(r) * K + k];
            na += double(P[size_t(r) * K + k]) * P[size_t(r) * K + k];
        }
        CHECK(na <= 1.0);
        if (nb <= 1.0) {
            for (int32_t r = 0; r < m; ++r) CHECK(P[size_t(r) * K + k] == before[size_t(r) * K + k]);
        } else {
            CHECK(std::sqrt(na) == doctest::Approx(1.0).epsilon(1e-6)); // projected onto the sphere
            for (int32_t r = 0; r < m; ++r) // same direction
                CHECK(double(P[size_t(r) * K + k]) == doctest::Approx(before[size_t(r) * K + k] / std::sqrt(nb)).epsilon(1e-5).scale(1e-6));
        }
    }
}

namespace {

// The projection one column at a time, as sfl_dict_project specifies it: columns of
// norm > 1 scaled in double by 1/norm, then by 1 - 2^-23 while the norm (summed in
// row order, in double) stays above 1, at most 8 passes.
void project_column_by_column(int32_t m, int32_t K, float *P) {
    const auto sqnorm = [&](int32_t k) {
        double s = 0.0;
        for (int32_t r = 0; r < m; ++r) s += double(P[size_t(r) * K + k]) * P[size_t(r) * K + k];
        return s;
    };
    for (int32_t k = 0; k < K; ++k) {
        const double n2 = sqnorm(k);
        if (!(n2 > 1.0)) continue;
        double scale = 1.0 / std::sqrt(n2);
        for (int pass = 0; pass < 8; ++pass) {
            for (int32_t r = 0; r < m; ++r) P[size_t(r) * K + k] = float(double(P[size_t(r) * K + k]) * scale);
            if (sqnorm(k) <= 1.0) break;
            scale = 1.0 - 1.0 / 8388608.0;
        }
    }
}

} // namespace

TEST_CASE("column projection: the row-wise passes give the column-by-column floats bit for bit") {
    const int32_t m = 800, K = 500; // the SF layer's dictionary; columns just above norm 1 as after SGD
    std::mt19937 urng(9);
    std::uniform_real_distribution<float> U(0.0f, 1.0f);
    std::vector<float> P = dict_with_norms(m, K, 9u, [&](int32_t k) { return k % 5 == 0 ? 0.9f : 1.0f + 1e-3f * U(urng); });
    std::vector<float> ref = P;
    project_column_by_column(m, K, ref.data());
    const sfl_enet_dims dims = {m, K};
    REQUIRE(sfl_dict_project(&dims, P.data()) == SFL_OK);
    int32_t differ = 0;
    for (size_t e = 0; e < P.size(); ++e) differ += std::memcmp(&P[e], &ref[e], sizeof(float)) != 0;
    CHECK(differ == 0);
}

TEST_CASE("SF/CSF backward: the paper's mixing, dP and dX weighted apart, match finite differences") {
    // {mu, 1 - mu, 1, nu}: dP of (1 - mu) <g, a> + mu lU, dX of <g, a> + nu lU, and the
    // extremes where one of the two losses has no supervised part at all.
    const sfl_loss_mix mixes[] = {{0.3f, 0.7f, 1.0f, 0.0f}, {0.3f, 0.7f, 1.0f, 0.45f}, {1.0f, 0.0f, 1.0f, 0.2f},
                                  {0.5f, 0.8f, 0.0f, 0.5f}};
    unsigned seed = 70u;
    for (const sfl_loss_mix &m : mixes)
        for (bool csf : {false, true}) {
            CAPTURE(m.mu);
            CAPTURE(m.input_lu_weight);
            CAPTURE(csf);
            ++seed;
            Case c = csf ? csf_case(3, sfl_dims4{3, 6, 6, 1}, SFL_PATCH_PARAMS_INIT(3, 3), 7, 0.1f, 0.02f, seed)
                         : sf_case(5, 14, 9, 0.08f, 0.02f, seed);
            c.mix = m;
            c.labelled = csf ? std::vector<uint8_t>{1, 0, 1} : std::vector<uint8_t>{1, 0, 1, 1, 0};
            expect_gradients(c, seed);
        }
}

TEST_CASE("SF/CSF backward: input_lu_weight = 0 drops dlU/dx from dX and leaves dP as it was") {
    for (bool csf : {false, true}) {
        CAPTURE(csf);
        Case c = csf ? csf_case(2, sfl_dims4{2, 7, 6, 2}, SFL_PATCH_PARAMS_INIT(3, 3), 10, 0.08f, 0.02f, 51u)
                     : sf_case(6, 14, 9, 0.08f, 0.02f, 51u);
        c.mix = mix(0.4f, 1.0f);
        const auto full = sfl_gradcheck::run_library(c);
        Case s = c;
        s.mix.input_lu_weight = 0.0f;
        const auto stopped = sfl_gradcheck::run_library(s);
        // dX without the lU part = dX of the same upstream gradient with mu = 0.
        Case z = c;
        z.mix.mu = 0.0f;
        z.mix.input_lu_weight = 0.0f;
        const auto no_lu = sfl_gradcheck::run_library(z);
        REQUIRE(full.ok());
        REQUIRE(stopped.ok());
        REQUIRE(no_lu.ok());
        CHECK(stopped.dP == full.dP);
        CHECK(stopped.dX == no_lu.dX);
        CHECK(stopped.dX != full.dX); // mu != 0: the lU term was there to drop
    }
}
