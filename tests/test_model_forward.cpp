// sfl_model_forward (sfl_model.h): its outputs equal the same sfl_* layer
// calls made by hand, bit for bit (n = 1 and n = 3, built and loaded plans);
// the workspace query is exact; bad input and failing layers leave Y
// untouched; warnings of a layer are passed on with Y written. The same for
// models with an l2norm layer (sfl_l2norm_forward), which needs no workspace.
#include <doctest/doctest.h>

#include <algorithm>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "model_fixture.hpp"

using namespace sfl_model_test;

namespace {

constexpr float kSentinel = 8765.5f;

bool untouched(const std::vector<float> &v) {
    for (float x : v)
        if (x != kSentinel) return false;
    return true;
}

bool bitwise_equal(const std::vector<float> &a, const std::vector<float> &b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), 4 * a.size()) == 0;
}

std::vector<float> input(int32_t n, int32_t per_sample, unsigned seed) {
    return randn(size_t(n) * size_t(per_sample), seed);
}

// The conv net by hand: conv2d, maxpool, relu, linear, each on the whole batch; with
// `norm`, sfl_l2norm_forward of those parameters between the relu and the linear layer
// (the model of conv_with_norm).
std::vector<float> conv_by_hand(const ConvNet &net, int32_t n, const std::vector<float> &X,
                                const sfl_l2norm_params *norm = nullptr) {
    const sfl_range all = {0, n};
    const sfl_patch_params k3 = patch(3, 1, 1), pool = patch(2, 2, 0);
    const sfl_dims4 in = {n, 8, 8, 1}, a1 = {n, 8, 8, 4};
    size_t bytes = 0;
    REQUIRE(sfl_conv2d_forward_workspace_size(&k3, &in, 4, &bytes) == SFL_OK);
    Bytes wsm(bytes);
    const sfl_workspace ws = {wsm.data(), bytes};
    std::vector<float> A1(size_t(n) * 256), A2(size_t(n) * 64), A3(norm ? size_t(n) * 64 : 0), Y(size_t(n) * 5);
    REQUIRE(sfl_conv2d_forward(&ws, &k3, &in, all, X.data(), 4, net.W1.data(), net.b1.data(), A1.data()) == SFL_OK);
    REQUIRE(sfl_maxpool2d_forward(&pool, &a1, all, A1.data(), A2.data(), nullptr) == SFL_OK);
    REQUIRE(sfl_relu_forward(A2.size(), A2.data(), A2.data()) == SFL_OK);
    if (norm) REQUIRE(sfl_l2norm_forward(norm, n, 64, all, A2.data(), A3.data()) == SFL_OK);
    const float *fc_in = norm ? A3.data() : A2.data();
    const sfl_linear_dims fc = {64, 5};
    REQUIRE(sfl_linear_forward(&fc, n, all, fc_in, net.W4.data(), net.b4.data(), Y.data()) == SFL_OK);
    return Y;
}

// The csf/sf nets by hand: csf, maxpool, sf, linear with the tensors P_csf, P_sf, W, b
// and the plans of `model`; with `norm` (NormNet), sfl_l2norm_forward of those parameters
// between the maxpool and the sf layer. *normed and *codes (may be null): the l2norm's
// output and the sf codes.
std::vector<float> csf_sf_by_hand(const sfl_model &model, const float *P_csf, const float *P_sf, const float *W,
                                  const float *b, const sfl_l2norm_params *norm, int32_t n,
                                  const std::vector<float> &X, sfl_status *status, std::vector<float> *normed,
                                  std::vector<float> *codes) {
    const sfl_range all = {0, n};
    const sfl_model_layer &csf = model.layers[0], &sf = model.layers[norm ? 3 : 2];
    const sfl_patch_params pool = patch(2, 2, 0);
    const sfl_dims4 in = {n, 8, 8, 1}, a1 = {n, 6, 6, 6};
    size_t b1 = 0, bs = 0;
    REQUIRE(sfl_csf_forward_workspace_size(&csf.enet, csf.plan, &b1) == SFL_OK);
    REQUIRE(sfl_sf_forward_workspace_size(&sf.enet, sf.plan, &bs) == SFL_OK);
    Bytes w1(b1), w_sf(bs);
    const sfl_workspace ws1 = {w1.data(), b1}, ws_sf = {w_sf.data(), bs};
    std::vector<float> A1(size_t(n) * 216), A2(size_t(n) * 54), An(norm ? size_t(n) * 54 : 0), Asf(size_t(n) * 10),
        Y(size_t(n) * 3);
    const sfl_status s1 = sfl_csf_forward(&ws1, &csf.enet, &csf.geom, csf.plan, P_csf, &in, all, X.data(),
                                          A1.data(), nullptr, nullptr, nullptr);
    REQUIRE(sfl_maxpool2d_forward(&pool, &a1, all, A1.data(), A2.data(), nullptr) == SFL_OK);
    if (norm) REQUIRE(sfl_l2norm_forward(norm, n, 54, all, A2.data(), An.data()) == SFL_OK);
    const float *sf_in = norm ? An.data() : A2.data();
    const sfl_status s_sf =
        sfl_sf_forward(&ws_sf, &sf.enet, sf.plan, P_sf, n, all, sf_in, Asf.data(), nullptr, nullptr, nullptr);
    const sfl_linear_dims fc = {10, 3};
    REQUIRE(sfl_linear_forward(&fc, n, all, Asf.data(), W, b, Y.data()) == SFL_OK);
    *status = s1 != SFL_OK ? s1 : s_sf;
    if (normed) *normed = An;
    if (codes) *codes = Asf;
    return Y;
}

