// sfl_model_forward (sfl_model.h): its outputs equal the same sfl_* layer
// calls made by hand, bit for bit (n = 1 and n = 3, built and loaded plans);
// the workspace query is exact; bad input and failing layers leave Y
// untouched; warnings of a layer are passed on with Y written.
#include <doctest/doctest.h>

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

// The conv net by hand: conv2d, maxpool, relu, linear, each on the whole batch.
std::vector<float> conv_by_hand(const ConvNet &net, int32_t n, const std::vector<float> &X) {
    const sfl_range all = {0, n};
    const sfl_patch_params k3 = patch(3, 1, 1), pool = patch(2, 2, 0);
    const sfl_dims4 in = {n, 8, 8, 1}, a1 = {n, 8, 8, 4};
    size_t bytes = 0;
    REQUIRE(sfl_conv2d_forward_workspace_size(&k3, &in, 4, &bytes) == SFL_OK);
    Bytes wsm(bytes);
    const sfl_workspace ws = {wsm.data(), bytes};
    std::vector<float> A1(size_t(n) * 256), A2(size_t(n) * 64), Y(size_t(n) * 5);
    REQUIRE(sfl_conv2d_forward(&ws, &k3, &in, all, X.data(), 4, net.W1.data(), net.b1.data(), A1.data()) == SFL_OK);
    REQUIRE(sfl_maxpool2d_forward(&pool, &a1, all, A1.data(), A2.data(), nullptr) == SFL_OK);
    REQUIRE(sfl_relu_forward(A2.size(), A2.data(), A2.data()) == SFL_OK);
    const sfl_linear_dims fc = {64, 5};
    REQUIRE(sfl_linear_forward(&fc, n, all, A2.data(), net.W4.data(), net.b4.data(), Y.data()) == SFL_OK);
    return Y;
}

// The factor net by hand: csf, maxpool, sf, linear, with the plans of `model`.
std::vector<float> factor_by_hand(const FactorNet &net, const sfl_model &model, int32_t n,
                                  const std::vector<float> &X, sfl_status *status) {
    const sfl_range all = {0, n};
    const sfl_model_layer &csf = model.layers[0], &sf = model.layers[2];
    const sfl_patch_params pool = patch(2, 2, 0);
    const sfl_dims4 in = {n, 8, 8, 1}, a1 = {n, 6, 6, 6};
    size_t b1 = 0, b3 = 0;
    REQUIRE(sfl_csf_forward_workspace_size(&csf.enet, csf.plan, &b1) == SFL_OK);
    REQUIRE(sfl_sf_forward_workspace_size(&sf.enet, sf.plan, &b3) == SFL_OK);
    Bytes w1(b1), w3(b3);
    const sfl_workspace ws1 = {w1.data(), b1}, ws3 = {w3.data(), b3};
    std::vector<float> A1(size_t(n) * 216), A2(size_t(n) * 54), A3(size_t(n) * 10), Y(size_t(n) * 3);
    const sfl_status s1 = sfl_csf_forward(&ws1, &csf.enet, &csf.geom, csf.plan, net.P1.data(), &in, all, X.data(),
                                          A1.data(), nullptr, nullptr, nullptr);
    REQUIRE(sfl_maxpool2d_forward(&pool, &a1, all, A1.data(), A2.data(), nullptr) == SFL_OK);
    const sfl_status s3 = sfl_sf_forward(&ws3, &sf.enet, sf.plan, net.P3.data(), n, all, A2.data(), A3.data(),
                                         nullptr, nullptr, nullptr);
    const sfl_linear_dims fc = {10, 3};
    REQUIRE(sfl_linear_forward(&fc, n, all, A3.data(), net.W4.data(), net.b4.data(), Y.data()) == SFL_OK);
    *status = s1 != SFL_OK ? s1 : s3;
    return Y;
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
        const Bytes blob = blob_of(net.model, false);
        sfl_model loaded;
        REQUIRE(sfl_model_load(blob.data(), blob.size(), &loaded) == SFL_OK);
        std::vector<float> Y2(Y.size(), kSentinel);
        REQUIRE(run(loaded, n, X, &Y2) == SFL_OK);
        CHECK(bitwise_equal(Y2, Y));
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
