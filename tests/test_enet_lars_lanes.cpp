// The lane-parallel LARS (lib/kernels/enet/lars_lanes.*) against the reference
// lars_solve, row by row on the same float G and c: objectives in double from
// (P, x), supports, KKT (enet::evaluate), the fallback path on collinear
// dictionaries, and the edge cases n = 0 / all-blank.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "common/arena.hpp"
#include "common/outcome.hpp"
#include "enet_test_util.hpp"
#include "kernels/enet/encode.hpp"
#include "kernels/enet/lars.hpp"
#include "kernels/enet/lars_lanes.hpp"
#include "kernels/enet/plan.hpp"
#include "kernels/enet/problem.hpp"

using namespace sfl_test;

namespace {

struct Inputs {
    std::vector<float> C;    // n x K, c = P^T x (double sums rounded to float)
    std::vector<double> xsq; // n
};

Inputs make_inputs(const Matrix &P, const Matrix &X) {
    Inputs in;
    const int32_t K = P.cols;
    in.C.resize(size_t(X.rows) * size_t(K));
    in.xsq.resize(size_t(X.rows));
    for (int32_t i = 0; i < X.rows; ++i) {
        const std::vector<double> c = correlations(P, X.row(i));
        for (int32_t k = 0; k < K; ++k) in.C[size_t(i) * K + size_t(k)] = float(c[size_t(k)]);
        double s = 0;
        for (int32_t r = 0; r < X.cols; ++r) s += double(X.row(i)[r]) * X.row(i)[r];
        in.xsq[size_t(i)] = s;
    }
    return in;
}

struct Run {
    std::vector<float> A;
    std::vector<uint8_t> fell_back;
    sfl::enet::LanesStats stats;
    sfl_status status = SFL_OK;
};

Run run_lanes(const sfl_enet_plan *plan, int32_t K, float l1, const Inputs &in, int32_t n, int32_t max_iter = 0) {
    const size_t bytes = sfl::enet::lars_lanes_workspace_bytes(K);
    REQUIRE(bytes > 0);
    AlignedBuffer ws(bytes);
    Run r;
    r.A.assign(size_t(n) * size_t(K) + 1, -7.0f);
    r.fell_back.assign(size_t(n) + 1, 9);
    r.status = sfl::enet::lars_lanes_solve_rows(ws.data(), bytes, sfl::enet::plan_gram(plan),
                                                sfl::enet::plan_inv_diag(plan), K, l1, n, in.C.data(), in.xsq.data(),
                                                max_iter > 0 ? max_iter : 4 * K + 16, r.A.data(), &r.stats,
                                                r.fell_back.data());
    return r;
}

std::vector<float> run_reference(const sfl_enet_plan *plan, int32_t K, float l1, const Inputs &in, int32_t n) {
    sfl::Arena counting;
    (void)sfl::enet::LarsBuffers::carve(counting, K);
    AlignedBuffer ws(counting.used());
    sfl::Arena arena(ws.data(), ws.size());
    const sfl::enet::LarsBuffers buf = sfl::enet::LarsBuffers::carve(arena, K);
    std::vector<float> A(size_t(n) * size_t(K));
    for (int32_t i = 0; i < n; ++i) {
        sfl::enet::Problem pb{sfl::enet::plan_gram(plan), sfl::enet::plan_inv_diag(plan), K, l1, in.xsq[size_t(i)],
                              in.C.data() + size_t(i) * K, false};
        sfl::enet::lars_solve(buf, pb, 4 * K + 16, A.data() + size_t(i) * K, nullptr, nullptr, nullptr);
    }
    return A;
}

struct Compare {
    double worst_obj_rel = 0, worst_kkt = 0, worst_kkt_ref = 0;
    int32_t support_diff = 0, n = 0;
};

// Objective (double, from P and x), exact support and KKT (evaluate on the plan's G, c).
Compare compare(const Matrix &P, const Matrix &X, float l1, float l2, const sfl_enet_plan *plan, const Inputs &in,
                const std::vector<float> &Al, const std::vector<float> &Ar) {
    const int32_t K = P.cols;
    Compare c;
    c.n = X.rows;
    for (int32_t i = 0; i < X.rows; ++i) {
        const float *al = Al.data() + size_t(i) * K, *ar = Ar.data() + size_t(i) * K;
        const double fl = objective(P, X.row(i), al, l1, l2), fr = objective(P, X.row(i), ar, l1, l2);
        // the reference need not be the better one (float vs double rounding): |difference|
        c.worst_obj_rel = std::max(c.worst_obj_rel, std::fabs(fl - fr) / (std::fabs(fr) + 1e-12));
        bool same = true;
        for (int32_t k = 0; k < K; ++k) same = same && ((al[k] > 0) == (ar[k] > 0)) && ((al[k] < 0) == (ar[k] < 0));
        c.support_diff += same ? 0 : 1;
        sfl::enet::Problem pb{sfl::enet::plan_gram(plan), sfl::enet::plan_inv_diag(plan), K, l1, in.xsq[size_t(i)],
                              in.C.data() + size_t(i) * K, false};
        sfl_enet_info info{};
        const double scale = std::max(1.0, double(sfl::enet::max_correlation(pb.c, K, false)));
        c.worst_kkt = std::max(c.worst_kkt, sfl::enet::evaluate(pb, al, nullptr, &info).kkt / scale);
        c.worst_kkt_ref = std::max(c.worst_kkt_ref, sfl::enet::evaluate(pb, ar, nullptr, &info).kkt / scale);
    }
    return c;
}

// Rows of X with blank rows mixed in: zero signals and signals scaled below l1.
Matrix with_blanks(Matrix X, float l1) {
    for (int32_t i = 0; i < X.rows; i += 7) {
        const float s = (i % 14 == 0) ? 0.0f : 0.5f * l1;
        for (int32_t r = 0; r < X.cols; ++r) X.row(i)[r] *= s;
    }
    return X;
}

// max_support_diff: rows whose sign pattern may differ from the reference's (observed: 0
// on every case here); max_fallbacks: rows the lanes may hand to lars_solve (observed: 0).
void check_case(const Matrix &P, const Matrix &X, float l1, float l2, int32_t max_support_diff,
                int32_t max_fallbacks, const std::string &name) {
    const int32_t K = P.cols;
    const Plan pl = make_plan(P, l2);
    const Inputs in = make_inputs(P, X);
    const Run lr = run_lanes(pl.plan, K, l1, in, X.rows);
    const std::vector<float> Ar = run_reference(pl.plan, K, l1, in, X.rows);
    const Compare c = compare(P, X, l1, l2, pl.plan, in, lr.A, Ar);
    int32_t blank = 0;
    for (int32_t i = 0; i < X.rows; ++i)
        blank += sfl::enet::max_correlation(in.C.data() + size_t(i) * K, K, false) > l1 ? 0 : 1;
    bool fallback_rows_exact = true;
    for (int32_t i = 0; i < X.rows; ++i)
        if (lr.fell_back[size_t(i)])
            for (int32_t k = 0; k < K; ++k)
                fallback_rows_exact = fallback_rows_exact && lr.A[size_t(i) * K + k] == Ar[size_t(i) * K + k];
    INFO(name, " m=", P.rows, " K=", K, " n=", X.rows, " l1=", l1, " l2=", l2, ": worst obj rel ", c.worst_obj_rel,
         ", support differs on ", c.support_diff, ", worst kkt ", c.worst_kkt, " (reference ", c.worst_kkt_ref,
         "), fallbacks ", lr.stats.fallbacks, ", blank ", lr.stats.blank);
    CHECK(lr.status == SFL_OK);
    CHECK(lr.A.back() == -7.0f); // nothing written past n x K
    CHECK(lr.fell_back.back() == 9);
    CHECK(lr.stats.blank == blank);
    CHECK(c.worst_obj_rel <= 1e-8);
    CHECK(c.support_diff <= max_support_diff);
    CHECK(lr.stats.fallbacks <= max_fallbacks);
    CHECK(c.worst_kkt <= std::max(1e-4 * l1, 4.0 * c.worst_kkt_ref));
    CHECK(fallback_rows_exact);
    for (int32_t i = 0; i < X.rows; ++i)
        if (sfl::enet::max_correlation(in.C.data() + size_t(i) * K, K, false) <= l1)
            CHECK(count_nonzero(lr.A.data() + size_t(i) * K, K) == 0);
}

} // namespace

