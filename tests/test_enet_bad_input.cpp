// The bad-input table of the C API: every documented error comes back as its
// status, outputs stay untouched, nothing crashes and nothing is NaN.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include <sfl/sfl.h>

#include "solver_fixture.hpp"

using sfl_test::AlignedBuffer;
using sfl_test::Dictionary;

namespace {
const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();
constexpr float kSentinel = 12345.0f;

// An enum holding an arbitrary int, as a C caller can pass (a static_cast to an
// out-of-range value is undefined in C++).
template <class E> E raw_enum(int v) {
    static_assert(sizeof(E) == sizeof(int), "enum size");
    E e;
    std::memcpy(&e, &v, sizeof e);
    return e;
}

bool untouched(const std::vector<float> &v) {
    for (float x : v)
        if (x != kSentinel) return false;
    return true;
}
} // namespace

TEST_CASE("status strings: every code has its own text, unknown codes say so") {
    const sfl_status all[] = {SFL_OK, SFL_ERR_NULL_ARG, SFL_ERR_BAD_DIMS, SFL_ERR_BAD_PARAM, SFL_ERR_BAD_PLAN,
                              SFL_ERR_WORKSPACE_TOO_SMALL, SFL_ERR_MISALIGNED, SFL_ERR_NOT_FINITE, SFL_ERR_SINGULAR,
                              SFL_ERR_ZERO_ATOM, SFL_ERR_UNSUPPORTED, SFL_WARN_NOT_CONVERGED, SFL_WARN_ROWS_FAILED};
    for (sfl_status a : all) {
        REQUIRE(sfl_status_string(a) != nullptr);
        CHECK(std::strlen(sfl_status_string(a)) > 0);
        CHECK(std::strcmp(sfl_status_string(a), "unknown status") != 0);
        for (sfl_status b : all)
            if (a != b) CHECK(std::strcmp(sfl_status_string(a), sfl_status_string(b)) != 0);
    }
    CHECK(std::strcmp(sfl_status_string(raw_enum<sfl_status>(-999)), "unknown status") == 0);
    CHECK(std::strcmp(sfl_status_string(raw_enum<sfl_status>(77)), "unknown status") == 0);
    CHECK(sfl_version() == SFL_VERSION_NUMBER);
    CHECK(std::strcmp(sfl_version_string(), SFL_VERSION_STRING) == 0);
}