// The factor net by hand (csf, maxpool, sf, linear), with the plans of `model`.
std::vector<float> factor_by_hand(const FactorNet &net, const sfl_model &model, int32_t n,
                                  const std::vector<float> &X, sfl_status *status) {
    return csf_sf_by_hand(model, net.P1.data(), net.P3.data(), net.W4.data(), net.b4.data(), nullptr, n, X, status,
                          nullptr, nullptr);
}

// The l2norm net by hand (csf, maxpool, l2norm, sf, linear), with the plans and the l2norm
// parameters of `model`. *normed and *codes (may be null): the l2norm's output and the sf codes.
std::vector<float> norm_by_hand(const NormNet &net, const sfl_model &model, int32_t n, const std::vector<float> &X,
                                sfl_status *status, std::vector<float> *normed = nullptr,
                                std::vector<float> *codes = nullptr) {
    return csf_sf_by_hand(model, net.P1.data(), net.P4.data(), net.W5.data(), net.b5.data(),
                          &model.layers[NormNet::kNorm].norm, n, X, status, normed, codes);
}

// ConvNet with an l2norm between its relu and its linear layer (5 layers):
// conv2d -> maxpool -> relu -> l2norm (4x4x4) -> linear 64 -> 5.
sfl_model conv_with_norm(const ConvNet &net, sfl_l2norm_params p) {
    sfl_model m = net.model;
    m.n_layers = 5;
    m.layers[4] = m.layers[3];
    m.layers[3] = make_layer(SFL_MODEL_L2NORM, {1, 4, 4, 4}, {1, 4, 4, 4});
    m.layers[3].norm = p;
    return m;
}

sfl_status run(const sfl_model &model, int32_t n, const std::vector<float> &X, std::vector<float> *Y,
               size_t extra = 0) {
    size_t bytes = 0;
    const sfl_status st = sfl_model_forward_workspace_size(&model, n, &bytes);
    if (st != SFL_OK) return st;
    Bytes mem(bytes + extra);
    const sfl_workspace ws = {mem.data(), bytes};
    return sfl_model_forward(&ws, &model, n, X.data(), Y->data());
}

// The outputs (`size` floats) of `model` on X through a blob written without plans and loaded.
std::vector<float> run_through_blob(const sfl_model &model, int32_t n, const std::vector<float> &X, size_t size) {
    const Bytes blob = blob_of(model, false);
    sfl_model loaded;
    REQUIRE(sfl_model_load(blob.data(), blob.size(), &loaded) == SFL_OK);
    std::vector<float> Y(size, kSentinel);
    REQUIRE(run(loaded, n, X, &Y) == SFL_OK);
    return Y;
}

} // namespace

TEST_CASE("sfl_model_forward: conv net equals the layer calls bit for bit") {
    ConvNet net;
    for (int32_t n : {1, 3}) {
        CAPTURE(n);
        const std::vector<float> X = input(n, ConvNet::kIn, 10 + n);
        std::vector<float> Y(size_t(n) * ConvNet::kOut, kSentinel);
        REQUIRE(run(net.model, n, X, &Y) == SFL_OK);
        CHECK(bitwise_equal(Y, conv_by_hand(net, n, X)));
        // The same through a written and loaded blob.
        CHECK(bitwise_equal(run_through_blob(net.model, n, X, Y.size()), Y));
    }
}