TEST_CASE("lars lanes: random problems agree with lars_solve") {
    const int32_t Ks[] = {1, 5, 20, 32};
    uint32_t seed = 100;
    for (int32_t K : Ks) {
        const int32_t ms[] = {K / 2 + 1, 25, 64};
        for (int32_t m : ms) {
            for (float l2 : {0.0f, 0.01f}) {
                const int32_t n = 203; // not a multiple of 4 or 16
                RandomProblem rp = random_problem(m, K, n, seed++);
                const float l1 = 0.1f;
                const Matrix X = with_blanks(rp.X, l1);
                // Well-conditioned (m >= 2K, or small K with m >= K): the same support on every
                // row; elsewhere a few rows may differ on near-ties (observed: none).
                const bool well = m >= 2 * K || (K <= 5 && m >= K);
                check_case(rp.P, X, l1, l2, well ? 0 : n / 50, n / 50, "random");
            }
        }
    }
}

#ifdef SFL_TESTS_HAVE_CPP
TEST_CASE("lars lanes: MNIST 25x20 fixture agrees with lars_solve") {
    const Matrix P = load_matrix(enet_data_path("mnist5_P.npy"));
    const Matrix X = load_matrix(enet_data_path("mnist5_X.npy"));
    REQUIRE(P.cols == 20);
    REQUIRE(X.cols == 25);
    const float cases[][2] = {{0.05f, 0.1f}, {0.1f, 0.01f}, {0.1f, 0.0f}};
    for (const auto &lc : cases) check_case(P, X, lc[0], lc[1], X.rows / 200, X.rows / 200, "mnist5");
    // an n that is not a multiple of the lane count
    Matrix Xs = X;
    Xs.rows = std::min<int32_t>(X.rows, 37);
    Xs.data.resize(size_t(Xs.rows) * size_t(Xs.cols));
    check_case(P, Xs, 0.1f, 0.01f, 0, 0, "mnist5 first 37");
}
#endif