TEST_CASE("plan: bad dims, params, memory and dictionaries") {
    const int32_t m = 6, K = 4;
    std::vector<float> P(size_t(m * K), 0.5f);
    for (int32_t k = 0; k < K; ++k) P[size_t(k)] = 1.0f + float(k);
    sfl_enet_params p = SFL_ENET_PARAMS_INIT;
    sfl_enet_dims dims = {m, K};
    AlignedBuffer mem(SFL_ENET_PLAN_BYTES(K) + 64);
    sfl_enet_plan *plan = reinterpret_cast<sfl_enet_plan *>(&mem); // must be reset to NULL on error
    size_t bytes = 0;

    CHECK(sfl_enet_plan_size(nullptr, &bytes) == SFL_ERR_NULL_ARG);
    CHECK(sfl_enet_plan_size(&dims, nullptr) == SFL_ERR_NULL_ARG);
    for (sfl_enet_dims bad : {sfl_enet_dims{0, K}, sfl_enet_dims{m, 0}, sfl_enet_dims{-3, K},
                              sfl_enet_dims{m, SFL_ENET_MAX_DIM + 1}}) {
        CHECK(sfl_enet_plan_size(&bad, &bytes) == SFL_ERR_BAD_DIMS);
        CHECK(sfl_enet_plan_init(mem.data(), mem.size(), &p, &bad, P.data(), &plan) == SFL_ERR_BAD_DIMS);
        CHECK(plan == nullptr);
    }
    CHECK(sfl_enet_plan_init(nullptr, mem.size(), &p, &dims, P.data(), &plan) == SFL_ERR_NULL_ARG);
    CHECK(sfl_enet_plan_init(mem.data(), mem.size(), nullptr, &dims, P.data(), &plan) == SFL_ERR_NULL_ARG);
    CHECK(sfl_enet_plan_init(mem.data(), mem.size(), &p, nullptr, P.data(), &plan) == SFL_ERR_NULL_ARG);
    CHECK(sfl_enet_plan_init(mem.data(), mem.size(), &p, &dims, nullptr, &plan) == SFL_ERR_NULL_ARG);
    CHECK(sfl_enet_plan_init(mem.data(), mem.size(), &p, &dims, P.data(), nullptr) == SFL_ERR_NULL_ARG);
    CHECK(sfl_enet_plan_init(mem.data(), SFL_ENET_PLAN_BYTES(K) - 1, &p, &dims, P.data(), &plan) ==
          SFL_ERR_WORKSPACE_TOO_SMALL);
    CHECK(sfl_enet_plan_init(mem.data() + 4, mem.size() - 4, &p, &dims, P.data(), &plan) ==
          SFL_ERR_MISALIGNED);
    for (float l2 : {-0.1f, kNaN, kInf}) {
        sfl_enet_params q = p;
        q.l2 = l2;
        CHECK(sfl_enet_plan_init(mem.data(), mem.size(), &q, &dims, P.data(), &plan) == SFL_ERR_BAD_PARAM);
    }
    for (float bad : {kNaN, kInf, -kInf}) {
        std::vector<float> Q = P;
        Q[7] = bad;
        CHECK(sfl_enet_plan_init(mem.data(), mem.size(), &p, &dims, Q.data(), &plan) == SFL_ERR_NOT_FINITE);
        CHECK(plan == nullptr);
    }
    std::vector<float> Z = P;
    for (int32_t r = 0; r < m; ++r) Z[size_t(r * K + 2)] = 0.0f; // atom 2 is zero
    CHECK(sfl_enet_plan_init(mem.data(), mem.size(), &p, &dims, Z.data(), &plan) == SFL_ERR_ZERO_ATOM);
    CHECK(plan == nullptr);
    // a failed init must not leave something that passes for a plan
    CHECK(sfl_enet_plan_gram(reinterpret_cast<const sfl_enet_plan *>(mem.data())) == nullptr);
    REQUIRE(sfl_enet_plan_init(mem.data(), mem.size(), &p, &dims, P.data(), &plan) == SFL_OK);
    sfl_enet_dims got = {0, 0};
    CHECK(sfl_enet_plan_dims(plan, &got) == SFL_OK);
    CHECK(got.m == m);
    CHECK(got.K == K);
}