TEST_CASE("sfl_model_forward: csf/sf net equals the layer calls bit for bit (built and stored plans)") {
    FactorNet net;
    REQUIRE(net.build_plans() == SFL_OK);
    const Bytes blob = blob_of(net.model, true);
    sfl_model loaded;
    REQUIRE(sfl_model_load(blob.data(), blob.size(), &loaded) == SFL_OK);
    for (int32_t n : {1, 3}) {
        CAPTURE(n);
        const std::vector<float> X = input(n, FactorNet::kIn, 20 + n);
        sfl_status hand = SFL_OK;
        const std::vector<float> ref = factor_by_hand(net, net.model, n, X, &hand);
        REQUIRE(hand == SFL_OK);
        std::vector<float> Y(size_t(n) * FactorNet::kOut, kSentinel);
        REQUIRE(run(net.model, n, X, &Y) == SFL_OK);
        CHECK(bitwise_equal(Y, ref));
        std::vector<float> Y2(Y.size(), kSentinel);
        REQUIRE(run(loaded, n, X, &Y2) == SFL_OK);
        CHECK(bitwise_equal(Y2, ref));
        // Sample i of a batch equals that sample alone.
        if (n == 3) {
            std::vector<float> x1(X.begin() + FactorNet::kIn, X.begin() + 2 * FactorNet::kIn), y1(3, kSentinel);
            REQUIRE(run(net.model, 1, x1, &y1) == SFL_OK);
            CHECK(std::memcmp(y1.data(), Y.data() + 3, 12) == 0);
        }
    }
    // A loaded blob without plans, plans built after loading: the same outputs.
    const Bytes bare = blob_of(net.model, false);
    sfl_model m2;
    REQUIRE(sfl_model_load(bare.data(), bare.size(), &m2) == SFL_OK);
    size_t pbytes = 0;
    REQUIRE(sfl_model_plans_size(&m2, &pbytes) == SFL_OK);
    Bytes pmem(pbytes);
    REQUIRE(sfl_model_build_plans(&m2, pmem.data(), pmem.size()) == SFL_OK);
    const std::vector<float> X = input(2, FactorNet::kIn, 5);
    std::vector<float> Ya(6, kSentinel), Yb(6, kSentinel);
    REQUIRE(run(net.model, 2, X, &Ya) == SFL_OK);
    REQUIRE(run(m2, 2, X, &Yb) == SFL_OK);
    CHECK(bitwise_equal(Ya, Yb));
}

TEST_CASE("sfl_model_forward: csf/sf net with non-negative codes equals the layer calls, through a blob too") {
    FactorNet net, signed_net;
    net.model.layers[0].enet.positive = 1;
    net.model.layers[2].enet.positive = 1;
    REQUIRE(net.build_plans() == SFL_OK);
    REQUIRE(signed_net.build_plans() == SFL_OK);
    const int32_t n = 3;
    const std::vector<float> X = input(n, FactorNet::kIn, 40);
    sfl_status hand = SFL_OK;
    const std::vector<float> ref = factor_by_hand(net, net.model, n, X, &hand);
    REQUIRE(hand == SFL_OK);
    std::vector<float> Y(size_t(n) * FactorNet::kOut, kSentinel), Ys(Y.size(), kSentinel);
    REQUIRE(run(net.model, n, X, &Y) == SFL_OK);
    CHECK(bitwise_equal(Y, ref));
    const Bytes blob = blob_of(net.model, true);
    sfl_model loaded;
    REQUIRE(sfl_model_load(blob.data(), blob.size(), &loaded) == SFL_OK);
    std::vector<float> Yl(Y.size(), kSentinel);
    REQUIRE(run(loaded, n, X, &Yl) == SFL_OK);
    CHECK(bitwise_equal(Yl, Y));
    REQUIRE(run(signed_net.model, n, X, &Ys) == SFL_OK);
    CHECK(!bitwise_equal(Y, Ys)); // the sign rule reaches the output
    // The codes themselves: the one-layer csf model's output is >= 0.
    sfl_model csf_only = net.model;
    csf_only.n_layers = 1;
    csf_only.out = csf_only.layers[0].out;
    std::vector<float> codes(size_t(n) * 6 * 6 * 6, kSentinel);
    REQUIRE(run(csf_only, n, X, &codes) == SFL_OK);
    CHECK(std::all_of(codes.begin(), codes.end(), [](float v) { return v >= 0.0f; }));
    CHECK(std::any_of(codes.begin(), codes.end(), [](float v) { return v > 0.0f; }));
}