TEST_CASE("lars lanes: paths with drops and re-entries agree with lars_solve") {
    // Small l1 with K >= m: atoms leave the active set and come back (the lasso
    // modification and the last_dropped rule); lars_solve's step count tells how
    // many drops each row's path took: steps = adds + drops + 1, support = adds - drops.
    int32_t rows_with_drops = 0, rows = 0;
    double worst_obj = 0, worst_kkt = 0, worst_kkt_ref = 0;
    int32_t fallbacks = 0;
    for (uint32_t seed = 0; seed < 60; ++seed) {
        const int32_t m = 3 + int32_t(seed % 6), K = 3 + int32_t((seed / 6) % 8);
        const float l2 = K > m ? 0.01f : (seed % 2 ? 0.0f : 0.01f);
        const RandomProblem rp = random_problem(m, K, 37, 500u + seed);
        const Plan pl = make_plan(rp.P, l2);
        const Inputs in = make_inputs(rp.P, rp.X);
        for (float l1 : {0.002f, 0.02f}) {
            const Run lr = run_lanes(pl.plan, K, l1, in, rp.X.rows);
            REQUIRE(lr.status == SFL_OK);
            fallbacks += lr.stats.fallbacks;
            sfl::Arena counting;
            (void)sfl::enet::LarsBuffers::carve(counting, K);
            AlignedBuffer ws(counting.used());
            sfl::Arena arena(ws.data(), ws.size());
            const sfl::enet::LarsBuffers buf = sfl::enet::LarsBuffers::carve(arena, K);
            for (int32_t i = 0; i < rp.X.rows; ++i) {
                const sfl::enet::Problem pb{sfl::enet::plan_gram(pl.plan), sfl::enet::plan_inv_diag(pl.plan), K, l1,
                                            in.xsq[size_t(i)], in.C.data() + size_t(i) * K, false};
                std::vector<float> ar(static_cast<size_t>(K));
                sfl_enet_info info{};
                REQUIRE(sfl::enet::lars_solve(buf, pb, 4 * K + 16, ar.data(), nullptr, nullptr, &info) == SFL_OK);
                const float *al = lr.A.data() + size_t(i) * K;
                rows_with_drops += info.iterations - 1 > info.support ? 1 : 0;
                ++rows;
                const double fl = objective(rp.P, rp.X.row(i), al, l1, l2);
                const double fr = objective(rp.P, rp.X.row(i), ar.data(), l1, l2);
                worst_obj = std::max(worst_obj, std::fabs(fl - fr) / (fr + 1e-12));
                sfl_enet_info li{};
                const double scale = std::max(1.0, double(sfl::enet::max_correlation(pb.c, K, false)));
                worst_kkt = std::max(worst_kkt, sfl::enet::evaluate(pb, al, nullptr, &li).kkt / scale);
                worst_kkt_ref = std::max(worst_kkt_ref, sfl::enet::evaluate(pb, ar.data(), nullptr, &li).kkt / scale);
                if (lr.fell_back[size_t(i)])
                    for (int32_t k = 0; k < K; ++k) CHECK(al[k] == ar[size_t(k)]);
            }
        }
    }
    MESSAGE("drops: ", rows_with_drops, " of ", rows, " rows had drops; worst obj rel ", worst_obj, ", worst kkt ",
            worst_kkt, " (reference ", worst_kkt_ref, "), fallbacks ", fallbacks);
    CHECK(rows_with_drops > rows / 20);
    CHECK(worst_obj <= 1e-8);
    CHECK(worst_kkt <= std::max(2e-5, 4 * worst_kkt_ref));
    CHECK(fallbacks <= rows / 50);
}

