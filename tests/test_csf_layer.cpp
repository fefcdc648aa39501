// CSF layer: gradients against double finite differences (single and
// multi-channel, stride and padding, l2 = 0 and > 0, lU), CSF == im2col + SF
// patch by patch, and splitting the batch into image ranges.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "layer_fixture.hpp"

using namespace sfl_test;

namespace {

sfl_patch_params geometry(int32_t kh, int32_t kw, int32_t sh, int32_t sw, int32_t ph, int32_t pw) {
    sfl_patch_params p = SFL_PATCH_PARAMS_INIT(kh, kw);
    p.stride = sfl_tile{sh, sw};
    p.padding = sfl_tile{ph, pw};
    return p;
}

} // namespace

TEST_CASE("CSF backward: dLoss/dx and dLoss/dP match finite differences") {
    struct Row {
        sfl_dims4 image;
        sfl_patch_params patch;
        int32_t K;
        float l1, l2;
    };
    const Row rows[] = {
        {{2, 7, 7, 1}, SFL_PATCH_PARAMS_INIT(3, 3), 6, 0.1f, 0.0f},
        {{2, 7, 7, 1}, SFL_PATCH_PARAMS_INIT(3, 3), 6, 0.1f, 0.05f},
        {{2, 6, 7, 3}, geometry(3, 2, 2, 1, 1, 1), 8, 0.15f, 0.02f}, // multi-channel, strided, padded
        {{1, 8, 8, 2}, geometry(2, 3, 1, 2, 0, 2), 5, 0.1f, 0.0f},
    };
    unsigned seed = 40u;
    for (const Row &r : rows) {
        CAPTURE(r.image.c);
        CAPTURE(r.l2);
        Case c = csf_case(r.image.n, r.image, r.patch, r.K, r.l1, r.l2, ++seed);
        REQUIRE(c.m > 0);
        c.mix = mix(0.0f, 1.0f);
        expect_gradients(c, seed);
    }
}

TEST_CASE("CSF backward with non-negative codes (positive = 1): gradients match finite differences") {
    // Images uniform in [0, 1) and Gaussian atoms: about half the correlations are negative.
    Case c = csf_case(2, sfl_dims4{2, 7, 7, 1}, SFL_PATCH_PARAMS_INIT(3, 3), 6, 0.1f, 0.02f, 70u);
    c.mix = mix(0.4f, 0.6f);
    expect_positive_gradients(c, 70u);
    Case d = csf_case(2, sfl_dims4{2, 6, 7, 3}, geometry(3, 2, 2, 1, 1, 1), 8, 0.15f, 0.0f, 71u);
    d.mix = mix(0.0f, 1.0f);
    expect_positive_gradients(d, 71u);
}

TEST_CASE("CSF backward: dlU/dx and dlU/dP (lU summed over patches) match finite differences") {
    Case c = csf_case(2, sfl_dims4{2, 6, 6, 2}, SFL_PATCH_PARAMS_INIT(3, 3), 7, 0.12f, 0.03f, 50u);
    c.mix = mix(1.0f, 0.0f);
    expect_gradients(c, 50u);
    Case d = csf_case(3, sfl_dims4{3, 6, 5, 1}, geometry(2, 2, 1, 1, 1, 1), 4, 0.05f, 0.01f, 52u);
    d.mix = mix(0.4f, 0.6f);
    d.labelled = {0, 1, 0};
    expect_gradients(d, 52u);
}