TEST_CASE("sfl_model_forward: extractor prefix and single-layer models") {
    FactorNet net;
    REQUIRE(net.build_plans() == SFL_OK);
    // The CSF feature maps: the first layer only.
    sfl_model ex = net.model;
    ex.n_layers = 1;
    ex.out = ex.layers[0].out;
    const int32_t n = 2;
    const std::vector<float> X = input(n, 64, 7);
    size_t bytes = 0, csf_bytes = 0;
    REQUIRE(sfl_model_forward_workspace_size(&ex, n, &bytes) == SFL_OK);
    REQUIRE(sfl_csf_forward_workspace_size(&ex.layers[0].enet, ex.layers[0].plan, &csf_bytes) == SFL_OK);
    CHECK(bytes == csf_bytes); // one layer: no activation buffer
    std::vector<float> Y(size_t(n) * 216, kSentinel), ref(Y.size());
    REQUIRE(run(ex, n, X, &Y) == SFL_OK);
    Bytes w(csf_bytes);
    const sfl_workspace ws = {w.data(), csf_bytes};
    const sfl_dims4 in = {n, 8, 8, 1};
    REQUIRE(sfl_csf_forward(&ws, &ex.layers[0].enet, &ex.layers[0].geom, ex.layers[0].plan, net.P1.data(), &in,
                            sfl_range{0, n}, X.data(), ref.data(), nullptr, nullptr, nullptr) == SFL_OK);
    CHECK(bitwise_equal(Y, ref));
    // Two layers: one activation buffer of the csf output (216 floats per sample), no more.
    ex.n_layers = 2;
    ex.out = ex.layers[1].out;
    REQUIRE(sfl_model_forward_workspace_size(&ex, n, &bytes) == SFL_OK);
    CHECK(bytes == SFL_ALIGN_UP(4 * 216 * n) + csf_bytes);
}

TEST_CASE("sfl_model_forward_workspace_size: exact, grows with n, not with the plans") {
    FactorNet net;
    size_t before = 0, after = 0, n1 = 0, n3 = 0;
    REQUIRE(sfl_model_forward_workspace_size(&net.model, 3, &before) == SFL_OK); // plans not built yet
    REQUIRE(net.build_plans() == SFL_OK);
    REQUIRE(sfl_model_forward_workspace_size(&net.model, 3, &after) == SFL_OK);
    CHECK(before == after);
    REQUIRE(sfl_model_forward_workspace_size(&net.model, 1, &n1) == SFL_OK);
    n3 = after;
    // two buffers of the largest output that lands in one (csf: 216 floats) + the largest layer workspace
    size_t csf_ws = 0, sf_ws = 0;
    REQUIRE(sfl_csf_forward_workspace_size(&net.model.layers[0].enet, net.model.layers[0].plan, &csf_ws) == SFL_OK);
    REQUIRE(sfl_sf_forward_workspace_size(&net.model.layers[2].enet, net.model.layers[2].plan, &sf_ws) == SFL_OK);
    CHECK(n1 == 2 * SFL_ALIGN_UP(4 * 216) + (csf_ws > sf_ws ? csf_ws : sf_ws));
    CHECK(n3 == 2 * SFL_ALIGN_UP(4 * 216 * 3) + (csf_ws > sf_ws ? csf_ws : sf_ws));
    // ... and the compile-time macro from the layers' own macros says the same.
    constexpr size_t kCsf = SFL_CSF_FORWARD_WORKSPACE_BYTES(9, 6, SFL_ENET_LARS_WORKSPACE_BYTES(6));
    constexpr size_t kSf = SFL_SF_FORWARD_WORKSPACE_BYTES(10, SFL_ENET_CD_WORKSPACE_BYTES(10));
    CHECK(kCsf == csf_ws);
    CHECK(kSf == sf_ws);
    CHECK(n1 == SFL_MODEL_FORWARD_WORKSPACE_BYTES(4, 216, kCsf > kSf ? kCsf : kSf, 1));
    CHECK(n3 == SFL_MODEL_FORWARD_WORKSPACE_BYTES(4, 216, kCsf > kSf ? kCsf : kSf, 3));
    {
        // conv2d: its tile grows with the batch; one- and two-layer models keep fewer buffers
        ConvNet conv;
        for (int32_t n : {1, 2, 5}) {
            size_t q = 0;
            REQUIRE(sfl_model_forward_workspace_size(&conv.model, n, &q) == SFL_OK);
            CHECK(q == SFL_MODEL_FORWARD_WORKSPACE_BYTES(4, 256, SFL_CONV2D_FORWARD_WORKSPACE_BYTES_FOR(9, n * 64), n));
            sfl_model two = conv.model;
            two.n_layers = 2;
            two.out = two.layers[1].out;
            REQUIRE(sfl_model_forward_workspace_size(&two, n, &q) == SFL_OK);
            CHECK(q == SFL_MODEL_FORWARD_WORKSPACE_BYTES(2, 256, SFL_CONV2D_FORWARD_WORKSPACE_BYTES_FOR(9, n * 64), n));
            sfl_model one = conv.model;
            one.n_layers = 1;
            one.out = one.layers[0].out;
            REQUIRE(sfl_model_forward_workspace_size(&one, n, &q) == SFL_OK);
            CHECK(q == SFL_MODEL_FORWARD_WORKSPACE_BYTES(1, 0, SFL_CONV2D_FORWARD_WORKSPACE_BYTES_FOR(9, n * 64), n));
        }
    }

    // Exactly n3 bytes work; one byte less does not; the n = 1 size is too small for n = 3.
    const std::vector<float> X = input(3, 64, 9);
    std::vector<float> Y(9, kSentinel);
    Bytes mem(n3 + 64);
    sfl_workspace ws = {mem.data(), n3 - 1};
    CHECK(sfl_model_forward(&ws, &net.model, 3, X.data(), Y.data()) == SFL_ERR_WORKSPACE_TOO_SMALL);
    ws.size = n1;
    CHECK(sfl_model_forward(&ws, &net.model, 3, X.data(), Y.data()) == SFL_ERR_WORKSPACE_TOO_SMALL);
    CHECK(untouched(Y));
    ws.buf = mem.data() + 4;
    ws.size = n3;
    CHECK(sfl_model_forward(&ws, &net.model, 3, X.data(), Y.data()) == SFL_ERR_MISALIGNED);
    CHECK(untouched(Y));
    ws.buf = mem.data();
    CHECK(sfl_model_forward(&ws, &net.model, 3, X.data(), Y.data()) == SFL_OK);
    CHECK(!untouched(Y));

    size_t b = 0;
    CHECK(sfl_model_forward_workspace_size(&net.model, 0, &b) == SFL_ERR_BAD_DIMS);
    CHECK(sfl_model_forward_workspace_size(&net.model, SFL_PATCH_MAX_DIM + 1, &b) == SFL_ERR_BAD_DIMS);
    CHECK(sfl_model_forward_workspace_size(&net.model, 1, nullptr) == SFL_ERR_NULL_ARG);
    CHECK(sfl_model_forward_workspace_size(nullptr, 1, &b) == SFL_ERR_NULL_ARG);
    sfl_model bad = net.model;
    bad.layers[1].kind = 0;
    CHECK(sfl_model_forward_workspace_size(&bad, 1, &b) == SFL_ERR_BAD_PARAM);
}

