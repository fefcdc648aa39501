// The two-phase plan build (sfl_enet_plan_init_rows + sfl_enet_plan_init_finish):
// the same plan as sfl_enet_plan_init byte for byte, whatever the row ranges and
// their order; bad ranges and arguments rejected; no valid plan between the phases.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <utility>
#include <vector>

#include <sfl/sfl.h>

#include "support/aligned_buffer.hpp"

using sfl_test::AlignedBuffer;

namespace {

std::vector<float> gaussian_dict(int32_t m, int32_t K, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> nd;
    std::vector<float> P(size_t(m) * size_t(K));
    for (float &v : P) v = nd(rng);
    return P;
}

size_t plan_size(int32_t m, int32_t K) {
    const sfl_enet_dims d{m, K};
    size_t b = 0;
    REQUIRE(sfl_enet_plan_size(&d, &b) == SFL_OK);
    return b;
}

} // namespace

TEST_CASE("plan in row ranges: the same bytes as sfl_enet_plan_init, in any range order") {
    constexpr int32_t B = SFL_ENET_PLAN_ROW_BLOCK;
    struct Split {
        int32_t m, K;
        std::vector<std::pair<int32_t, int32_t>> ranges; // called in this order
    };
    const Split splits[] = {
        {30, 500, {{0, 500}}},
        {30, 500, {{256, 500}, {0, 2 * B}, {2 * B, 256}}},
        {30, 500, {{7 * B, 500}, {0, 7 * B}}},
        {12, 129, {{2 * B, 129}, {B, 2 * B}, {0, B}}},
        {25, 20, {{0, 20}}},
    };
    sfl_enet_params params = sfl_enet_default_params();
    params.l2 = 0.01f;
    for (const Split &s : splits) {
        CAPTURE(s.K);
        CAPTURE(s.ranges.size());
        const std::vector<float> P = gaussian_dict(s.m, s.K, 7u);
        const sfl_enet_dims dims{s.m, s.K};
        const size_t bytes = plan_size(s.m, s.K);
        AlignedBuffer once(bytes, 0xA5), parts(bytes, 0xA5); // same fill: the alignment gaps are never written
        sfl_enet_plan *p1 = nullptr, *p2 = nullptr;
        REQUIRE(sfl_enet_plan_init(once.data(), bytes, &params, &dims, P.data(), &p1) == SFL_OK);
        for (const auto &r : s.ranges)
            REQUIRE(sfl_enet_plan_init_rows(parts.data(), bytes, &dims, P.data(), r.first, r.second) == SFL_OK);
        REQUIRE(sfl_enet_plan_init_finish(parts.data(), bytes, &params, &dims, &p2) == SFL_OK);
        REQUIRE(p2 != nullptr);
        CHECK(std::memcmp(once.data(), parts.data(), bytes) == 0);
        sfl_enet_dims got{0, 0};
        CHECK(sfl_enet_plan_dims(p2, &got) == SFL_OK);
        CHECK(got.m == s.m);
        CHECK(got.K == s.K);
    }
}

TEST_CASE("plan in row ranges: no valid plan between the phases, and a failed finish leaves none") {
    const int32_t m = 10, K = 130;
    std::vector<float> P = gaussian_dict(m, K, 3u);
    const sfl_enet_dims dims{m, K};
    const size_t bytes = plan_size(m, K);
    AlignedBuffer mem(bytes);
    sfl_enet_params params = sfl_enet_default_params();
    sfl_enet_plan *plan = nullptr;
    REQUIRE(sfl_enet_plan_init(mem.data(), bytes, &params, &dims, P.data(), &plan) == SFL_OK);
    sfl_enet_dims got{0, 0};
    REQUIRE(sfl_enet_plan_dims(plan, &got) == SFL_OK);
    REQUIRE(sfl_enet_plan_init_rows(mem.data(), bytes, &dims, P.data(), 0, SFL_ENET_PLAN_ROW_BLOCK) == SFL_OK);
    CHECK(sfl_enet_plan_dims(plan, &got) == SFL_ERR_BAD_PLAN); // the old plan is gone
    // A zero column: the finish says so and leaves no valid plan.
    for (int32_t r = 0; r < m; ++r) P[size_t(r) * K + 100] = 0.0f;
    REQUIRE(sfl_enet_plan_init_rows(mem.data(), bytes, &dims, P.data(), 0, K) == SFL_OK);
    sfl_enet_plan *out = reinterpret_cast<sfl_enet_plan *>(&got); // must be reset to NULL
    CHECK(sfl_enet_plan_init_finish(mem.data(), bytes, &params, &dims, &out) == SFL_ERR_ZERO_ATOM);
    CHECK(out == nullptr);
    CHECK(sfl_enet_plan_dims(plan, &got) == SFL_ERR_BAD_PLAN);
}