TEST_CASE("CSF equals im2col followed by SF patch by patch (forward and backward)") {
    Case c = csf_case(3, sfl_dims4{3, 9, 8, 2}, geometry(3, 3, 2, 1, 1, 0), 10, 0.1f, 0.02f, 60u);
    c.mix = mix(0.3f, 0.7f);
    c.labelled = {1, 0, 1};
    const auto csf = sfl_gradcheck::run_library(c);
    REQUIRE(csf.ok());

    // The same problem as an SF batch over the im2col rows.
    Case s = c;
    s.csf = false;
    s.n = int32_t(c.rows());
    s.oh = s.ow = 1;
    s.X.assign(size_t(c.rows()) * size_t(c.m), 0.0f);
    REQUIRE(sfl_im2col_f32(&c.patch, &c.image, c.X.data(), s.X.data()) == SFL_OK);
    s.labelled.clear();
    for (int32_t i = 0; i < c.n; ++i)
        for (int64_t p = 0; p < c.rows_per_sample(); ++p) s.labelled.push_back(c.labelled[size_t(i)]);
    const auto sf = sfl_gradcheck::run_library(s);
    REQUIRE(sf.ok());

    CHECK(csf.A == sf.A); // the same GEMM and solver row by row: identical codes
    for (int32_t i = 0; i < c.n; ++i) {
        double sum = 0.0;
        for (int64_t p = 0; p < c.rows_per_sample(); ++p) sum += sf.lu[size_t(i * c.rows_per_sample() + p)];
        CHECK(csf.lu[size_t(i)] == doctest::Approx(sum).epsilon(1e-5));
    }
    std::vector<float> dx(c.X.size(), 0.0f);
    REQUIRE(sfl_col2im_f32(&c.patch, &c.image, sf.dX.data(), dx.data()) == SFL_OK);
    double scale = 0.0, worst = 0.0;
    for (size_t k = 0; k < dx.size(); ++k) {
        scale = std::fmax(scale, std::fabs(dx[k]));
        worst = std::fmax(worst, std::fabs(dx[k] - csf.dX[k]));
    }
    CHECK(worst <= 1e-5 * scale);
    scale = worst = 0.0;
    for (size_t k = 0; k < sf.dP.size(); ++k) {
        scale = std::fmax(scale, std::fabs(sf.dP[k]));
        worst = std::fmax(worst, std::fabs(sf.dP[k] - csf.dP[k]));
    }
    CHECK(worst <= 1e-5 * scale); // summation order differs (blocks per image vs. over the batch)
}

TEST_CASE("CSF: image ranges with separate workspaces and dP accumulators equal one call") {
    Case c = csf_case(4, sfl_dims4{4, 8, 8, 1}, SFL_PATCH_PARAMS_INIT(5, 5), 20, 0.1f, 0.01f, 70u);
    c.mix = mix(0.5f, 0.5f);
    const auto whole = sfl_gradcheck::run_library(c);
    REQUIRE(whole.ok());

    const CasePlan cp = case_plan(c);
    const sfl_enet_params &params = cp.params;
    const sfl_enet_plan *plan = cp.plan;
    AlignedBuffer cache_mem(SFL_LAYER_CACHE_BYTES(c.rows(), c.K));
    const sfl_layer_cache cache = cache_mem.cache();
    std::vector<float> A(whole.A.size(), -7.0f), lu(size_t(c.n)), dX(c.X.size(), -7.0f);
    std::vector<float> dP[2] = {std::vector<float>(c.P.size(), 0.0f), std::vector<float>(c.P.size(), 0.0f)};
    const sfl_range parts[2] = {{0, 1}, {1, 4}};
    for (int t = 0; t < 2; ++t) {
        AlignedBuffer f(SFL_CSF_FORWARD_WORKSPACE_BYTES(c.m, c.K, SFL_ENET_LARS_WORKSPACE_BYTES(c.K)));
        AlignedBuffer b(SFL_CSF_BACKWARD_WORKSPACE_BYTES(c.m, c.K));
        const sfl_workspace fw = f.workspace(), bw = b.workspace();
        REQUIRE(sfl_csf_forward(&fw, &params, &c.patch, plan, c.P.data(), &c.image, parts[t], c.X.data(), A.data(),
                                &cache, lu.data(), nullptr) == SFL_OK);
        REQUIRE(sfl_csf_backward(&bw, &c.mix, &c.patch, plan, c.P.data(), &c.image, parts[t], c.X.data(), A.data(),
                                 &cache, c.dA.data(), nullptr, dX.data(), dP[t].data()) == SFL_OK);
    }
    CHECK(A == whole.A);
    CHECK(lu == whole.lu);
    CHECK(dX == whole.dX);
    for (size_t k = 0; k < c.P.size(); ++k)
        CHECK(dP[0][k] + dP[1][k] == doctest::Approx(whole.dP[k]).epsilon(1e-5).scale(1.0));
}