TEST_CASE("sfl_model_forward: bad input leaves Y untouched") {
    FactorNet net;
    REQUIRE(net.build_plans() == SFL_OK);
    const int32_t n = 2;
    size_t bytes = 0;
    REQUIRE(sfl_model_forward_workspace_size(&net.model, n, &bytes) == SFL_OK);
    Bytes mem(bytes);
    const sfl_workspace ws = {mem.data(), bytes};
    std::vector<float> X = input(n, 64, 3), Y(size_t(n) * 3, kSentinel);

    CHECK(sfl_model_forward(nullptr, &net.model, n, X.data(), Y.data()) == SFL_ERR_NULL_ARG);
    CHECK(sfl_model_forward(&ws, nullptr, n, X.data(), Y.data()) == SFL_ERR_NULL_ARG);
    CHECK(sfl_model_forward(&ws, &net.model, n, nullptr, Y.data()) == SFL_ERR_NULL_ARG);
    CHECK(sfl_model_forward(&ws, &net.model, n, X.data(), nullptr) == SFL_ERR_NULL_ARG);
    CHECK(sfl_model_forward(&ws, &net.model, 0, X.data(), Y.data()) == SFL_ERR_BAD_DIMS);
    CHECK(sfl_model_forward(&ws, &net.model, -1, X.data(), Y.data()) == SFL_ERR_BAD_DIMS);
    sfl_model m = net.model;
    m.layers[2].plan = nullptr; // missing plan
    CHECK(sfl_model_forward(&ws, &m, n, X.data(), Y.data()) == SFL_ERR_NULL_ARG);
    m = net.model;
    m.layers[3].in.c = 11;
    CHECK(sfl_model_forward(&ws, &m, n, X.data(), Y.data()) == SFL_ERR_BAD_DIMS);
    m = net.model;
    m.layers[0].enet.l1 = -1.0f;
    CHECK(sfl_model_forward(&ws, &m, n, X.data(), Y.data()) == SFL_ERR_BAD_PARAM);
    X[64 + 17] = std::numeric_limits<float>::quiet_NaN(); // in the second sample
    CHECK(sfl_model_forward(&ws, &net.model, n, X.data(), Y.data()) == SFL_ERR_NOT_FINITE);
    X[64 + 17] = -std::numeric_limits<float>::infinity();
    CHECK(sfl_model_forward(&ws, &net.model, n, X.data(), Y.data()) == SFL_ERR_NOT_FINITE);
    X[64 + 17] = 0.0f;
    CHECK(untouched(Y));

    // The sf dictionary no longer matches its plan: sfl_model_check says so (diag(G)
    // against the column norms, once; the forward call trusts a checked model).
    std::vector<float> P3 = net.P3;
    for (float &v : P3) v *= 0.5f;
    m = net.model;
    m.layers[2].weight = P3.data();
    CHECK(sfl_model_check(&net.model) == SFL_OK);
    CHECK(sfl_model_check(&m) == SFL_ERR_BAD_PLAN);
    // The same as the last layer: the extractor ending at the sf layer.
    m.n_layers = 3;
    m.out = m.layers[2].out;
    CHECK(sfl_model_check(&m) == SFL_ERR_BAD_PLAN);
    P3[5] = std::numeric_limits<float>::quiet_NaN();
    CHECK(sfl_model_check(&m) == SFL_ERR_NOT_FINITE);
}