TEST_CASE("lars lanes: duplicate atoms take the fallback and give the reference's answer") {
    const int32_t m = 25, K = 12, n = 300;
    RandomProblem rp = random_problem(m, K, n, 7);
    // atom 5 == atom 2, atom 9 == -atom 2 (collinear), l2 = 0: G[A,A] singular once both are in
    for (int32_t r = 0; r < m; ++r) {
        rp.P.row(r)[5] = rp.P.row(r)[2];
        rp.P.row(r)[9] = -rp.P.row(r)[2];
    }
    // signals along atom 2 (plus noise) so the duplicates reach the active set
    std::mt19937 rng(3);
    std::normal_distribution<float> N(0.0f, 0.3f);
    for (int32_t i = 0; i < n; ++i)
        for (int32_t r = 0; r < m; ++r) rp.X.row(i)[r] = rp.P.row(r)[2] + N(rng) / 5.0f + 0.5f * rp.X.row(i)[r];
    const float l1 = 0.05f;
    const Plan pl = make_plan(rp.P, 0.0f);
    const Inputs in = make_inputs(rp.P, rp.X);
    const Run lr = run_lanes(pl.plan, K, l1, in, n);
    const std::vector<float> Ar = run_reference(pl.plan, K, l1, in, n);
    int32_t flagged = 0, exact = 0;
    for (int32_t i = 0; i < n; ++i) {
        if (!lr.fell_back[size_t(i)]) continue;
        ++flagged;
        bool same = true;
        for (int32_t k = 0; k < K; ++k) same = same && lr.A[size_t(i) * K + k] == Ar[size_t(i) * K + k];
        exact += same ? 1 : 0;
    }
    MESSAGE("duplicates: fallbacks ", lr.stats.fallbacks, " of ", n, " rows");
    CHECK(lr.stats.fallbacks > 0);
    CHECK(flagged == lr.stats.fallbacks);
    CHECK(exact == flagged);
    // status: the reference's (SFL_ERR_SINGULAR only if a left-out atom breaks KKT)
    CHECK((lr.status == SFL_OK || lr.status == SFL_ERR_SINGULAR));
    // rows solved in lanes: same objective as the reference's
    double worst = 0;
    for (int32_t i = 0; i < n; ++i) {
        if (lr.fell_back[size_t(i)]) continue;
        const double fl = objective(rp.P, rp.X.row(i), lr.A.data() + size_t(i) * K, l1, 0.0);
        const double fr = objective(rp.P, rp.X.row(i), Ar.data() + size_t(i) * K, l1, 0.0);
        worst = std::max(worst, std::fabs(fl - fr) / fr);
    }
    CHECK(worst <= 1e-8);
}