TEST_CASE("solve and encode: bad arguments give their status and leave outputs untouched") {
    const Dictionary d(8, 5, 0.01f, 1u);
    const int32_t m = 8, K = 5, n = 3;
    const std::vector<float> X = sfl_test::unit_signals(m, n, 1u);
    std::vector<float> c(size_t(K), 0.3f);
    std::vector<float> a(size_t(K), kSentinel), A(size_t(n * K), kSentinel);
    AlignedBuffer big(SFL_ENET_ENCODE_WORKSPACE_BYTES(K, SFL_ENET_LARS_WORKSPACE_BYTES(K)) + 128);
    const sfl_workspace ws = big.workspace();
    const sfl_enet_params good = d.params(SFL_ENET_LARS, 0.1f);
    const sfl_enet_plan *plan = d.plan();

    struct Row {
        const char *what;
        sfl_enet_params params;
        sfl_status expect;
    };
    auto with = [&](auto edit) {
        sfl_enet_params q = good;
        edit(q);
        return q;
    };
    const Row rows[] = {
        {"l1 < 0", with([](sfl_enet_params &q) { q.l1 = -0.1f; }), SFL_ERR_BAD_PARAM},
        {"l1 NaN", with([](sfl_enet_params &q) { q.l1 = kNaN; }), SFL_ERR_BAD_PARAM},
        {"l1 Inf", with([](sfl_enet_params &q) { q.l1 = kInf; }), SFL_ERR_BAD_PARAM},
        {"l2 < 0", with([](sfl_enet_params &q) { q.l2 = -0.01f; }), SFL_ERR_BAD_PARAM},
        {"l2 != plan's", with([](sfl_enet_params &q) { q.l2 = 0.02f; }), SFL_ERR_BAD_PARAM},
        {"max_iter < 0", with([](sfl_enet_params &q) { q.max_iter = -1; }), SFL_ERR_BAD_PARAM},
        {"unknown solver", with([](sfl_enet_params &q) { q.solver = raw_enum<sfl_enet_solver>(9); }), SFL_ERR_BAD_PARAM},
        {"CD tol = 0", with([](sfl_enet_params &q) { q.solver = SFL_ENET_CD; q.tol = 0.0f; }), SFL_ERR_BAD_PARAM},
        {"CD tol NaN", with([](sfl_enet_params &q) { q.solver = SFL_ENET_CD; q.tol = kNaN; }), SFL_ERR_BAD_PARAM},
        {"CD tol >= 1", with([](sfl_enet_params &q) { q.solver = SFL_ENET_CD; q.tol = 1.0f; }), SFL_ERR_BAD_PARAM},
        {"lanes 2", with([](sfl_enet_params &q) { q.lanes = 2; }), SFL_ERR_BAD_PARAM},
        {"positive 2", with([](sfl_enet_params &q) { q.positive = 2; }), SFL_ERR_BAD_PARAM},
        {"positive -1", with([](sfl_enet_params &q) { q.positive = -1; }), SFL_ERR_BAD_PARAM},
    };
    for (const Row &row : rows) {
        CAPTURE(row.what);
        size_t bytes = 0;
        CHECK(sfl_enet_solve_workspace_size(&row.params, plan, &bytes) == row.expect);
        CHECK(sfl_enet_encode_workspace_size(&row.params, plan, &bytes) == row.expect);
        CHECK(sfl_enet_solve(&ws, &row.params, plan, c.data(), 1.0, a.data(), nullptr) == row.expect);
        CHECK(sfl_enet_encode(&ws, &row.params, plan, d.P.data(), n, X.data(), A.data(), nullptr) == row.expect);
        sfl_enet_info info{};
        info.iterations = -7;
        CHECK(sfl_enet_evaluate(plan, &row.params, c.data(), 1.0, c.data(), &info) == row.expect);
        CHECK(info.iterations == -7);
        CHECK(untouched(a));
        CHECK(untouched(A));
    }

    // sfl_enet_evaluate's own arguments (a valid code: c itself, as good as any).
    {
        sfl_enet_info info{};
        info.iterations = -7;
        std::vector<float> bad(c);
        bad[2] = kNaN;
        CHECK(sfl_enet_evaluate(nullptr, &good, c.data(), 1.0, c.data(), &info) == SFL_ERR_NULL_ARG);
        CHECK(sfl_enet_evaluate(plan, nullptr, c.data(), 1.0, c.data(), &info) == SFL_ERR_NULL_ARG);
        CHECK(sfl_enet_evaluate(plan, &good, nullptr, 1.0, c.data(), &info) == SFL_ERR_NULL_ARG);
        CHECK(sfl_enet_evaluate(plan, &good, c.data(), 1.0, nullptr, &info) == SFL_ERR_NULL_ARG);
        CHECK(sfl_enet_evaluate(plan, &good, c.data(), 1.0, c.data(), nullptr) == SFL_ERR_NULL_ARG);
        CHECK(sfl_enet_evaluate(plan, &good, bad.data(), 1.0, c.data(), &info) == SFL_ERR_NOT_FINITE);
        CHECK(sfl_enet_evaluate(plan, &good, c.data(), 1.0, bad.data(), &info) == SFL_ERR_NOT_FINITE);
        CHECK(sfl_enet_evaluate(plan, &good, c.data(), -1.0, c.data(), &info) == SFL_ERR_NOT_FINITE);
        CHECK(sfl_enet_evaluate(plan, &good, c.data(), double(kInf), c.data(), &info) == SFL_ERR_NOT_FINITE);
        const std::vector<unsigned char> junk(SFL_ENET_PLAN_BYTES(K), 0x5a);
        CHECK(sfl_enet_evaluate(reinterpret_cast<const sfl_enet_plan *>(junk.data()), &good, c.data(), 1.0, c.data(),
                                &info) == SFL_ERR_BAD_PLAN);
        CHECK(info.iterations == -7);
    }

    // NULL pointers
    CHECK(sfl_enet_solve(nullptr, &good, plan, c.data(), 1.0, a.data(), nullptr) == SFL_ERR_NULL_ARG);
    CHECK(sfl_enet_solve(&ws, nullptr, plan, c.data(), 1.0, a.data(), nullptr) == SFL_ERR_NULL_ARG);
    CHECK(sfl_enet_solve(&ws, &good, nullptr, c.data(), 1.0, a.data(), nullptr) == SFL_ERR_NULL_ARG);
    CHECK(sfl_enet_solve(&ws, &good, plan, nullptr, 1.0, a.data(), nullptr) == SFL_ERR_NULL_ARG);
    CHECK(sfl_enet_solve(&ws, &good, plan, c.data(), 1.0, nullptr, nullptr) == SFL_ERR_NULL_ARG);
    CHECK(sfl_enet_encode(&ws, &good, plan, nullptr, n, X.data(), A.data(), nullptr) == SFL_ERR_NULL_ARG);
    CHECK(sfl_enet_encode(&ws, &good, plan, d.P.data(), n, nullptr, A.data(), nullptr) == SFL_ERR_NULL_ARG);
    CHECK(sfl_enet_encode(&ws, &good, plan, d.P.data(), n, X.data(), nullptr, nullptr) == SFL_ERR_NULL_ARG);
    std::vector<int32_t> support(static_cast<size_t>(K));
    std::vector<float> chol(static_cast<size_t>(K * K));
    CHECK(sfl_enet_solve_lars_factor(&ws, &good, plan, c.data(), 1.0, a.data(), nullptr, chol.data(), nullptr) ==
          SFL_ERR_NULL_ARG);
    CHECK(sfl_enet_solve_lars_factor(&ws, &good, plan, c.data(), 1.0, a.data(), support.data(), nullptr, nullptr) ==
          SFL_ERR_NULL_ARG);
    float kkt = 0.0f;
    CHECK(sfl_enet_kkt_violation(nullptr, 0.1f, c.data(), a.data(), &kkt) == SFL_ERR_NULL_ARG);
    CHECK(sfl_enet_kkt_violation(plan, -1.0f, c.data(), a.data(), &kkt) == SFL_ERR_BAD_PARAM);
    // zero or negative batch size
    CHECK(sfl_enet_encode(&ws, &good, plan, d.P.data(), 0, X.data(), A.data(), nullptr) == SFL_ERR_BAD_DIMS);
    CHECK(sfl_enet_encode(&ws, &good, plan, d.P.data(), -2, X.data(), A.data(), nullptr) == SFL_ERR_BAD_DIMS);
    // something that is not a plan
    AlignedBuffer junk(SFL_ENET_PLAN_BYTES(K));
    const sfl_enet_plan *fake = reinterpret_cast<const sfl_enet_plan *>(junk.data());
    CHECK(sfl_enet_solve(&ws, &good, fake, c.data(), 1.0, a.data(), nullptr) == SFL_ERR_BAD_PLAN);
    CHECK(sfl_enet_encode(&ws, &good, fake, d.P.data(), n, X.data(), A.data(), nullptr) == SFL_ERR_BAD_PLAN);
    sfl_enet_dims dd;
    CHECK(sfl_enet_plan_dims(fake, &dd) == SFL_ERR_BAD_PLAN);
    // non-finite data
    for (float bad : {kNaN, kInf, -kInf}) {
        std::vector<float> cb = c, Xb = X;
        cb[3] = bad;
        Xb[size_t(m + 2)] = bad; // second signal
        CHECK(sfl_enet_solve(&ws, &good, plan, cb.data(), 1.0, a.data(), nullptr) == SFL_ERR_NOT_FINITE);
        CHECK(sfl_enet_solve(&ws, &good, plan, c.data(), double(bad), a.data(), nullptr) == SFL_ERR_NOT_FINITE);
        CHECK(sfl_enet_encode(&ws, &good, plan, d.P.data(), n, Xb.data(), A.data(), nullptr) == SFL_ERR_NOT_FINITE);
    }
    CHECK(sfl_enet_solve(&ws, &good, plan, c.data(), -1.0, a.data(), nullptr) == SFL_ERR_NOT_FINITE);
    CHECK(untouched(a));
    CHECK(untouched(A));
}