TEST_CASE("sfl_model_forward: a layer's warning is returned with Y written, as the layer calls give it") {
    FactorNet net;
    net.model.layers[2].enet.max_iter = 1; // one CD sweep: the sf solves stop early
    REQUIRE(net.build_plans() == SFL_OK);
    const int32_t n = 3;
    const std::vector<float> X = input(n, 64, 11);
    sfl_status hand = SFL_OK;
    const std::vector<float> ref = factor_by_hand(net, net.model, n, X, &hand);
    REQUIRE(hand == SFL_WARN_NOT_CONVERGED);
    std::vector<float> Y(size_t(n) * 3, kSentinel);
    CHECK(run(net.model, n, X, &Y) == SFL_WARN_NOT_CONVERGED);
    CHECK(bitwise_equal(Y, ref));
}

TEST_CASE("sfl_model_forward: csf -> maxpool -> l2norm -> sf -> linear equals the layer calls bit for bit") {
    NormNet net;
    REQUIRE(net.build_plans() == SFL_OK);
    const Bytes blob = blob_of(net.model, true), bare = blob_of(net.model, false);
    sfl_model loaded, rebuilt;
    REQUIRE(sfl_model_load(blob.data(), blob.size(), &loaded) == SFL_OK);
    REQUIRE(sfl_model_load(bare.data(), bare.size(), &rebuilt) == SFL_OK);
    size_t pbytes = 0;
    REQUIRE(sfl_model_plans_size(&rebuilt, &pbytes) == SFL_OK);
    Bytes pmem(pbytes);
    REQUIRE(sfl_model_build_plans(&rebuilt, pmem.data(), pmem.size()) == SFL_OK);
    FactorNet plain; // the same weights without the l2norm
    REQUIRE(plain.build_plans() == SFL_OK);
    for (int32_t n : {1, 3}) {
        CAPTURE(n);
        const std::vector<float> X = input(n, NormNet::kIn, 40 + n);
        sfl_status hand = SFL_WARN_NOT_CONVERGED;
        std::vector<float> normed, codes;
        const std::vector<float> ref = norm_by_hand(net, net.model, n, X, &hand, &normed, &codes);
        REQUIRE(hand == SFL_OK);
        // The test means something: the l2norm's rows have norm kScale, and the sf codes are
        // neither all zero nor those of the unnormalised input.
        for (int32_t i = 0; i < n; ++i) {
            double s = 0.0;
            for (int32_t j = 0; j < 54; ++j) s += double(normed[size_t(i) * 54 + j]) * normed[size_t(i) * 54 + j];
            CHECK(std::sqrt(s) == doctest::Approx(NormNet::kScale).epsilon(1e-5));
        }
        size_t nonzero = 0;
        for (float c : codes) nonzero += c != 0.0f;
        CHECK(nonzero > 0);

        std::vector<float> Y(size_t(n) * NormNet::kOut, kSentinel);
        REQUIRE(run(net.model, n, X, &Y) == SFL_OK);
        CHECK(bitwise_equal(Y, ref));
        for (const sfl_model *m : {&loaded, &rebuilt}) {
            std::vector<float> Y2(Y.size(), kSentinel);
            REQUIRE(run(*m, n, X, &Y2) == SFL_OK);
            CHECK(bitwise_equal(Y2, ref));
        }
        std::vector<float> Yp(Y.size(), kSentinel);
        REQUIRE(run(plain.model, n, X, &Yp) == SFL_OK);
        CHECK_FALSE(bitwise_equal(Yp, Y));
        // Sample i of a batch equals that sample alone.
        if (n == 3) {
            std::vector<float> x2(X.begin() + 2 * NormNet::kIn, X.end()), y2(3, kSentinel);
            REQUIRE(run(net.model, 1, x2, &y2) == SFL_OK);
            CHECK(std::memcmp(y2.data(), Y.data() + 6, 12) == 0);
        }
    }

    // The scale and eps are the layer's: another scale, or an eps above every row's norm
    // (all rows clamped: y = (scale / eps) x), gives other outputs, again as the calls do.
    for (const sfl_l2norm_params p : {sfl_l2norm_params{3.4f, NormNet::kEps}, sfl_l2norm_params{NormNet::kScale, 1e3f}}) {
        CAPTURE(p.scale);
        CAPTURE(p.eps);
        NormNet other(2, p.scale, p.eps);
        REQUIRE(other.build_plans() == SFL_OK);
        const std::vector<float> X = input(2, NormNet::kIn, 47);
        sfl_status hand = SFL_OK;
        const std::vector<float> ref = norm_by_hand(other, other.model, 2, X, &hand);
        std::vector<float> Y(6, kSentinel), Yn(6, kSentinel);
        CHECK(run(other.model, 2, X, &Y) == hand);
        CHECK(bitwise_equal(Y, ref));
        REQUIRE(run(net.model, 2, X, &Yn) == SFL_OK);
        CHECK_FALSE(bitwise_equal(Y, Yn));
    }
}