TEST_CASE("lars lanes: n = 0, all-blank rows, bad arguments") {
    const int32_t m = 25, K = 20;
    RandomProblem rp = random_problem(m, K, 40, 11);
    const Plan pl = make_plan(rp.P, 0.01f);
    const size_t bytes = sfl::enet::lars_lanes_workspace_bytes(K);
    AlignedBuffer ws(bytes);
    const float *G = sfl::enet::plan_gram(pl.plan);
    sfl::enet::LanesStats stats;
    stats.fallbacks = 5;
    CHECK(sfl::enet::lars_lanes_solve_rows(ws.data(), bytes, G, nullptr, K, 0.1f, 0, nullptr, nullptr, 40, nullptr,
                                           &stats) == SFL_OK);
    CHECK(stats.fallbacks == 0);
    CHECK(stats.blank == 0);

    // all blank: every |c_j| <= l1 (zero signals and tiny ones, and one exactly at l1)
    Matrix X = rp.X;
    for (int32_t i = 0; i < X.rows; ++i)
        for (int32_t r = 0; r < m; ++r) X.row(i)[r] *= (i % 2 == 0) ? 0.0f : 0.01f;
    Inputs in = make_inputs(rp.P, X);
    in.C[5 * K + 3] = 0.1f;
    const Run r = run_lanes(pl.plan, K, 0.1f, in, X.rows);
    CHECK(r.status == SFL_OK);
    CHECK(r.stats.blank == X.rows);
    CHECK(r.stats.fallbacks == 0);
    CHECK(count_nonzero(r.A.data(), X.rows * K) == 0);

    float a[20];
    CHECK(sfl::enet::lars_lanes_solve_rows(ws.data(), bytes, G, nullptr, 33, 0.1f, 1, in.C.data(), nullptr, 40, a,
                                           nullptr) == SFL_ERR_BAD_DIMS);
    CHECK(sfl::enet::lars_lanes_solve_rows(ws.data(), bytes - 1, G, nullptr, K, 0.1f, 1, in.C.data(), nullptr, 40, a,
                                           nullptr) == SFL_ERR_WORKSPACE_TOO_SMALL);
    CHECK(sfl::enet::lars_lanes_workspace_bytes(0) == 0);
    CHECK(sfl::enet::lars_lanes_workspace_bytes(33) == 0);
}