TEST_CASE("workspace: query == compile-time macro, exact size works, size-1 and misaligned fail untouched") {
    for (int32_t K : {1, 2, 3, 7, 15, 16, 17, 20, 63, 64, 65, 256, 500}) {
        CAPTURE(K);
        const int32_t m = 9;
        const Dictionary d(m, K, 0.01f, unsigned(K));
        size_t bytes = 0;
        const sfl_enet_dims dims = {m, K};
        CHECK(sfl_enet_plan_size(&dims, &bytes) == SFL_OK);
        CHECK(bytes == SFL_ENET_PLAN_BYTES(K));
        for (sfl_enet_solver solver : {SFL_ENET_LARS, SFL_ENET_CD}) {
            const sfl_enet_params p = d.params(solver, 0.05f);
            const size_t solve_macro =
                solver == SFL_ENET_LARS ? SFL_ENET_LARS_WORKSPACE_BYTES(K) : SFL_ENET_CD_WORKSPACE_BYTES(K);
            REQUIRE(sfl_enet_solve_workspace_size(&p, d.plan(), &bytes) == SFL_OK);
            CHECK(bytes == solve_macro);
            REQUIRE(sfl_enet_encode_workspace_size(&p, d.plan(), &bytes) == SFL_OK);
            CHECK(bytes == SFL_ENET_ENCODE_WORKSPACE_BYTES(K, solve_macro));

            const int32_t n = 2;
            const std::vector<float> X = sfl_test::unit_signals(m, n, 3u);
            AlignedBuffer buf(bytes + 64);
            std::vector<float> A(size_t(n * K), kSentinel);
            sfl_workspace small = {buf.data(), bytes - 1};
            CHECK(sfl_enet_encode(&small, &p, d.plan(), d.P.data(), n, X.data(), A.data(), nullptr) ==
                  SFL_ERR_WORKSPACE_TOO_SMALL);
            sfl_workspace shifted = {buf.data() + 8, bytes};
            CHECK(sfl_enet_encode(&shifted, &p, d.plan(), d.P.data(), n, X.data(), A.data(), nullptr) ==
                  SFL_ERR_MISALIGNED);
            sfl_workspace null_buf = {nullptr, bytes};
            CHECK(sfl_enet_encode(&null_buf, &p, d.plan(), d.P.data(), n, X.data(), A.data(), nullptr) ==
                  SFL_ERR_NULL_ARG);
            CHECK(untouched(A));
            sfl_workspace exact = {buf.data(), bytes};
            CHECK(sfl_enet_encode(&exact, &p, d.plan(), d.P.data(), n, X.data(), A.data(), nullptr) >= 0);
            for (float v : A) CHECK(std::isfinite(v));
        }
    }
}

TEST_CASE("compile-time sizes work for static buffers (firmware style)") {
    alignas(SFL_WORKSPACE_ALIGN) static unsigned char plan_mem[SFL_ENET_PLAN_BYTES(20)];
    alignas(SFL_WORKSPACE_ALIGN) static unsigned char ws_mem[SFL_ENET_ENCODE_WORKSPACE_BYTES(20, SFL_ENET_LARS_WORKSPACE_BYTES(20))];
    const Dictionary d(25, 20, 0.01f, 2u);
    const sfl_enet_dims dims = {25, 20};
    sfl_enet_params p = d.params(SFL_ENET_LARS, 0.1f);
    sfl_enet_plan *plan = nullptr;
    REQUIRE(sfl_enet_plan_init(plan_mem, sizeof plan_mem, &p, &dims, d.P.data(), &plan) == SFL_OK);
    const std::vector<float> X = sfl_test::unit_signals(25, 1, 1u);
    float a[20];
    const sfl_workspace ws = {ws_mem, sizeof ws_mem};
    CHECK(sfl_enet_encode(&ws, &p, plan, d.P.data(), 1, X.data(), a, nullptr) == SFL_OK);
}
