// The SF and CSF forward with params.lanes = 1 (sfl_enet.h; docs/design.md 6.3): the
// codes, supports, lU and statuses are the one-row forward's up to double rounding,
// the im2col tile takes SFL_ENET_LANES_BLOCK patches, and the rows really go through
// the lanes on a SIMD build (the layers run the encode's block driver, whose lane
// count test_enet_lars_lanes.cpp checks).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/enet/lars_lanes.hpp"
#include "kernels/enet/params.hpp"
#include "kernels/enet/plan.hpp"
#include "kernels/enet/problem.hpp"
#include "kernels/layers/forward.hpp"
#include "enet_test_util.hpp"
#include "layer_fixture.hpp"

using namespace sfl_test;

namespace {

struct Forward {
    sfl_status status = SFL_OK;
    std::vector<float> A, lu;
    std::vector<uint32_t> words; // the cache: one support bitmask per row
};

// One forward over the whole batch of c with the given lanes field, sized by the query.
Forward run_forward(const Case &c, int32_t lanes) {
    const CasePlan cp = case_plan(c, lanes);
    const sfl_enet_params &params = cp.params;
    const sfl_enet_plan *plan = cp.plan;
    size_t bytes = 0;
    REQUIRE((c.csf ? sfl_csf_forward_workspace_size(&params, plan, &bytes)
                   : sfl_sf_forward_workspace_size(&params, plan, &bytes)) == SFL_OK);
    CHECK(bytes == (c.csf ? (lanes ? SFL_CSF_FORWARD_LANES_WORKSPACE_BYTES(c.m, c.K)
                                   : SFL_CSF_FORWARD_WORKSPACE_BYTES(c.m, c.K, SFL_ENET_LARS_WORKSPACE_BYTES(c.K)))
                          : (lanes ? SFL_SF_FORWARD_LANES_WORKSPACE_BYTES(c.K)
                                   : SFL_SF_FORWARD_WORKSPACE_BYTES(c.K, SFL_ENET_LARS_WORKSPACE_BYTES(c.K)))));
    AlignedBuffer ws_mem(bytes);
    const sfl_workspace ws = ws_mem.workspace();
    AlignedBuffer cache_mem(SFL_LAYER_CACHE_BYTES(c.rows(), c.K));
    const sfl_layer_cache cache = cache_mem.cache();
    Forward f;
    f.A.assign(size_t(c.rows()) * size_t(c.K), -7.0f);
    f.lu.assign(size_t(c.n), -7.0f);
    const sfl_range all = {0, c.n};
    f.status = c.csf ? sfl_csf_forward(&ws, &params, &c.patch, plan, c.P.data(), &c.image, all, c.X.data(),
                                       f.A.data(), &cache, f.lu.data(), nullptr)
                     : sfl_sf_forward(&ws, &params, plan, c.P.data(), c.n, all, c.X.data(), f.A.data(), &cache,
                                      f.lu.data(), nullptr);
    const uint32_t *w = static_cast<const uint32_t *>(cache.buf);
    f.words.assign(w, w + size_t(c.rows()) * size_t((c.K + 31) / 32));
    return f;
}

// lanes = 1 against lanes = 0 on the same case.
void check_same_forward(const Case &c) {
    const Forward one = run_forward(c, 0), lanes = run_forward(c, 1);
    CHECK(one.status == SFL_OK);
    CHECK(lanes.status == one.status);
    const int64_t rows = c.rows();
    const int32_t words = (c.K + 31) / 32;
    int64_t support_diff = 0;
    double worst = 0.0, scale = 0.0;
    for (int64_t i = 0; i < rows; ++i) {
        bool same = true;
        for (int32_t w = 0; w < words; ++w) same = same && lanes.words[size_t(i * words + w)] == one.words[size_t(i * words + w)];
        support_diff += same ? 0 : 1;
        if (!same) continue;
        for (int32_t k = 0; k < c.K; ++k) {
            const size_t at = size_t(i) * size_t(c.K) + size_t(k);
            scale = std::max(scale, double(std::fabs(one.A[at])));
            worst = std::max(worst, double(std::fabs(lanes.A[at] - one.A[at])));
        }
    }
    double lu_worst = 0.0;
    for (int32_t s = 0; s < c.n; ++s)
        lu_worst = std::max(lu_worst, std::fabs(double(lanes.lu[size_t(s)]) - one.lu[size_t(s)]) /
                                          std::max(1e-30, std::fabs(double(one.lu[size_t(s)]))));
    MESSAGE(std::string(c.csf ? "CSF" : "SF"), " K=", c.K, " rows=", rows, ": support differs on ", support_diff,
            ", worst code difference ", worst, " (largest code ", scale, "), worst lU rel ", lu_worst);
    CHECK(support_diff <= rows / 100);
    CHECK(worst <= 1e-5 * std::max(scale, 1.0));
    CHECK(lu_worst <= 1e-5);
}

} // namespace

TEST_CASE("CSF forward with lanes = 1 == the one-row forward (up to double rounding)") {
    // 28 x 28 images, 5 x 5 patches: 576 patches per image, more than two lane blocks
    for (float l2 : {0.0f, 0.01f})
        for (float l1 : {0.05f, 0.3f}) {
            CAPTURE(l1);
            CAPTURE(l2);
            check_same_forward(csf_case(3, sfl_dims4{3, 28, 28, 1}, SFL_PATCH_PARAMS_INIT(5, 5), 20, l1, l2, 901u));
        }
    // multi-channel patches, K at the lanes' limit
    check_same_forward(csf_case(2, sfl_dims4{2, 12, 12, 2}, SFL_PATCH_PARAMS_INIT(3, 3), 32, 0.1f, 0.01f, 902u));
}