TEST_CASE("lars lanes: rows stopped by the step bound, some with a drop pending, are lars_solve's") {
    // Drop-heavy paths (small l1, K >= m) cut at a few steps: lanes stop with an event
    // pending, then go idle when the rows run out (a lane left with a pending drop once
    // corrupted the slot table). Every stopped row must be the reference's, bit for bit,
    // with its SFL_WARN_NOT_CONVERGED status.
    int32_t stopped = 0;
    for (uint32_t seed = 0; seed < 24; ++seed) {
        const int32_t m = 4 + int32_t(seed % 4), K = 6 + int32_t(seed % 5);
        const RandomProblem rp = random_problem(m, K, 29 + int32_t(seed), 900u + seed);
        const Plan pl = make_plan(rp.P, 0.01f);
        const Inputs in = make_inputs(rp.P, rp.X);
        sfl::Arena counting;
        (void)sfl::enet::LarsBuffers::carve(counting, K);
        AlignedBuffer ws(counting.used());
        sfl::Arena arena(ws.data(), ws.size());
        const sfl::enet::LarsBuffers buf = sfl::enet::LarsBuffers::carve(arena, K);
        for (int32_t max_iter : {2, 3, 5, 8}) {
            const Run lr = run_lanes(pl.plan, K, 0.002f, in, rp.X.rows, max_iter);
            bool any_limit = false;
            for (int32_t i = 0; i < rp.X.rows; ++i) {
                const sfl::enet::Problem pb{sfl::enet::plan_gram(pl.plan), sfl::enet::plan_inv_diag(pl.plan), K,
                                            0.002f, in.xsq[size_t(i)], in.C.data() + size_t(i) * K, false};
                std::vector<float> ar(static_cast<size_t>(K));
                sfl_enet_info info{};
                sfl::enet::lars_solve(buf, pb, max_iter, ar.data(), nullptr, nullptr, &info);
                const float *al = lr.A.data() + size_t(i) * K;
                if (info.hit_iter_limit) {
                    any_limit = true;
                    ++stopped;
                    CHECK(lr.fell_back[size_t(i)] == 1);
                }
                if (lr.fell_back[size_t(i)])
                    for (int32_t k = 0; k < K; ++k) CHECK(al[k] == ar[size_t(k)]);
                else
                    CHECK(objective(rp.P, rp.X.row(i), al, 0.002f, 0.01f) ==
                          doctest::Approx(objective(rp.P, rp.X.row(i), ar.data(), 0.002f, 0.01f)).epsilon(1e-9));
            }
            CHECK(lr.A.back() == -7.0f);
            CHECK((lr.status == SFL_WARN_NOT_CONVERGED) == any_limit);
        }
    }
    MESSAGE("rows stopped by the step bound: ", stopped);
    CHECK(stopped > 100);
}

// Through the public API: sfl_enet_encode with params.lanes = 1 against the same call
// with lanes = 0 (one signal at a time).
namespace {
void check_encode_lanes(const Matrix &P, const Matrix &X, float l1, float l2, int32_t max_iter, const char *name) {
    const int32_t K = P.cols;
    const Plan pl = make_plan(P, l2);
    sfl_enet_params params = sfl_enet_default_params();
    params.l1 = l1;
    params.l2 = l2;
    params.max_iter = max_iter;
    params.lanes = 0;
    const EncodeResult one = encode(pl, params, P, X);
    params.lanes = 1;
    const EncodeResult lanes = encode(pl, params, P, X);
    int32_t support_diff = 0, status_diff = 0;
    double worst = 0;
    for (int32_t i = 0; i < X.rows; ++i) {
        const sfl_enet_info &a = lanes.info[size_t(i)], &b = one.info[size_t(i)];
        status_diff += a.status != b.status;
        bool same = a.support == b.support;
        for (int32_t k = 0; k < K; ++k) {
            const float x = lanes.A[size_t(i) * K + k], y = one.A[size_t(i) * K + k];
            same = same && ((x > 0) == (y > 0)) && ((x < 0) == (y < 0));
        }
        support_diff += same ? 0 : 1;
        if (same && b.status == SFL_OK) {
            const double f = objective(P, X.row(i), lanes.A.data() + size_t(i) * K, l1, l2);
            const double g = objective(P, X.row(i), one.A.data() + size_t(i) * K, l1, l2);
            worst = std::max(worst, std::fabs(f - g) / std::max(std::fabs(g), 1e-30));
            for (int32_t k = 0; k < K; ++k)
                CHECK(lanes.A[size_t(i) * K + k] ==
                      doctest::Approx(one.A[size_t(i) * K + k]).epsilon(1e-5).scale(1e-6));
        }
    }
    INFO(name, " K=", K, " n=", X.rows, " l1=", l1, " l2=", l2, " max_iter=", max_iter, ": support differs on ",
         support_diff, ", status on ", status_diff, ", worst objective rel ", worst);
    CHECK(lanes.status == one.status);
    CHECK(status_diff == 0);
    CHECK(support_diff <= X.rows / 100);
    CHECK(worst <= 1e-9);
}
} // namespace