TEST_CASE("sfl_model_forward: l2norm extractors, a one-layer l2norm model, and the conv net with an l2norm") {
    NormNet net;
    REQUIRE(net.build_plans() == SFL_OK);
    const int32_t n = 3;
    const std::vector<float> X = input(n, NormNet::kIn, 51);
    sfl_status hand = SFL_OK;
    std::vector<float> normed;
    norm_by_hand(net, net.model, n, X, &hand, &normed);
    // The extractor ending at the l2norm: its output is the normalised pool.
    sfl_model ex = net.model;
    ex.n_layers = NormNet::kNorm + 1;
    ex.out = ex.layers[NormNet::kNorm].out;
    std::vector<float> Y(size_t(n) * 54, kSentinel);
    REQUIRE(run(ex, n, X, &Y) == SFL_OK);
    CHECK(bitwise_equal(Y, normed));

    // One l2norm layer: no workspace at all, and the layer call's outputs (a zero row stays
    // zero, a row below eps is scaled by scale / eps, a row of 1e30 does not overflow).
    sfl_model one = l2norm_model({1, 2, 3, 5}, {0.75f, 1e-2f});
    for (int32_t b : {1, 4, 9}) {
        size_t bytes = 1;
        REQUIRE(sfl_model_forward_workspace_size(&one, b, &bytes) == SFL_OK);
        CHECK(bytes == 0);
        CHECK(bytes == SFL_MODEL_FORWARD_WORKSPACE_BYTES(1, 0, 0, b));
    }
    std::vector<float> X1 = input(4, 30, 52);
    for (int32_t j = 0; j < 30; ++j) {
        X1[30 + size_t(j)] = 0.0f;             // sample 1: zero
        X1[60 + size_t(j)] = 1e-5f * float(j % 3); // sample 2: norm below eps
        X1[90 + size_t(j)] = 1e30f * float(j % 5 - 2);
    }
    std::vector<float> Y1(X1.size(), kSentinel), R1(X1.size(), kSentinel);
    const sfl_workspace none = {nullptr, 0};
    REQUIRE(sfl_model_forward(&none, &one, 4, X1.data(), Y1.data()) == SFL_OK);
    REQUIRE(sfl_l2norm_forward(&one.layers[0].norm, 4, 30, sfl_range{0, 4}, X1.data(), R1.data()) == SFL_OK);
    CHECK(bitwise_equal(Y1, R1));
    for (int32_t j = 0; j < 30; ++j) {
        CHECK(Y1[30 + size_t(j)] == 0.0f);
        CHECK(Y1[60 + size_t(j)] == float(0.75 / 1e-2f * double(X1[60 + size_t(j)])));
        CHECK(std::isfinite(Y1[90 + size_t(j)]));
    }
    // Its bad parameters leave Y untouched (checked before anything runs).
    one.layers[0].norm.eps = 0.0f;
    std::vector<float> Yb(X1.size(), kSentinel);
    CHECK(sfl_model_forward(&none, &one, 4, X1.data(), Yb.data()) == SFL_ERR_BAD_PARAM);
    CHECK(untouched(Yb));

    // conv2d -> maxpool -> relu -> l2norm -> linear: the conv net's calls with the l2norm between.
    ConvNet conv;
    const sfl_l2norm_params p = {2.0f, 1e-6f};
    const sfl_model cn = conv_with_norm(conv, p);
    REQUIRE(sfl_model_check(&cn) == SFL_OK);
    for (int32_t b : {1, 2}) {
        CAPTURE(b);
        const std::vector<float> Xc = input(b, ConvNet::kIn, 53 + b);
        const std::vector<float> R = conv_by_hand(conv, b, Xc, &p);
        std::vector<float> Yc(R.size(), kSentinel);
        REQUIRE(run(cn, b, Xc, &Yc) == SFL_OK);
        CHECK(bitwise_equal(Yc, R));
        // ... through a blob too.
        CHECK(bitwise_equal(run_through_blob(cn, b, Xc, R.size()), R));
    }
}