TEST_CASE("plan in row ranges: bad ranges and arguments give their status") {
    const int32_t m = 8, K = 200, B = SFL_ENET_PLAN_ROW_BLOCK;
    std::vector<float> P = gaussian_dict(m, K, 5u);
    const sfl_enet_dims dims{m, K}, bad_dims{0, K};
    const size_t bytes = plan_size(m, K);
    AlignedBuffer mem(bytes + 64);
    void *mis = static_cast<unsigned char *>(mem.data()) + 4;
    struct Row {
        const char *what;
        void *mem;
        size_t size;
        const sfl_enet_dims *dims;
        const float *P;
        int32_t r0, r1;
        sfl_status want;
    };
    const Row rows[] = {
        {"null mem", nullptr, bytes, &dims, P.data(), 0, K, SFL_ERR_NULL_ARG},
        {"null P", mem.data(), bytes, &dims, nullptr, 0, K, SFL_ERR_NULL_ARG},
        {"null dims", mem.data(), bytes, nullptr, P.data(), 0, K, SFL_ERR_NULL_ARG},
        {"bad dims", mem.data(), bytes, &bad_dims, P.data(), 0, K, SFL_ERR_BAD_DIMS},
        {"begin not a block multiple", mem.data(), bytes, &dims, P.data(), 1, K, SFL_ERR_BAD_DIMS},
        {"begin negative", mem.data(), bytes, &dims, P.data(), -B, K, SFL_ERR_BAD_DIMS},
        {"end not a block multiple nor K", mem.data(), bytes, &dims, P.data(), 0, B + 1, SFL_ERR_BAD_DIMS},
        {"end beyond K", mem.data(), bytes, &dims, P.data(), 0, 4 * B, SFL_ERR_BAD_DIMS},
        {"empty range", mem.data(), bytes, &dims, P.data(), B, B, SFL_ERR_BAD_DIMS},
        {"begin at K", mem.data(), bytes, &dims, P.data(), K, K, SFL_ERR_BAD_DIMS},
        {"too small", mem.data(), bytes - 1, &dims, P.data(), 0, K, SFL_ERR_WORKSPACE_TOO_SMALL},
        {"misaligned", mis, bytes, &dims, P.data(), 0, K, SFL_ERR_MISALIGNED},
    };
    for (const Row &r : rows) {
        CAPTURE(r.what);
        CHECK(sfl_enet_plan_init_rows(r.mem, r.size, r.dims, r.P, r.r0, r.r1) == r.want);
    }
    P[5] = std::numeric_limits<float>::quiet_NaN();
    CHECK(sfl_enet_plan_init_rows(mem.data(), bytes, &dims, P.data(), 0, K) == SFL_ERR_NOT_FINITE);

    sfl_enet_params params = sfl_enet_default_params(), neg = params;
    neg.l2 = -1.0f;
    sfl_enet_plan *out = nullptr;
    CHECK(sfl_enet_plan_init_finish(nullptr, bytes, &params, &dims, &out) == SFL_ERR_NULL_ARG);
    CHECK(sfl_enet_plan_init_finish(mem.data(), bytes, nullptr, &dims, &out) == SFL_ERR_NULL_ARG);
    CHECK(sfl_enet_plan_init_finish(mem.data(), bytes, &params, &dims, nullptr) == SFL_ERR_NULL_ARG);
    CHECK(sfl_enet_plan_init_finish(mem.data(), bytes, &params, &bad_dims, &out) == SFL_ERR_BAD_DIMS);
    CHECK(sfl_enet_plan_init_finish(mem.data(), bytes, &neg, &dims, &out) == SFL_ERR_BAD_PARAM);
    CHECK(sfl_enet_plan_init_finish(mem.data(), bytes - 1, &params, &dims, &out) == SFL_ERR_WORKSPACE_TOO_SMALL);
    CHECK(sfl_enet_plan_init_finish(mis, bytes, &params, &dims, &out) == SFL_ERR_MISALIGNED);
    CHECK(out == nullptr);
}