TEST_CASE("encode: with params.lanes = 1 the codes are the one-at-a-time LARS codes") {
    CHECK(SFL_ENET_LANES_BYTES(33) == 0);
    for (int32_t K : {1, 7, 20, 32}) {
        // the workspace the macro promises is what the kernel needs (at the widest lane count)
        CHECK(sfl::enet::lars_lanes_workspace_bytes(K) <= SFL_ENET_LANES_BYTES(K));
        const int32_t m = K < 20 ? 2 * K + 1 : 25;
        const RandomProblem rp = random_problem(m, K, 600, 77u + uint32_t(K)); // > 2 lanes blocks of 256
        for (float l2 : {0.0f, 0.01f})
            for (int32_t max_iter : {0, 4}) check_encode_lanes(rp.P, with_blanks(rp.X, 0.05f), 0.05f, l2, max_iter, "random");
    }
#ifdef SFL_TESTS_HAVE_CPP
    const Matrix P = load_matrix(enet_data_path("mnist5_P.npy"));
    const Matrix X = load_matrix(enet_data_path("mnist5_X.npy"));
    for (float l1 : {0.02f, 0.1f}) check_encode_lanes(P, X, l1, 0.01f, 0, "mnist5");
#endif
    // duplicate and opposite atoms with l2 = 0: most rows are flagged by the lanes and
    // solved (once) by the one-row LARS inside encode, with its statuses
    {
        RandomProblem dup = random_problem(25, 12, 300, 7);
        for (int32_t r = 0; r < 25; ++r) {
            dup.P.row(r)[5] = dup.P.row(r)[2];
            dup.P.row(r)[9] = -dup.P.row(r)[2];
        }
        for (int32_t i = 0; i < dup.X.rows; ++i)
            for (int32_t r = 0; r < 25; ++r) dup.X.row(i)[r] = dup.P.row(r)[2] + 0.5f * dup.X.row(i)[r];
        check_encode_lanes(dup.P, dup.X, 0.05f, 0.0f, 0, "duplicate atoms");
    }
    // a row whose correlations leave float range: the same SFL_ERR_NOT_FINITE row either way
    RandomProblem big = random_problem(25, 20, 40, 5);
    for (int32_t r = 0; r < 25; ++r) big.X.row(3)[r] = 3e38f;
    const Plan pl = make_plan(big.P, 0.01f);
    sfl_enet_params params = sfl_enet_default_params();
    for (int32_t lanes : {0, 1}) {
        params.lanes = lanes;
        size_t bytes = 0;
        REQUIRE(sfl_enet_encode_workspace_size(&params, pl.plan, &bytes) == SFL_OK);
        AlignedBuffer ws(bytes);
        const sfl_workspace w = ws.workspace();
        std::vector<float> A(size_t(40) * 20, 7.0f);
        std::vector<sfl_enet_info> info(40);
        CHECK(sfl_enet_encode(&w, &params, pl.plan, big.P.data.data(), 40, big.X.data.data(), A.data(), info.data()) ==
              SFL_WARN_ROWS_FAILED);
        CHECK(info[3].status == SFL_ERR_NOT_FINITE);
        CHECK(info[4].status == SFL_OK);
        CHECK(count_nonzero(A.data() + 3 * 20, 20) == 0);
        for (float v : A) CHECK(std::isfinite(v));
    }
}