TEST_CASE("SF forward with lanes = 1 == the one-row forward, and K > 32 needs no more workspace") {
    check_same_forward(sf_case(600, 25, 20, 0.05f, 0.01f, 903u));
    check_same_forward(sf_case(300, 40, 33, 0.05f, 0.01f, 904u)); // no lanes: the same call
}

TEST_CASE("layers' forward buffers: with lanes the tile and blocks take SFL_ENET_LANES_BLOCK rows") {
    using namespace sfl;
    sfl_enet_params p = sfl_enet_default_params();
    for (int32_t lanes : {0, 1}) {
        p.lanes = lanes;
        const enet::SolverConfig cfg = enet::make_solver_config(p, 20);
        Arena count;
        (void)layers::ForwardBuffers::carve(count, cfg, 25, 20, true);
        AlignedBuffer mem(count.used());
        Arena arena(mem.data(), mem.size());
        const layers::ForwardBuffers fb = layers::ForwardBuffers::carve(arena, cfg, 25, 20, true);
        CHECK(fb.block.rows == (lanes ? SFL_ENET_LANES_BLOCK : SFL_LAYER_BLOCK));
        CHECK(fb.block.lanes == (lanes == 1 && enet::lars_lanes_width() > 1));
        CHECK(count.used() == (lanes ? SFL_CSF_FORWARD_LANES_WORKSPACE_BYTES(25, 20)
                                     : SFL_CSF_FORWARD_WORKSPACE_BYTES(25, 20, SFL_ENET_LARS_WORKSPACE_BYTES(20))));
    }
}

// The training forward asks for lU without the diagnostics (info NULL): the lanes' rows
// then take enet::objective(), which must equal evaluate()'s objective bit for bit.
TEST_CASE("objective() == evaluate()'s objective, bit for bit, on LARS codes and arbitrary sparse codes") {
    using namespace sfl;
    int64_t checked = 0;
    for (int32_t K : {1, 5, 20, 32, 200}) { // 200: codes beyond 64 non-zeros (evaluate() inside)
        const sfl_test::RandomProblem rp = sfl_test::random_problem(K + 5, K, K > 32 ? 20 : 200, 300u + uint32_t(K));
        for (float l1 : {0.0f, 0.05f, 0.3f}) {
            const sfl_test::Plan pl = sfl_test::make_plan(rp.P, 0.01f);
            sfl_enet_params params = sfl_enet_default_params();
            params.l1 = l1;
            const sfl_test::EncodeResult r = sfl_test::encode(pl, params, rp.P, rp.X);
            std::vector<float> C(static_cast<size_t>(K));
            for (int32_t i = 0; i < rp.X.rows; ++i) {
                const std::vector<double> cd = sfl_test::correlations(rp.P, rp.X.row(i));
                for (int32_t k = 0; k < K; ++k) C[size_t(k)] = float(cd[size_t(k)]);
                double xsq = 0.0;
                for (int32_t j = 0; j < rp.P.rows; ++j) xsq += double(rp.X.row(i)[j]) * rp.X.row(i)[j];
                const enet::Problem pb = enet::gram_problem(enet::plan_gram(pl.plan), nullptr, K, l1, C.data(), xsq, false);
                std::vector<float> a(r.A.begin() + int64_t(i) * K, r.A.begin() + int64_t(i + 1) * K);
                for (int variant = 0; variant < 2; ++variant) {
                    if (variant == 1) // an arbitrary sparse code: every third entry of the row's x
                        for (int32_t k = 0; k < K; ++k) a[size_t(k)] = k % 3 == 0 ? rp.X.row(i)[k % rp.P.rows] + 0.01f : 0.0f;
                    sfl_enet_info info{};
                    enet::evaluate(pb, a.data(), nullptr, &info);
                    const float fast = float(enet::objective(pb, a.data()));
                    CHECK(std::memcmp(&fast, &info.objective, sizeof fast) == 0);
                    ++checked;
                }
            }
        }
    }
    MESSAGE("codes checked: ", checked);
}

TEST_CASE("CSF forward with lanes: lU without info == lU with info, bit for bit") {
    const Case c = csf_case(2, sfl_dims4{2, 28, 28, 1}, SFL_PATCH_PARAMS_INIT(5, 5), 20, 0.1f, 0.01f, 905u);
    const CasePlan cp = case_plan(c, 1);
    const sfl_enet_params &params = cp.params;
    const sfl_enet_plan *plan = cp.plan;
    AlignedBuffer ws_mem(SFL_CSF_FORWARD_LANES_WORKSPACE_BYTES(c.m, c.K));
    const sfl_workspace ws = ws_mem.workspace();
    std::vector<float> A(size_t(c.rows()) * size_t(c.K)), lu_plain(size_t(c.n)), lu_info(size_t(c.n));
    std::vector<sfl_enet_info> info(size_t(c.rows()));
    const sfl_range all = {0, c.n};
    REQUIRE(sfl_csf_forward(&ws, &params, &c.patch, plan, c.P.data(), &c.image, all, c.X.data(), A.data(), nullptr,
                            lu_plain.data(), nullptr) == SFL_OK);
    REQUIRE(sfl_csf_forward(&ws, &params, &c.patch, plan, c.P.data(), &c.image, all, c.X.data(), A.data(), nullptr,
                            lu_info.data(), info.data()) == SFL_OK);
    CHECK(std::memcmp(lu_plain.data(), lu_info.data(), lu_plain.size() * sizeof(float)) == 0);
}