TEST_CASE("sfl_model_forward_workspace_size: an l2norm layer adds no workspace") {
    // Its output (54 floats) is not the largest activation and it has no layer workspace:
    // the l2norm net needs what the same net without it needs, at every n.
    NormNet net;
    FactorNet plain;
    constexpr size_t kCsf = SFL_CSF_FORWARD_WORKSPACE_BYTES(9, 6, SFL_ENET_LARS_WORKSPACE_BYTES(6));
    constexpr size_t kSf = SFL_SF_FORWARD_WORKSPACE_BYTES(10, SFL_ENET_CD_WORKSPACE_BYTES(10));
    for (int32_t n : {1, 2, 3, 7, 64}) {
        CAPTURE(n);
        size_t a = 0, b = 0;
        REQUIRE(sfl_model_forward_workspace_size(&net.model, n, &a) == SFL_OK);
        REQUIRE(sfl_model_forward_workspace_size(&plain.model, n, &b) == SFL_OK);
        CHECK(a == b);
        CHECK(a == SFL_MODEL_FORWARD_WORKSPACE_BYTES(5, 216, kCsf > kSf ? kCsf : kSf, n));
        // The conv net with an l2norm after its relu: the same as the conv net.
        ConvNet conv;
        const sfl_model cn = conv_with_norm(conv, sfl_l2norm_params SFL_L2NORM_PARAMS_INIT);
        REQUIRE(sfl_model_forward_workspace_size(&cn, n, &a) == SFL_OK);
        REQUIRE(sfl_model_forward_workspace_size(&conv.model, n, &b) == SFL_OK);
        CHECK(a == b);
        // Where its output is the largest one in the workspace, it counts as any layer's output.
        sfl_model two;
        std::memset(&two, 0, sizeof two);
        two.n_layers = 2;
        two.in = {1, 4, 4, 4};
        two.out = {1, 1, 1, 5};
        two.layers[0] = make_layer(SFL_MODEL_L2NORM, two.in, two.in);
        two.layers[0].norm = sfl_l2norm_params SFL_L2NORM_PARAMS_INIT;
        two.layers[1] = conv.model.layers[3]; // linear 64 -> 5
        REQUIRE(sfl_model_forward_workspace_size(&two, n, &a) == SFL_OK);
        CHECK(a == SFL_MODEL_FORWARD_WORKSPACE_BYTES(2, 64, 0, n));
        CHECK(a == SFL_ALIGN_UP(4 * 64 * size_t(n)));
    }
    // Plans do not change it either; exactly that size runs, one byte less does not.
    REQUIRE(net.build_plans() == SFL_OK);
    size_t n3 = 0;
    REQUIRE(sfl_model_forward_workspace_size(&net.model, 3, &n3) == SFL_OK);
    CHECK(n3 == SFL_MODEL_FORWARD_WORKSPACE_BYTES(5, 216, kCsf > kSf ? kCsf : kSf, 3));
    const std::vector<float> X = input(3, 64, 55);
    std::vector<float> Y(9, kSentinel);
    Bytes mem(n3);
    sfl_workspace ws = {mem.data(), n3 - 1};
    CHECK(sfl_model_forward(&ws, &net.model, 3, X.data(), Y.data()) == SFL_ERR_WORKSPACE_TOO_SMALL);
    CHECK(untouched(Y));
    ws.size = n3;
    CHECK(sfl_model_forward(&ws, &net.model, 3, X.data(), Y.data()) == SFL_OK);
}

TEST_CASE("sfl_model_forward: the l2norm net passes the sf layer's warning on, as the layer calls give it") {
    NormNet net;
    net.model.layers[3].enet.max_iter = 1; // one CD sweep
    REQUIRE(net.build_plans() == SFL_OK);
    const int32_t n = 3;
    const std::vector<float> X = input(n, 64, 57);
    sfl_status hand = SFL_OK;
    const std::vector<float> ref = norm_by_hand(net, net.model, n, X, &hand);
    REQUIRE(hand == SFL_WARN_NOT_CONVERGED);
    std::vector<float> Y(size_t(n) * 3, kSentinel);
    CHECK(run(net.model, n, X, &Y) == SFL_WARN_NOT_CONVERGED);
    CHECK(bitwise_equal(Y, ref));
    // A non-finite input is refused before the l2norm (which would turn it into NaN rows).
    std::vector<float> Xb = X;
    Xb[70] = std::numeric_limits<float>::infinity();
    std::vector<float> Yb(Y.size(), kSentinel);
    CHECK(run(net.model, n, Xb, &Yb) == SFL_ERR_NOT_FINITE);
    CHECK(untouched(Yb));
}