// The encode driver (lib/kernels/enet/encode.*) that sfl_enet_encode runs: the lanes'
// part of its workspace is exactly SFL_ENET_LANES_BYTES(K), the kernel gets at least
// what it needs on this target, and with params.lanes = 1 the rows really go through
// the lanes (counted), giving the same codes as the public call.
TEST_CASE("encode driver: the lanes' bytes are the macro's, and with them the lanes solve the rows") {
    using namespace sfl::enet;
    const sfl_enet_params base = sfl_enet_default_params();
    for (int32_t K = 1; K <= SFL_ENET_LANES_MAX_K + 1; ++K) {
        CAPTURE(K);
        sfl_enet_params p = base;
        p.lanes = 1;
        const SolverConfig with = make_solver_config(p, K);
        p.lanes = 0;
        const SolverConfig without = make_solver_config(p, K);
        CHECK(with.lanes == (K <= SFL_ENET_LANES_MAX_K));
        CHECK_FALSE(without.lanes);
        sfl::Arena one, with_lanes;
        (void)BlockBuffers::carve(one, without, K);
        (void)BlockBuffers::carve(with_lanes, with, K);
        CHECK(one.used() == SFL_ENET_ENCODE_WORKSPACE_BYTES(K, SFL_ENET_LARS_WORKSPACE_BYTES(K)));
        CHECK(with_lanes.used() == one.used() + SFL_ENET_LANES_BYTES(K));
        if (K > SFL_ENET_LANES_MAX_K) continue;
        CHECK(with_lanes.used() == SFL_ENET_ENCODE_LANES_WORKSPACE_BYTES(K));
        p.lanes = 1;
        size_t bytes = 0;
        const RandomProblem tiny = random_problem(K + 1, K, 1, 5u);
        const Plan tp = make_plan(tiny.P, p.l2);
        REQUIRE(sfl_enet_encode_workspace_size(&p, tp.plan, &bytes) == SFL_OK);
        CHECK(bytes == SFL_ENET_ENCODE_LANES_WORKSPACE_BYTES(K));
        p.solver = SFL_ENET_CD; // CD has no lanes: the field asks for nothing more
        REQUIRE(sfl_enet_encode_workspace_size(&p, tp.plan, &bytes) == SFL_OK);
        CHECK(bytes == SFL_ENET_ENCODE_WORKSPACE_BYTES(K, SFL_ENET_CD_WORKSPACE_BYTES(K)));
        for (int32_t bad : {-1, 2, 100}) {
            p.lanes = bad;
            CHECK(sfl_enet_encode_workspace_size(&p, tp.plan, &bytes) == SFL_ERR_BAD_PARAM);
        }
        CHECK(lanes_kernel_bytes(K) >= lars_lanes_workspace_bytes(K));
        CHECK(lanes_kernel_bytes(K) == lars_lanes_workspace_bytes_for(K, 16));
    }
    const int32_t K = 20;
    const RandomProblem rp = random_problem(25, K, 600, 4242u);
    const Matrix X = with_blanks(rp.X, 0.05f);
    const Plan pl = make_plan(rp.P, 0.01f);
    sfl_enet_params params = base;
    params.l1 = 0.05f;
    params.l2 = 0.01f;
    for (int32_t lanes : {0, 1}) {
        CAPTURE(lanes);
        params.lanes = lanes;
        const SolverConfig cfg = make_solver_config(params, K);
        const bool run = lanes == 1 && lars_lanes_width() > 1;
        sfl::Arena count;
        (void)BlockBuffers::carve(count, cfg, K);
        AlignedBuffer ws(count.used());
        sfl::Arena arena(ws.data(), ws.size());
        const BlockBuffers bb = BlockBuffers::carve(arena, cfg, K);
        CHECK(bb.lanes == run);
        std::vector<float> A(size_t(X.rows) * K, -7.0f);
        std::vector<sfl_enet_info> info(size_t(X.rows));
        sfl::Outcome out;
        BlockStats stats;
        encode_rows(bb, cfg, pl.plan, rp.P.data.data(), X.rows, X.data.data(), A.data(), info.data(), &out, &stats);
        CHECK(stats.lane_rows + stats.one_rows == X.rows);
        if (run) {
            // every non-blank row that the lanes did not flag came from them
            CHECK(stats.lane_rows > X.rows / 2);
        } else {
            CHECK(stats.lane_rows == 0);
        }
        // the public call with the same params computes exactly this; before 0.3 extra
        // workspace bytes switched the lanes on: now they change nothing
        const EncodeResult api = encode(pl, params, rp.P, X);
        const EncodeResult roomy = encode(pl, params, rp.P, X, SFL_ENET_LANES_BYTES(K));
        CHECK(roomy.A == api.A);
        CHECK(api.status == out.status());
        CHECK(api.A == A);
        for (int32_t i = 0; i < X.rows; ++i) CHECK(api.info[size_t(i)].iterations == info[size_t(i)].iterations);
    }
    MESSAGE("lane width ", lars_lanes_width());
}
