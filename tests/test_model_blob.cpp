// Model blobs (sfl_model.h, docs/model-format.md): sfl_crc32, sfl_model_check's
// bad-input table, write/load round trips with and without plans, the plans
// calls, and corruption: every single-byte flip and every truncation of a
// blob is an error, each framing field gives its own status, and content
// forged behind recomputed CRCs gives SFL_ERR_MODEL_INVALID; the model is
// untouched by every failed load. The l2norm kind (format minor 1): its check
// rows, its scale and eps stored bit for bit at record bytes 120 and 124, and
// those bytes zero on every other kind.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "model_fixture.hpp"

using namespace sfl_model_test;

namespace {

const float kNaN = std::numeric_limits<float>::quiet_NaN();

// Bit-at-a-time CRC-32 (reflected 0xEDB88320): the definition, as an oracle.
uint32_t crc32_bitwise(const unsigned char *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; ++i) {
        c ^= p[i];
        for (int k = 0; k < 8; ++k) c = (c & 1u) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    }
    return ~c;
}

// A model filled with a byte pattern: "untouched" means still this pattern.
sfl_model sentinel_model() {
    sfl_model m;
    std::memset(&m, 0xA5, sizeof m);
    return m;
}
bool is_sentinel(const sfl_model &m) {
    const sfl_model s = sentinel_model();
    return std::memcmp(&m, &s, sizeof m) == 0;
}

sfl_status load(const Bytes &b, size_t size, sfl_model *out) { return sfl_model_load(b.data(), size, out); }

bool same_dims(const sfl_dims4 &a, const sfl_dims4 &b) { return a.n == b.n && a.h == b.h && a.w == b.w && a.c == b.c; }

bool inside(const void *p, const Bytes &b) {
    const unsigned char *q = static_cast<const unsigned char *>(p);
    return q >= b.data() && q < b.data() + b.size();
}

// Loaded model == original: every field, and each tensor's values bit for bit, read through the views.
void expect_same_model(const sfl_model &a, const sfl_model &b, const Bytes &blob, bool plans) {
    REQUIRE(a.n_layers == b.n_layers);
    CHECK(same_dims(a.in, b.in));
    CHECK(same_dims(a.out, b.out));
    for (int32_t i = 0; i < a.n_layers; ++i) {
        CAPTURE(i);
        const sfl_model_layer &x = a.layers[i], &y = b.layers[i];
        CHECK(x.kind == y.kind);
        CHECK(same_dims(x.in, y.in));
        CHECK(same_dims(x.out, y.out));
        CHECK(std::memcmp(&x.geom, &y.geom, sizeof x.geom) == 0);
        CHECK(std::memcmp(&x.enet.l1, &y.enet.l1, 4) == 0);
        CHECK(std::memcmp(&x.enet.l2, &y.enet.l2, 4) == 0);
        CHECK(std::memcmp(&x.enet.tol, &y.enet.tol, 4) == 0);
        CHECK(x.enet.max_iter == y.enet.max_iter);
        CHECK(x.enet.solver == y.enet.solver);
        CHECK(std::memcmp(&x.norm.scale, &y.norm.scale, 4) == 0);
        CHECK(std::memcmp(&x.norm.eps, &y.norm.eps, 4) == 0);
        CHECK((x.weight == nullptr) == (y.weight == nullptr));
        CHECK((x.bias == nullptr) == (y.bias == nullptr));
        size_t nw = 0, nb = 0;
        if (x.kind == SFL_MODEL_CONV2D) nw = size_t(x.geom.kernel.h) * x.geom.kernel.w * x.in.c * x.out.c, nb = x.out.c;
        if (x.kind == SFL_MODEL_CSF) nw = size_t(x.geom.kernel.h) * x.geom.kernel.w * x.in.c * x.out.c;
        if (x.kind == SFL_MODEL_SF) nw = size_t(x.in.h) * x.in.w * x.in.c * x.out.c;
        if (x.kind == SFL_MODEL_LINEAR) nw = size_t(x.in.h) * x.in.w * x.in.c * x.out.c, nb = x.out.c;
        if (nw) {
            CHECK(inside(y.weight, blob));
            CHECK(std::memcmp(x.weight, y.weight, 4 * nw) == 0);
        }
        if (nb && x.bias) {
            CHECK(inside(y.bias, blob));
            CHECK(std::memcmp(x.bias, y.bias, 4 * nb) == 0);
        }
        const bool factor = x.kind == SFL_MODEL_CSF || x.kind == SFL_MODEL_SF;
        CHECK((y.plan != nullptr) == (factor && plans));
        if (y.plan) {
            CHECK(inside(y.plan, blob));
            CHECK(reinterpret_cast<uintptr_t>(y.plan) % SFL_WORKSPACE_ALIGN == 0);
            sfl_enet_dims d{}, e{};
            REQUIRE(sfl_enet_plan_dims(x.plan, &d) == SFL_OK);
            REQUIRE(sfl_enet_plan_dims(y.plan, &e) == SFL_OK);
            CHECK((d.m == e.m && d.K == e.K));
            const float *gx = sfl_enet_plan_gram(x.plan), *gy = sfl_enet_plan_gram(y.plan);
            CHECK(inside(gy, blob));
            CHECK(std::memcmp(gx, gy, 4 * size_t(d.K) * d.K) == 0);
        }
    }
}

// A row of the sfl_model_check tables: an edit of a good model and the status it gives.
struct CheckRow {
    const char *what;
    std::function<void(sfl_model &)> edit;
    sfl_status expect;
};

// The row's edit of a copy of `model`: sfl_model_check and sfl_model_blob_size give the
// row's status, and a failing sfl_model_blob_size leaves its output untouched. Returns
// the edited model.
sfl_model expect_check_row(const sfl_model &model, const CheckRow &r) {
    sfl_model m = model;
    r.edit(m);
    CHECK(sfl_model_check(&m) == r.expect);
    size_t bytes = 12345;
    CHECK(sfl_model_blob_size(&m, 0, &bytes) == r.expect);
    if (r.expect != SFL_OK) CHECK(bytes == 12345);
    return m;
}

// An edit of a blob's bytes, for the tables of content forged behind valid CRCs.
struct Forgery {
    const char *what;
    std::function<void(Bytes &)> edit;
};

// The edit changes `blob`; resealed (both CRCs recomputed), the blob is
// SFL_ERR_MODEL_INVALID and the model is untouched.
void expect_invalid_resealed(const Bytes &blob, const std::function<void(Bytes &)> &edit) {
    Bytes b = blob;
    edit(b);
    REQUIRE(!(b == blob));
    reseal(b);
    sfl_model got = sentinel_model();
    CHECK(load(b, b.size(), &got) == SFL_ERR_MODEL_INVALID);
    CHECK(is_sentinel(got));
}

// The status of loading `blob` with the edit and the CRCs left as they were.
sfl_status load_unsealed(const Bytes &blob, const std::function<void(Bytes &)> &edit) {
    Bytes b = blob;
    edit(b);
    sfl_model got = sentinel_model();
    return load(b, b.size(), &got);
}

} // namespace

TEST_CASE("sfl_crc32: known values, chaining, the bitwise definition") {
    CHECK(sfl_crc32(0, "123456789", 9) == 0xCBF43926u);
    CHECK(sfl_crc32(0, "", 0) == 0u);
    CHECK(sfl_crc32(0, nullptr, 0) == 0u);
    CHECK(sfl_crc32(0x12345678u, nullptr, 0) == 0x12345678u);
    CHECK(sfl_crc32(0, "a", 1) == 0xE8B7BE43u);
    CHECK(sfl_crc32(0, "The quick brown fox jumps over the lazy dog", 43) == 0x414FA339u);
    std::vector<unsigned char> buf(300);
    for (size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<unsigned char>(i * 131u + 7u);
    const uint32_t whole = sfl_crc32(0, buf.data(), buf.size());
    CHECK(whole == crc32_bitwise(buf.data(), buf.size()));
    for (size_t cut = 0; cut <= buf.size(); cut += 37)
        CHECK(sfl_crc32(sfl_crc32(0, buf.data(), cut), buf.data() + cut, buf.size() - cut) == whole);
}

TEST_CASE("sfl_model_check: the test models pass, with and without plans") {
    ConvNet conv;
    CHECK(sfl_model_check(&conv.model) == SFL_OK);
    FactorNet fac;
    CHECK(sfl_model_check(&fac.model) == SFL_OK);
    REQUIRE(fac.build_plans() == SFL_OK);
    CHECK(sfl_model_check(&fac.model) == SFL_OK);
    // The bias of conv2d and linear is optional (the layer calls accept NULL).
    conv.model.layers[0].bias = nullptr;
    conv.model.layers[3].bias = nullptr;
    CHECK(sfl_model_check(&conv.model) == SFL_OK);
    // An extractor: the first layers only.
    fac.model.n_layers = 2;
    fac.model.out = fac.model.layers[1].out;
    CHECK(sfl_model_check(&fac.model) == SFL_OK);
}

TEST_CASE("sfl_model_check: bad-input table") {
    FactorNet ref;
    REQUIRE(ref.build_plans() == SFL_OK);
    const sfl_enet_plan *plan0 = ref.model.layers[0].plan, *plan2 = ref.model.layers[2].plan;
    // A plan of layer 0's dictionary with another l2.
    Bytes other(SFL_ENET_PLAN_BYTES(6));
    sfl_enet_params p2 = ref.model.layers[0].enet;
    p2.l2 = 0.5f;
    const sfl_enet_dims d0 = {9, 6};
    sfl_enet_plan *other_l2 = nullptr;
    REQUIRE(sfl_enet_plan_init(other.data(), other.size(), &p2, &d0, ref.P1.data(), &other_l2) == SFL_OK);
    // A plan copied to a misaligned address, and a plan-sized block of zeros.
    Bytes shifted(SFL_ENET_PLAN_BYTES(6) + 8), zeros(SFL_ENET_PLAN_BYTES(6));
    std::memcpy(shifted.data() + 4, plan0, SFL_ENET_PLAN_BYTES(6));

    const std::vector<CheckRow> rows = {
        {"n_layers 0", [](sfl_model &m) { m.n_layers = 0; }, SFL_ERR_BAD_DIMS},
        {"n_layers 17", [](sfl_model &m) { m.n_layers = SFL_MODEL_MAX_LAYERS + 1; }, SFL_ERR_BAD_DIMS},
        {"in.n 2", [](sfl_model &m) { m.in.n = 2; m.layers[0].in.n = 2; }, SFL_ERR_BAD_DIMS},
        {"in.h 0", [](sfl_model &m) { m.in.h = 0; m.layers[0].in.h = 0; }, SFL_ERR_BAD_DIMS},
        {"model in != layer 0 in", [](sfl_model &m) { m.in.h = 9; }, SFL_ERR_BAD_DIMS},
        {"model out != last out", [](sfl_model &m) { m.out.c = 4; }, SFL_ERR_BAD_DIMS},
        {"chain broken", [](sfl_model &m) { m.layers[3].in = {1, 1, 2, 5}; }, SFL_ERR_BAD_DIMS},
        {"kind 0", [](sfl_model &m) { m.layers[1].kind = 0; }, SFL_ERR_BAD_PARAM},
        {"kind 8 (first unknown)", [](sfl_model &m) { m.layers[1].kind = 8; }, SFL_ERR_BAD_PARAM},
        {"kind -1", [](sfl_model &m) { m.layers[1].kind = -1; }, SFL_ERR_BAD_PARAM},
        {"maxpool as l2norm (geometry set)", [](sfl_model &m) { m.layers[1].kind = SFL_MODEL_L2NORM; m.layers[1].norm = {1.0f, 1e-6f}; }, SFL_ERR_BAD_PARAM},
        {"csf kernel 0", [](sfl_model &m) { m.layers[0].geom.kernel.h = 0; }, SFL_ERR_BAD_PARAM},
        {"csf padding >= kernel", [](sfl_model &m) { m.layers[0].geom.padding = {3, 3}; }, SFL_ERR_BAD_PARAM},
        {"csf out extent", [](sfl_model &m) { m.layers[0].out.h = 5; }, SFL_ERR_BAD_DIMS},
        {"csf K differs from its plan", [](sfl_model &m) { m.layers[0].out.c = 7; m.layers[1].in.c = 7; m.layers[1].out.c = 7; }, SFL_ERR_BAD_PLAN},
        {"csf weight NULL", [](sfl_model &m) { m.layers[0].weight = nullptr; }, SFL_ERR_NULL_ARG},
        {"csf bias", [](sfl_model &m) { m.layers[0].bias = m.layers[0].weight; }, SFL_ERR_BAD_PARAM},
        {"csf l1 < 0", [](sfl_model &m) { m.layers[0].enet.l1 = -0.1f; }, SFL_ERR_BAD_PARAM},
        {"csf l1 NaN", [](sfl_model &m) { m.layers[0].enet.l1 = kNaN; }, SFL_ERR_BAD_PARAM},
        {"csf l2 NaN", [](sfl_model &m) { m.layers[0].enet.l2 = kNaN; }, SFL_ERR_BAD_PARAM},
        {"csf max_iter < 0", [](sfl_model &m) { m.layers[0].enet.max_iter = -1; }, SFL_ERR_BAD_PARAM},
        {"csf unknown solver", [](sfl_model &m) { int32_t v = 7; std::memcpy(&m.layers[0].enet.solver, &v, 4); }, SFL_ERR_BAD_PARAM},
        {"sf CD tol 0", [](sfl_model &m) { m.layers[2].enet.tol = 0.0f; }, SFL_ERR_BAD_PARAM},
        {"sf out 2x1", [](sfl_model &m) { m.layers[2].out.h = 2; }, SFL_ERR_BAD_DIMS},
        {"sf geometry set", [](sfl_model &m) { m.layers[2].geom.kernel = {1, 1}; }, SFL_ERR_BAD_PARAM},
        {"maxpool padding", [](sfl_model &m) { m.layers[1].geom.padding = {1, 1}; }, SFL_ERR_BAD_PARAM},
        {"maxpool out", [](sfl_model &m) { m.layers[1].out.w = 2; }, SFL_ERR_BAD_DIMS},
        {"maxpool weight", [](sfl_model &m) { m.layers[1].weight = m.layers[0].weight; }, SFL_ERR_BAD_PARAM},
        {"maxpool enet set", [](sfl_model &m) { m.layers[1].enet.l1 = 0.1f; }, SFL_ERR_BAD_PARAM},
        {"maxpool plan", [=](sfl_model &m) { m.layers[1].plan = plan0; }, SFL_ERR_BAD_PARAM},
        {"linear weight NULL", [](sfl_model &m) { m.layers[3].weight = nullptr; }, SFL_ERR_NULL_ARG},
        {"linear out 1x2", [](sfl_model &m) { m.layers[3].out.w = 2; }, SFL_ERR_BAD_DIMS},
        {"linear geometry set", [](sfl_model &m) { m.layers[3].geom.stride = {1, 1}; }, SFL_ERR_BAD_PARAM},
        {"plan of another layer", [=](sfl_model &m) { m.layers[0].plan = plan2; }, SFL_ERR_BAD_PLAN},
        {"plan of another l2", [=](sfl_model &m) { m.layers[0].plan = other_l2; }, SFL_ERR_BAD_PLAN},
        {"plan l2 edited in the layer", [](sfl_model &m) { m.layers[0].enet.l2 = 0.02f; }, SFL_ERR_BAD_PLAN},
        {"not a plan", [&](sfl_model &m) { m.layers[0].plan = reinterpret_cast<const sfl_enet_plan *>(zeros.data()); }, SFL_ERR_BAD_PLAN},
        {"misaligned plan", [&](sfl_model &m) { m.layers[0].plan = reinterpret_cast<const sfl_enet_plan *>(shifted.data() + 4); }, SFL_ERR_MISALIGNED},
    };
    CHECK(sfl_model_check(nullptr) == SFL_ERR_NULL_ARG);
    for (const CheckRow &r : rows) {
        const std::string what = r.what;
        CAPTURE(what);
        expect_check_row(ref.model, r); // every row an error: the blob size untouched too
    }
    // A relu with enet parameters, or a geometry.
    ConvNet conv;
    sfl_model m = conv.model;
    m.layers[2].geom.kernel = {2, 2};
    CHECK(sfl_model_check(&m) == SFL_ERR_BAD_PARAM);
    m = conv.model;
    m.layers[2].out = {1, 4, 4, 3};
    m.layers[3].in = m.layers[2].out;
    CHECK(sfl_model_check(&m) == SFL_ERR_BAD_DIMS);
    m = conv.model;
    m.layers[0].geom.stride = {0, 1};
    CHECK(sfl_model_check(&m) == SFL_ERR_BAD_PARAM);
    m = conv.model;
    m.layers[0].out.c = SFL_NN_MAX_DIM + 1;
    m.layers[1].in.c = m.layers[1].out.c = m.layers[2].in.c = m.layers[2].out.c = m.layers[3].in.c = SFL_NN_MAX_DIM + 1;
    CHECK(sfl_model_check(&m) == SFL_ERR_BAD_DIMS);
}

TEST_CASE("sfl_model_check: l2norm bad-input table, and the norm field on the other kinds") {
    NormNet ref;
    REQUIRE(ref.build_plans() == SFL_OK);
    CHECK(sfl_model_check(&ref.model) == SFL_OK);
    const int L = NormNet::kNorm;
    REQUIRE(ref.model.layers[L].kind == SFL_MODEL_L2NORM);
    const sfl_enet_plan *plan3 = ref.model.layers[3].plan;
    const float kInf = std::numeric_limits<float>::infinity();
    const float kMax = std::numeric_limits<float>::max(), kTiny = std::numeric_limits<float>::denorm_min();

    const std::vector<CheckRow> rows = {
        // the l2norm's own parameters
        {"scale 0", [=](sfl_model &m) { m.layers[L].norm.scale = 0.0f; }, SFL_ERR_BAD_PARAM},
        {"scale -0", [=](sfl_model &m) { m.layers[L].norm.scale = -0.0f; }, SFL_ERR_BAD_PARAM},
        {"scale -1", [=](sfl_model &m) { m.layers[L].norm.scale = -1.0f; }, SFL_ERR_BAD_PARAM},
        {"scale NaN", [=](sfl_model &m) { m.layers[L].norm.scale = kNaN; }, SFL_ERR_BAD_PARAM},
        {"scale Inf", [=](sfl_model &m) { m.layers[L].norm.scale = kInf; }, SFL_ERR_BAD_PARAM},
        {"scale -Inf", [=](sfl_model &m) { m.layers[L].norm.scale = -kInf; }, SFL_ERR_BAD_PARAM},
        {"eps 0", [=](sfl_model &m) { m.layers[L].norm.eps = 0.0f; }, SFL_ERR_BAD_PARAM},
        {"eps -1e-3", [=](sfl_model &m) { m.layers[L].norm.eps = -1e-3f; }, SFL_ERR_BAD_PARAM},
        {"eps NaN", [=](sfl_model &m) { m.layers[L].norm.eps = kNaN; }, SFL_ERR_BAD_PARAM},
        {"eps Inf", [=](sfl_model &m) { m.layers[L].norm.eps = kInf; }, SFL_ERR_BAD_PARAM},
        {"both 0 (as every other kind)", [=](sfl_model &m) { m.layers[L].norm = {0.0f, 0.0f}; }, SFL_ERR_BAD_PARAM},
        // its shapes: out == in, every extent (the same h*w*c in another shape is not enough)
        {"out 1x1x54 (next in too)", [=](sfl_model &m) { m.layers[L].out = {1, 1, 1, 54}; m.layers[L + 1].in = {1, 1, 1, 54}; }, SFL_ERR_BAD_DIMS},
        {"out 9x1x6 (next in too)", [=](sfl_model &m) { m.layers[L].out = {1, 9, 1, 6}; m.layers[L + 1].in = {1, 9, 1, 6}; }, SFL_ERR_BAD_DIMS},
        {"out.n 2", [=](sfl_model &m) { m.layers[L].out.n = 2; m.layers[L + 1].in.n = 2; }, SFL_ERR_BAD_DIMS},
        {"chain: in 3x3x5", [=](sfl_model &m) { m.layers[L].in.c = 5; m.layers[L].out.c = 5; }, SFL_ERR_BAD_DIMS},
        // what it does not have
        {"weight", [=](sfl_model &m) { m.layers[L].weight = m.layers[0].weight; }, SFL_ERR_BAD_PARAM},
        {"bias", [=](sfl_model &m) { m.layers[L].bias = m.layers[4].bias; }, SFL_ERR_BAD_PARAM},
        {"plan", [=](sfl_model &m) { m.layers[L].plan = plan3; }, SFL_ERR_BAD_PARAM},
        {"geometry", [=](sfl_model &m) { m.layers[L].geom.stride = {1, 1}; }, SFL_ERR_BAD_PARAM},
        {"enet l1", [=](sfl_model &m) { m.layers[L].enet.l1 = 0.1f; }, SFL_ERR_BAD_PARAM},
        {"enet lanes", [=](sfl_model &m) { m.layers[L].enet.lanes = 1; }, SFL_ERR_BAD_PARAM},
        // a norm field on the other kinds
        {"csf norm scale 1", [](sfl_model &m) { m.layers[0].norm.scale = 1.0f; }, SFL_ERR_BAD_PARAM},
        {"maxpool norm eps 1e-6", [](sfl_model &m) { m.layers[1].norm.eps = 1e-6f; }, SFL_ERR_BAD_PARAM},
        {"maxpool norm NaN", [](sfl_model &m) { m.layers[1].norm.scale = kNaN; }, SFL_ERR_BAD_PARAM},
        {"sf norm as l2norm's", [=](sfl_model &m) { m.layers[3].norm = m.layers[L].norm; }, SFL_ERR_BAD_PARAM},
        {"sf norm eps smallest subnormal", [=](sfl_model &m) { m.layers[3].norm.eps = kTiny; }, SFL_ERR_BAD_PARAM},
        {"linear norm scale -1", [](sfl_model &m) { m.layers[4].norm.scale = -1.0f; }, SFL_ERR_BAD_PARAM},
        // a kind changed under its fields
        {"l2norm as relu (norm left)", [=](sfl_model &m) { m.layers[L].kind = SFL_MODEL_RELU; }, SFL_ERR_BAD_PARAM},
        // the extremes are valid
        {"scale FLT_MAX, eps FLT_TRUE_MIN", [=](sfl_model &m) { m.layers[L].norm = {kMax, kTiny}; }, SFL_OK},
        {"scale FLT_TRUE_MIN, eps FLT_MAX", [=](sfl_model &m) { m.layers[L].norm = {kTiny, kMax}; }, SFL_OK},
        {"l2norm as relu, norm cleared", [=](sfl_model &m) { m.layers[L].kind = SFL_MODEL_RELU; m.layers[L].norm = {0.0f, 0.0f}; }, SFL_OK},
    };
    for (const CheckRow &r : rows) {
        const std::string what = r.what;
        CAPTURE(what);
        const sfl_model m = expect_check_row(ref.model, r);
        if (r.expect != SFL_OK) {
            size_t ws = 777;
            CHECK(sfl_model_forward_workspace_size(&m, 1, &ws) == r.expect);
            CHECK(ws == 777);
        }
    }

    // A nonzero norm on conv2d and relu (the conv net).
    ConvNet conv;
    sfl_model m = conv.model;
    m.layers[0].norm.scale = 2.0f;
    CHECK(sfl_model_check(&m) == SFL_ERR_BAD_PARAM);
    m = conv.model;
    m.layers[2].norm = {1.0f, 1e-6f};
    CHECK(sfl_model_check(&m) == SFL_ERR_BAD_PARAM);
    m.layers[2].kind = SFL_MODEL_L2NORM; // ... which is an l2norm's record
    CHECK(sfl_model_check(&m) == SFL_OK);

    // The largest sample the layer call takes (m = SFL_NN_MAX_DIM), and one float more.
    sfl_model big = l2norm_model({1, 1, 128, SFL_NN_MAX_DIM / 128}, sfl_l2norm_params SFL_L2NORM_PARAMS_INIT);
    CHECK(sfl_model_check(&big) == SFL_OK);
    big.in = big.out = {1, 1, 129, SFL_NN_MAX_DIM / 128};
    big.layers[0].in = big.layers[0].out = big.in;
    CHECK(sfl_model_check(&big) == SFL_ERR_BAD_DIMS);
    big.in = big.out = {1, 1, 1, SFL_NN_MAX_DIM + 1};
    big.layers[0].in = big.layers[0].out = big.in;
    CHECK(sfl_model_check(&big) == SFL_ERR_BAD_DIMS);
}

TEST_CASE("sfl_model_write / sfl_model_load: round trip without plans") {
    ConvNet conv;
    size_t bytes = 0;
    REQUIRE(sfl_model_blob_size(&conv.model, 0, &bytes) == SFL_OK);
    CHECK(bytes % SFL_WORKSPACE_ALIGN == 0);
    // header + 4 records + W1 (144 B -> 192), b1 (16 -> 64), W4 (1280), b4 (20)
    CHECK(bytes == 64 + 4 * 128 + 192 + 64 + 1280 + 64);
    Bytes blob(bytes, 0xEE);
    size_t written = 0;
    REQUIRE(sfl_model_write(&conv.model, 0, blob.data(), blob.size(), &written) == SFL_OK);
    CHECK(written == bytes);
    sfl_model got = sentinel_model();
    REQUIRE(load(blob, blob.size(), &got) == SFL_OK);
    expect_same_model(conv.model, got, blob, false);
    CHECK(sfl_model_check(&got) == SFL_OK);

    // The framing as docs/model-format.md states it.
    const unsigned char *p = blob.data();
    CHECK(std::memcmp(p, "SFLM", 4) == 0);
    CHECK((p[4] == 0x04 && p[5] == 0x03 && p[6] == 0x02 && p[7] == 0x01));
    CHECK(get_le(p + fmt::kMajor, 2) == SFL_MODEL_FORMAT_MAJOR);
    CHECK(get_le(p + fmt::kMinor, 2) == SFL_MODEL_FORMAT_MINOR);
    CHECK(get_le(p + fmt::kHeaderBytes, 4) == 64);
    CHECK(get_le(p + fmt::kTotal, 8) == bytes);
    CHECK(get_le(p + fmt::kLayers, 4) == 4);
    CHECK(get_le(p + fmt::kFlags, 4) == 0);
    CHECK(get_le(p + fmt::kPayloadCrc, 4) == crc32_bitwise(p + 64, bytes - 64));
    CHECK(get_le(p + fmt::kIn + 4, 4) == 8);
    CHECK(get_le(p + fmt::kOut + 8, 4) == 5);
    const unsigned char *r0 = p + fmt::kRecords;
    CHECK(get_le(r0 + fmt::kKind, 4) == SFL_MODEL_CONV2D);
    CHECK(get_le(r0 + fmt::kPadding, 4) == 1);
    CHECK(get_le(r0 + fmt::kWeight, 8) == 64 + 4 * 128);
    CHECK(get_le(r0 + fmt::kWeight + 8, 8) == 144);
    CHECK(get_le(r0 + fmt::kBias, 8) == 64 + 4 * 128 + 192);
    CHECK(get_le(r0 + fmt::kPlan + 8, 8) == 0);
    // Padding after W1 (144 .. 192) is zero, not the 0xEE the buffer held.
    for (size_t i = 64 + 4 * 128 + 144; i < 64 + 4 * 128 + 192; ++i) CHECK(p[i] == 0);

    // Deterministic: the same bytes again, into any buffer, at any alignment.
    Bytes again(bytes + 3, 0x11);
    REQUIRE(sfl_model_write(&got, 0, again.data() + 3, bytes, nullptr) == SFL_OK);
    CHECK(std::memcmp(again.data() + 3, blob.data(), bytes) == 0);
    // Bytes after the stated size are ignored.
    Bytes longer(bytes + 100, 0x5A);
    std::memcpy(longer.data(), blob.data(), bytes);
    CHECK(load(longer, longer.size(), &got) == SFL_OK);

    // No bias.
    conv.model.layers[0].bias = nullptr;
    Bytes nobias = blob_of(conv.model, false);
    REQUIRE(nobias.size() == bytes - 64);
    REQUIRE(load(nobias, nobias.size(), &got) == SFL_OK);
    CHECK(got.layers[0].bias == nullptr);
    expect_same_model(conv.model, got, nobias, false);
}

TEST_CASE("sfl_model_write / sfl_model_load: round trip with plans") {
    FactorNet fac;
    size_t bytes = 0;
    CHECK(sfl_model_blob_size(&fac.model, 1, &bytes) == SFL_ERR_NULL_ARG); // plans not built yet
    Bytes noplans = blob_of(fac.model, false);
    REQUIRE(noplans.size() > 0);
    sfl_model got = sentinel_model();
    REQUIRE(load(noplans, noplans.size(), &got) == SFL_OK);
    expect_same_model(fac.model, got, noplans, false);

    REQUIRE(fac.build_plans() == SFL_OK);
    REQUIRE(sfl_model_blob_size(&fac.model, 1, &bytes) == SFL_OK);
    CHECK(bytes == noplans.size() + SFL_ENET_PLAN_BYTES(6) + SFL_ENET_PLAN_BYTES(10));
    Bytes blob = blob_of(fac.model, true);
    REQUIRE(blob.size() == bytes);
    CHECK(get_le(blob.data() + fmt::kFlags, 4) == 1);
    got = sentinel_model();
    REQUIRE(load(blob, blob.size(), &got) == SFL_OK);
    expect_same_model(fac.model, got, blob, true);
    // Without plans from a model that has them: the same blob as before.
    CHECK(blob_of(fac.model, false) == noplans);
    // Written again from the loaded model (plans read through its views): identical.
    CHECK(blob_of(got, true) == blob);
    // The stored plan is the canonical image: fields, G at 256, zeros elsewhere.
    const unsigned char *pl = blob.data() + get_le(record(blob, 0) + fmt::kPlan, 8);
    CHECK(get_le(pl + fmt::kPlanMagic, 4) == 0x53464C50u);
    CHECK(get_le(pl + fmt::kPlanM, 4) == 9);
    CHECK(get_le(pl + fmt::kPlanK, 4) == 6);
    CHECK(get_le(pl + fmt::kPlanG, 8) == 256);
    CHECK(get_le(pl + fmt::kPlanInv, 8) == 256 + SFL_ALIGN_UP(4 * 36));
    for (size_t i = 32; i < 256; ++i) CHECK(pl[i] == 0);
}

TEST_CASE("sfl_model_write: bad input leaves the buffer untouched") {
    FactorNet fac;
    REQUIRE(fac.build_plans() == SFL_OK);
    size_t bytes = 0;
    REQUIRE(sfl_model_blob_size(&fac.model, 1, &bytes) == SFL_OK);
    Bytes buf(bytes, 0xC3);
    const Bytes clean = buf;
    size_t written = 777;
    CHECK(sfl_model_write(nullptr, 1, buf.data(), bytes, &written) == SFL_ERR_NULL_ARG);
    CHECK(sfl_model_write(&fac.model, 1, nullptr, bytes, &written) == SFL_ERR_NULL_ARG);
    CHECK(sfl_model_write(&fac.model, 1, buf.data(), bytes - 1, &written) == SFL_ERR_WORKSPACE_TOO_SMALL);
    CHECK(sfl_model_blob_size(&fac.model, 1, nullptr) == SFL_ERR_NULL_ARG);
    fac.P3[7] = kNaN;
    CHECK(sfl_model_write(&fac.model, 0, buf.data(), bytes, &written) == SFL_ERR_NOT_FINITE);
    fac.P3[7] = 0.0f;
    fac.b4[2] = std::numeric_limits<float>::infinity();
    CHECK(sfl_model_write(&fac.model, 0, buf.data(), bytes, &written) == SFL_ERR_NOT_FINITE);
    fac.b4[2] = 0.0f;
    // A plan value (G of layer 0, through the plan's own memory).
    float *G = const_cast<float *>(sfl_enet_plan_gram(fac.model.layers[0].plan));
    const float g1 = G[1];
    G[1] = kNaN;
    CHECK(sfl_model_write(&fac.model, 1, buf.data(), bytes, &written) == SFL_ERR_NOT_FINITE);
    G[1] = g1;
    sfl_model bad = fac.model;
    bad.layers[2].plan = nullptr;
    CHECK(sfl_model_write(&bad, 1, buf.data(), bytes, &written) == SFL_ERR_NULL_ARG);
    bad.layers[2].kind = 9;
    CHECK(sfl_model_write(&bad, 0, buf.data(), bytes, &written) == SFL_ERR_BAD_PARAM);
    CHECK(buf == clean);
    CHECK(written == 777);
}

TEST_CASE("sfl_model_write / sfl_model_load: positive on csf and sf round trips at byte 120 (format minor 2)") {
    REQUIRE(SFL_MODEL_FORMAT_MINOR == 2);
    FactorNet fac, signed_fac;
    fac.model.layers[0].enet.positive = 1; // csf
    fac.model.layers[2].enet.positive = 1; // sf
    REQUIRE(fac.build_plans() == SFL_OK);
    REQUIRE(signed_fac.build_plans() == SFL_OK);
    for (bool plans : {false, true}) {
        CAPTURE(plans);
        Bytes blob = blob_of(fac.model, plans);
        Bytes signed_blob = blob_of(signed_fac.model, plans);
        REQUIRE(blob.size() == signed_blob.size());
        for (int i : {0, 2}) {
            const unsigned char *r = record(blob, i);
            CHECK(get_le(r + fmt::kPositive, 4) == 1);
            for (size_t k = fmt::kPositive + 4; k < fmt::kRecord; ++k) CHECK(r[k] == 0);
            // The signed model keeps the 1.1 bytes: zero there.
            for (size_t k = fmt::kPositive; k < fmt::kRecord; ++k) CHECK(record(signed_blob, i)[k] == 0);
        }
        sfl_model got = sentinel_model();
        REQUIRE(load(blob, blob.size(), &got) == SFL_OK);
        expect_same_model(fac.model, got, blob, plans);
        CHECK(got.layers[0].enet.positive == 1);
        CHECK(got.layers[2].enet.positive == 1);
        CHECK(got.layers[1].enet.positive == 0);
        CHECK(blob_of(got, plans) == blob);
        // Forged: positive 2, or a non-zero byte after it, or positive on a plain layer.
        for (const auto &forge : std::vector<std::pair<int, size_t>>{{0, fmt::kPositive}, {2, fmt::kPositive + 4},
                                                                      {2, fmt::kRecord - 1}, {3, fmt::kPositive}}) {
            CAPTURE(forge.first);
            CAPTURE(forge.second);
            Bytes b = blob;
            record(b, forge.first)[forge.second] = forge.second == fmt::kPositive && forge.first == 0 ? 2 : 1;
            reseal(b);
            sfl_model bad = sentinel_model();
            CHECK(load(b, b.size(), &bad) == SFL_ERR_MODEL_INVALID);
        }
    }
}

TEST_CASE("sfl_model_write / sfl_model_load: an l2norm layer round trips bit for bit (format minor 1)") {
    REQUIRE(SFL_MODEL_FORMAT_MINOR >= 1);
    NormNet net;
    FactorNet fac; // the same tensors without the l2norm record
    REQUIRE(net.build_plans() == SFL_OK);
    REQUIRE(fac.build_plans() == SFL_OK);
    for (bool plans : {false, true}) {
        CAPTURE(plans);
        const Bytes blob = blob_of(net.model, plans);
        REQUIRE(blob.size() > 0);
        CHECK(blob.size() == blob_of(fac.model, plans).size() + 128); // one record, no tensor
        const unsigned char *p = blob.data();
        CHECK(get_le(p + fmt::kMajor, 2) == SFL_MODEL_FORMAT_MAJOR);
        CHECK(get_le(p + fmt::kMinor, 2) == SFL_MODEL_FORMAT_MINOR);
        CHECK(get_le(p + fmt::kLayers, 4) == 5);
        // The l2norm record: kind 7, in = out, scale and eps at 120 and 124, nothing else.
        Bytes b = blob;
        const unsigned char *r = record(b, NormNet::kNorm);
        CHECK(get_le(r + fmt::kKind, 4) == 7);
        CHECK(get_le(r + fmt::kRecIn, 4) == 3);
        CHECK(get_le(r + fmt::kRecIn + 8, 4) == 6);
        CHECK(std::memcmp(r + fmt::kRecIn, r + fmt::kRecOut, 12) == 0);
        uint32_t scale_bits, eps_bits;
        std::memcpy(&scale_bits, &NormNet::kScale, 4);
        std::memcpy(&eps_bits, &NormNet::kEps, 4);
        CHECK(get_le(r + fmt::kNormScale, 4) == scale_bits);
        CHECK(get_le(r + fmt::kNormEps, 4) == eps_bits);
        for (size_t i = fmt::kKernel; i < fmt::kNormScale; ++i) CHECK(r[i] == 0); // geom, enet, regions
        // The other records keep bytes 120..127 zero (a 1.0 reader reads them).
        for (int i : {0, 1, 3, 4})
            for (size_t k = fmt::kNormScale; k < fmt::kRecord; ++k) CHECK(record(b, i)[k] == 0);

        sfl_model got = sentinel_model();
        REQUIRE(load(blob, blob.size(), &got) == SFL_OK);
        expect_same_model(net.model, got, blob, plans);
        const sfl_model_layer &l = got.layers[NormNet::kNorm];
        CHECK(l.kind == SFL_MODEL_L2NORM);
        CHECK((l.weight == nullptr && l.bias == nullptr && l.plan == nullptr));
        CHECK(std::memcmp(&l.norm, &net.model.layers[NormNet::kNorm].norm, sizeof l.norm) == 0);
        for (int i : {0, 1, 3, 4}) CHECK((got.layers[i].norm.scale == 0.0f && got.layers[i].norm.eps == 0.0f));
        CHECK(sfl_model_check(&got) == SFL_OK);
        // Written again from the loaded model: the same bytes.
        CHECK(blob_of(got, plans) == blob);
    }

    // Scale and eps at the ends of the float range: stored and read bit for bit.
    const float kMax = std::numeric_limits<float>::max(), kTiny = std::numeric_limits<float>::denorm_min();
    const sfl_l2norm_params extremes[] = {{kMax, kTiny}, {kTiny, kMax}, {std::numeric_limits<float>::min(), 1.0f},
                                          {15.0f, 1e-6f}, {0x1.fffffep-1f, 0x1.000002p-20f}};
    for (const sfl_l2norm_params &e : extremes) {
        CAPTURE(e.scale);
        CAPTURE(e.eps);
        NormNet x(2, e.scale, e.eps);
        const Bytes blob = blob_of(x.model, false);
        REQUIRE(blob.size() > 0);
        sfl_model got = sentinel_model();
        REQUIRE(load(blob, blob.size(), &got) == SFL_OK);
        CHECK(std::memcmp(&got.layers[NormNet::kNorm].norm, &e, sizeof e) == 0);
    }

    // The writer stores zero bytes on the other kinds whatever zero they hold: -0 is zero
    // to sfl_model_check (as in the enet fields), and the blob stays readable by a 1.0 reader.
    ConvNet conv;
    conv.model.layers[1].norm = {-0.0f, -0.0f};
    conv.model.layers[2].norm.eps = -0.0f;
    REQUIRE(sfl_model_check(&conv.model) == SFL_OK);
    Bytes cb = blob_of(conv.model, false);
    REQUIRE(cb.size() > 0);
    for (int i = 0; i < 4; ++i)
        for (size_t k = fmt::kNormScale; k < fmt::kRecord; ++k) CHECK(record(cb, i)[k] == 0);
    sfl_model got = sentinel_model();
    CHECK(load(cb, cb.size(), &got) == SFL_OK);
    ConvNet clean;
    CHECK(blob_of(clean.model, false) == cb);

    // A model with an l2norm but no csf/sf layer: no plans to build or store.
    const sfl_model one = l2norm_model({1, 2, 3, 4}, {3.25f, 1e-5f});
    size_t bytes = 0;
    REQUIRE(sfl_model_plans_size(&one, &bytes) == SFL_OK);
    CHECK(bytes == 0);
    const Bytes ob = blob_of(one, true); // with_plans: nothing to store
    CHECK(ob.size() == 64 + 128);
    got = sentinel_model();
    REQUIRE(load(ob, ob.size(), &got) == SFL_OK);
    expect_same_model(one, got, ob, false);
}

TEST_CASE("sfl_model_write: an l2norm layer with a bad scale leaves the buffer untouched") {
    NormNet net;
    REQUIRE(net.build_plans() == SFL_OK);
    size_t bytes = 0;
    REQUIRE(sfl_model_blob_size(&net.model, 1, &bytes) == SFL_OK);
    Bytes buf(bytes, 0xC3);
    const Bytes clean = buf;
    size_t written = 777;
    for (float bad : {0.0f, -2.0f, kNaN, std::numeric_limits<float>::infinity()}) {
        CAPTURE(bad);
        sfl_model m = net.model;
        m.layers[NormNet::kNorm].norm.scale = bad;
        CHECK(sfl_model_write(&m, 1, buf.data(), bytes, &written) == SFL_ERR_BAD_PARAM);
        m = net.model;
        m.layers[NormNet::kNorm].norm.eps = bad;
        CHECK(sfl_model_write(&m, 1, buf.data(), bytes, &written) == SFL_ERR_BAD_PARAM);
        m = net.model;
        m.layers[1].norm.scale = bad == 0.0f ? 1.0f : bad; // a norm on the maxpool
        CHECK(sfl_model_write(&m, 1, buf.data(), bytes, &written) == SFL_ERR_BAD_PARAM);
    }
    CHECK(buf == clean);
    CHECK(written == 777);
}

TEST_CASE("sfl_model_load: argument errors") {
    ConvNet conv;
    Bytes blob = blob_of(conv.model, false);
    REQUIRE(blob.size() > 0);
    sfl_model got = sentinel_model();
    CHECK(sfl_model_load(nullptr, blob.size(), &got) == SFL_ERR_NULL_ARG);
    CHECK(sfl_model_load(blob.data(), blob.size(), nullptr) == SFL_ERR_NULL_ARG);
    Bytes shifted(blob.size() + 4);
    std::memcpy(shifted.data() + 4, blob.data(), blob.size());
    CHECK(sfl_model_load(shifted.data() + 4, blob.size(), &got) == SFL_ERR_MISALIGNED);
    CHECK(is_sentinel(got));
}

// Statuses of every single-byte flip (XOR 0x01 and 0xFF), grouped by field, for one blob.
void flip_every_byte(const Bytes &blob) {
    std::map<int, int> by_status;
    Bytes b = blob;
    for (size_t i = 0; i < blob.size(); ++i) {
        for (unsigned char x : {0x01, 0xFF}) {
            b[i] = static_cast<unsigned char>(blob.data()[i] ^ x);
            sfl_model got = sentinel_model();
            const sfl_status st = load(b, b.size(), &got);
            CAPTURE(i);
            CAPTURE(int(x));
            CHECK(st < 0);
            CHECK(is_sentinel(got));
            if (i < 4) CHECK(st == SFL_ERR_MODEL_MAGIC);
            else if (i < 8) CHECK(st == SFL_ERR_MODEL_ENDIAN);
            else if (i < 10) CHECK(st == SFL_ERR_MODEL_VERSION);
            else if (i >= 16 && i < 24) CHECK((st == SFL_ERR_MODEL_TRUNCATED || st == SFL_ERR_MODEL_CRC));
            else CHECK(st == SFL_ERR_MODEL_CRC);
            ++by_status[st];
            b[i] = blob.data()[i];
        }
    }
    for (const auto &kv : by_status)
        MESSAGE("flips giving " << std::string(sfl_status_string(sfl_status(kv.first))) << ": " << kv.second);
}

TEST_CASE("sfl_model_load: every single-byte flip is an error, the model untouched") {
    ConvNet conv;
    flip_every_byte(blob_of(conv.model, false));
    FactorNet fac;
    REQUIRE(fac.build_plans() == SFL_OK);
    flip_every_byte(blob_of(fac.model, true));
    NormNet norm;
    REQUIRE(norm.build_plans() == SFL_OK);
    flip_every_byte(blob_of(norm.model, true));
}

TEST_CASE("sfl_model_load: every truncation is SFL_ERR_MODEL_TRUNCATED") {
    FactorNet fac;
    REQUIRE(fac.build_plans() == SFL_OK);
    const Bytes blob = blob_of(fac.model, true);
    REQUIRE(blob.size() > 0);
    for (size_t n = 0; n < blob.size(); ++n) {
        Bytes cut(n); // its own allocation: ASan sees any read past n
        std::memcpy(cut.data(), blob.data(), n);
        sfl_model got = sentinel_model();
        CAPTURE(n);
        CHECK(load(cut, n, &got) == SFL_ERR_MODEL_TRUNCATED);
        CHECK(is_sentinel(got));
    }
}

TEST_CASE("sfl_model_load: magic, endianness, version each give their code") {
    ConvNet conv;
    const Bytes blob = blob_of(conv.model, false);
    sfl_model got = sentinel_model();
    Bytes b = blob;
    std::memcpy(b.data(), "SFLN", 4);
    reseal(b);
    CHECK(load(b, b.size(), &got) == SFL_ERR_MODEL_MAGIC);
    b = blob; // the mark as a big-endian writer would store it
    put_le(b.data() + fmt::kEndian, 0x04030201u, 4);
    reseal(b);
    CHECK(load(b, b.size(), &got) == SFL_ERR_MODEL_ENDIAN);
    b = blob;
    put_le(b.data() + fmt::kMajor, SFL_MODEL_FORMAT_MAJOR + 1, 2);
    reseal(b);
    CHECK(load(b, b.size(), &got) == SFL_ERR_MODEL_VERSION);
    b = blob;
    put_le(b.data() + fmt::kMajor, 0, 2);
    reseal(b);
    CHECK(load(b, b.size(), &got) == SFL_ERR_MODEL_VERSION);
    CHECK(is_sentinel(got));
    // Another minor version of the same major is read, once its CRC matches.
    b = blob;
    put_le(b.data() + fmt::kMinor, SFL_MODEL_FORMAT_MINOR + 3, 2);
    CHECK(load(b, b.size(), &got) == SFL_ERR_MODEL_CRC);
    CHECK(is_sentinel(got));
    reseal(b);
    CHECK(load(b, b.size(), &got) == SFL_OK);
    expect_same_model(conv.model, got, b, false);
    // A stated size larger than the buffer, CRC recomputed: truncated.
    b = blob;
    put_le(b.data() + fmt::kTotal, blob.size() + 64, 8);
    CHECK(load(b, b.size(), &got) == SFL_ERR_MODEL_TRUNCATED);
}

TEST_CASE("sfl_model_load: content forged behind valid CRCs is SFL_ERR_MODEL_INVALID") {
    FactorNet fac;
    REQUIRE(fac.build_plans() == SFL_OK);
    const Bytes blob = blob_of(fac.model, true);
    REQUIRE(blob.size() > 0);
    const uint64_t total = blob.size();
    auto u64 = [](Bytes &b, int rec, size_t field) { return get_le(record(b, rec) + field, 8); };

    const std::vector<Forgery> rows = {
        {"header bytes 128", [](Bytes &b) { put_le(b.data() + fmt::kHeaderBytes, 128, 4); }},
        {"unknown flag", [](Bytes &b) { put_le(b.data() + fmt::kFlags, 3, 4); }},
        {"plans flag cleared", [](Bytes &b) { put_le(b.data() + fmt::kFlags, 0, 4); }},
        {"layer count 0", [](Bytes &b) { put_le(b.data() + fmt::kLayers, 0, 4); }},
        {"layer count 5", [](Bytes &b) { put_le(b.data() + fmt::kLayers, 5, 4); }},
        {"layer count 17", [](Bytes &b) { put_le(b.data() + fmt::kLayers, 17, 4); }},
        {"layer count 2^32-1", [](Bytes &b) { put_le(b.data() + fmt::kLayers, 0xFFFFFFFFu, 4); }},
        {"total below the header", [](Bytes &b) { put_le(b.data() + fmt::kTotal, 32, 8); }},
        {"total not a multiple of 64", [=](Bytes &b) { put_le(b.data() + fmt::kTotal, total - 4, 8); }},
        {"total inside the records", [](Bytes &b) { put_le(b.data() + fmt::kTotal, 128, 8); }},
        {"model in", [](Bytes &b) { put_le(b.data() + fmt::kIn, 9, 4); }},
        {"model out", [](Bytes &b) { put_le(b.data() + fmt::kOut + 8, 4, 4); }},
        {"kind 0", [](Bytes &b) { put_le(record(b, 1) + fmt::kKind, 0, 4); }},
        {"kind 8 (first unknown)", [](Bytes &b) { put_le(record(b, 1) + fmt::kKind, 8, 4); }},
        {"maxpool as l2norm", [](Bytes &b) { put_le(record(b, 1) + fmt::kKind, SFL_MODEL_L2NORM, 4); }},
        {"kind relu for maxpool", [](Bytes &b) { put_le(record(b, 1) + fmt::kKind, SFL_MODEL_RELU, 4); }},
        {"chain: layer 2 in.c", [](Bytes &b) { put_le(record(b, 2) + fmt::kRecIn + 8, 5, 4); }},
        {"csf out extent", [](Bytes &b) { put_le(record(b, 0) + fmt::kRecOut, 5, 4); }},
        {"csf kernel 0", [](Bytes &b) { put_le(record(b, 0) + fmt::kKernel, 0, 4); }},
        {"csf stride -1", [](Bytes &b) { put_le(record(b, 0) + fmt::kStride, 0xFFFFFFFFu, 4); }},
        {"csf l1 NaN", [](Bytes &b) { put_le(record(b, 0) + fmt::kL1, 0x7FC00000u, 4); }},
        {"csf l2 changed (plan l2 differs)", [](Bytes &b) { put_le(record(b, 0) + fmt::kL2, 0x3F000000u, 4); }},
        {"sf tol 2", [](Bytes &b) { put_le(record(b, 2) + fmt::kTol, 0x40000000u, 4); }},
        {"sf max_iter -1", [](Bytes &b) { put_le(record(b, 2) + fmt::kMaxIter, 0xFFFFFFFFu, 4); }},
        {"solver 2", [](Bytes &b) { put_le(record(b, 0) + fmt::kSolver, 2, 4); }},
        {"maxpool enet l1", [](Bytes &b) { put_le(record(b, 1) + fmt::kL1, 0x3F800000u, 4); }},
        {"linear: an eps byte", [](Bytes &b) { record(b, 3)[fmt::kNormEps + 1] = 1; }},
        {"linear: scale 1.0", [](Bytes &b) { put_le(record(b, 3) + fmt::kNormScale, 0x3F800000u, 4); }},
        {"weight offset past the end", [=](Bytes &b) { put_le(record(b, 3) + fmt::kWeight, total, 8); }},
        {"weight offset near 2^64", [](Bytes &b) { put_le(record(b, 3) + fmt::kWeight, ~uint64_t(63), 8); }},
        {"weight bytes near 2^64", [](Bytes &b) { put_le(record(b, 3) + fmt::kWeight + 8, ~uint64_t(0) - 8, 8); }},
        {"weight offset misaligned", [&](Bytes &b) { put_le(record(b, 3) + fmt::kWeight, u64(b, 3, fmt::kWeight) + 4, 8); }},
        {"weight offset in the records", [](Bytes &b) { put_le(record(b, 3) + fmt::kWeight, 128, 8); }},
        {"weight offset 0", [](Bytes &b) { put_le(record(b, 3) + fmt::kWeight, 0, 8); }},
        {"weight length - 4", [&](Bytes &b) { put_le(record(b, 3) + fmt::kWeight + 8, u64(b, 3, fmt::kWeight + 8) - 4, 8); }},
        {"weight length + 4", [&](Bytes &b) { put_le(record(b, 3) + fmt::kWeight + 8, u64(b, 3, fmt::kWeight + 8) + 4, 8); }},
        {"weight absent", [](Bytes &b) { std::memset(record(b, 3) + fmt::kWeight, 0, 16); }},
        {"absent region with an offset", [&](Bytes &b) { put_le(record(b, 1) + fmt::kWeight, u64(b, 3, fmt::kWeight), 8); }},
        {"bias length wrong", [&](Bytes &b) { put_le(record(b, 3) + fmt::kBias + 8, 4, 8); }},
        {"bias on the csf", [&](Bytes &b) { put_le(record(b, 0) + fmt::kBias, u64(b, 3, fmt::kBias), 8); put_le(record(b, 0) + fmt::kBias + 8, 12, 8); }},
        {"weights overlap", [&](Bytes &b) { put_le(record(b, 3) + fmt::kBias, u64(b, 3, fmt::kWeight), 8); }},
        {"plan overlaps a weight", [&](Bytes &b) { put_le(record(b, 2) + fmt::kPlan, u64(b, 2, fmt::kWeight), 8); }},
        {"plan on the maxpool", [&](Bytes &b) { std::memcpy(record(b, 1) + fmt::kPlan, record(b, 0) + fmt::kPlan, 16); std::memset(record(b, 0) + fmt::kPlan, 0, 16); }},
        {"plan removed", [](Bytes &b) { std::memset(record(b, 2) + fmt::kPlan, 0, 16); }},
        {"plan length - 64", [&](Bytes &b) { put_le(record(b, 2) + fmt::kPlan + 8, u64(b, 2, fmt::kPlan + 8) - 64, 8); }},
        {"plans swapped", [&](Bytes &b) {
             unsigned char t[16];
             std::memcpy(t, record(b, 0) + fmt::kPlan, 16);
             std::memcpy(record(b, 0) + fmt::kPlan, record(b, 2) + fmt::kPlan, 16);
             std::memcpy(record(b, 2) + fmt::kPlan, t, 16);
         }},
        {"NaN weight", [&](Bytes &b) { put_le(b.data() + u64(b, 3, fmt::kWeight) + 8, 0x7FC00000u, 4); }},
        {"Inf dictionary entry", [&](Bytes &b) { put_le(b.data() + u64(b, 0, fmt::kWeight), 0x7F800000u, 4); }},
        {"NaN bias", [&](Bytes &b) { put_le(b.data() + u64(b, 3, fmt::kBias), 0xFFC00000u, 4); }},
        {"plan magic", [&](Bytes &b) { b.data()[u64(b, 0, fmt::kPlan) + fmt::kPlanMagic] ^= 1; }},
        {"plan m", [&](Bytes &b) { put_le(b.data() + u64(b, 0, fmt::kPlan) + fmt::kPlanM, 8, 4); }},
        {"plan K", [&](Bytes &b) { put_le(b.data() + u64(b, 2, fmt::kPlan) + fmt::kPlanK, 9, 4); }},
        {"plan l2", [&](Bytes &b) { put_le(b.data() + u64(b, 2, fmt::kPlan) + fmt::kPlanL2, 0, 4); }},
        {"plan g_off past the region", [&](Bytes &b) { put_le(b.data() + u64(b, 0, fmt::kPlan) + fmt::kPlanG, 1u << 20, 8); }},
        {"plan g_off huge", [&](Bytes &b) { put_le(b.data() + u64(b, 0, fmt::kPlan) + fmt::kPlanG, ~uint64_t(0) - 255, 8); }},
        {"plan g_off into the header", [&](Bytes &b) { put_le(b.data() + u64(b, 0, fmt::kPlan) + fmt::kPlanG, 0, 8); }},
        {"plan inv_off past the region", [&](Bytes &b) { put_le(b.data() + u64(b, 2, fmt::kPlan) + fmt::kPlanInv, 4096, 8); }},
        {"plan inv_off = g_off", [&](Bytes &b) { put_le(b.data() + u64(b, 2, fmt::kPlan) + fmt::kPlanInv, 256, 8); }},
        {"plan header byte", [&](Bytes &b) { b.data()[u64(b, 0, fmt::kPlan) + 100] = 7; }},
        {"plan NaN in G", [&](Bytes &b) { put_le(b.data() + u64(b, 0, fmt::kPlan) + 256 + 8, 0x7FC00000u, 4); }},
        {"plan Inf in 1/G_jj", [&](Bytes &b) { put_le(b.data() + u64(b, 2, fmt::kPlan) + 256 + SFL_ALIGN_UP(400), 0x7F800000u, 4); }},
    };
    for (const Forgery &r : rows) {
        const std::string what = r.what;
        CAPTURE(what);
        expect_invalid_resealed(blob, r.edit);
    }
    // The same edits without resealing are caught by the CRCs (or earlier).
    for (const Forgery &r : rows) {
        const std::string what = r.what;
        CAPTURE(what);
        const sfl_status st = load_unsealed(blob, r.edit);
        CHECK((st == SFL_ERR_MODEL_CRC || st == SFL_ERR_MODEL_TRUNCATED));
    }
    // And the unedited blob loads.
    sfl_model got;
    CHECK(load(blob, blob.size(), &got) == SFL_OK);
}

TEST_CASE("sfl_model_load: forged l2norm fields behind valid CRCs are SFL_ERR_MODEL_INVALID") {
    NormNet net;
    REQUIRE(net.build_plans() == SFL_OK);
    const Bytes blob = blob_of(net.model, true);
    REQUIRE(blob.size() > 0);
    const int L = NormNet::kNorm;
    auto f32 = [](Bytes &b, int rec, size_t field, uint32_t bits) { put_le(record(b, rec) + field, bits, 4); };
    auto move_region = [](Bytes &b, int from, size_t from_field, int to, size_t to_field) {
        std::memcpy(record(b, to) + to_field, record(b, from) + from_field, 16);
        std::memset(record(b, from) + from_field, 0, 16);
    };

    const std::vector<Forgery> rows = {
        {"scale 0", [=](Bytes &b) { f32(b, L, fmt::kNormScale, 0u); }},
        {"scale -0", [=](Bytes &b) { f32(b, L, fmt::kNormScale, 0x80000000u); }},
        {"scale -1", [=](Bytes &b) { f32(b, L, fmt::kNormScale, 0xBF800000u); }},
        {"scale NaN", [=](Bytes &b) { f32(b, L, fmt::kNormScale, 0x7FC00000u); }},
        {"scale signalling NaN", [=](Bytes &b) { f32(b, L, fmt::kNormScale, 0x7F800001u); }},
        {"scale Inf", [=](Bytes &b) { f32(b, L, fmt::kNormScale, 0x7F800000u); }},
        {"eps 0", [=](Bytes &b) { f32(b, L, fmt::kNormEps, 0u); }},
        {"eps -1e-3", [=](Bytes &b) { f32(b, L, fmt::kNormEps, 0xBA83126Fu); }},
        {"eps NaN", [=](Bytes &b) { f32(b, L, fmt::kNormEps, 0xFFC00000u); }},
        {"eps -Inf", [=](Bytes &b) { f32(b, L, fmt::kNormEps, 0xFF800000u); }},
        {"scale and eps 0", [=](Bytes &b) { std::memset(record(b, L) + fmt::kNormScale, 0, 8); }},
        {"out 1x1x54 (sf in too)", [=](Bytes &b) {
             for (int rec : {L, L + 1}) {
                 const size_t at = rec == L ? fmt::kRecOut : fmt::kRecIn;
                 put_le(record(b, rec) + at, 1, 4);
                 put_le(record(b, rec) + at + 4, 1, 4);
                 put_le(record(b, rec) + at + 8, 54, 4);
             }
         }},
        {"out.c 5", [=](Bytes &b) { put_le(record(b, L) + fmt::kRecOut + 8, 5, 4); }},
        {"in.h 2", [=](Bytes &b) { put_le(record(b, L) + fmt::kRecIn, 2, 4); }},
        {"kernel set", [=](Bytes &b) { put_le(record(b, L) + fmt::kKernel, 1, 4); }},
        {"enet l1 set", [=](Bytes &b) { f32(b, L, fmt::kL1, 0x3DCCCCCDu); }},
        {"solver set", [=](Bytes &b) { put_le(record(b, L) + fmt::kSolver, 1, 4); }},
        // tensors it has none of (taken from the linear's optional bias, or the sf's plan)
        {"a weight", [=](Bytes &b) { move_region(b, 4, fmt::kBias, L, fmt::kWeight); }},
        {"a bias", [=](Bytes &b) { move_region(b, 4, fmt::kBias, L, fmt::kBias); }},
        {"a plan", [=](Bytes &b) { move_region(b, L + 1, fmt::kPlan, L, fmt::kPlan); }},
        // the kind changed under the fields
        {"l2norm as relu (norm left)", [=](Bytes &b) { put_le(record(b, L) + fmt::kKind, SFL_MODEL_RELU, 4); }},
        {"l2norm as kind 8", [=](Bytes &b) { put_le(record(b, L) + fmt::kKind, 8, 4); }},
        {"sf as l2norm", [=](Bytes &b) { put_le(record(b, L + 1) + fmt::kKind, SFL_MODEL_L2NORM, 4); }},
    };
    for (const Forgery &r : rows) {
        const std::string what = r.what;
        CAPTURE(what);
        expect_invalid_resealed(blob, r.edit);
        CHECK(load_unsealed(blob, r.edit) == SFL_ERR_MODEL_CRC); // not resealed: the CRC
    }
    // Edits that keep the blob valid, resealed: they load, with the new values.
    {
        Bytes b = blob;
        f32(b, L, fmt::kNormScale, 0x41700000u); // 15
        f32(b, L, fmt::kNormEps, 0x00000001u);   // the smallest subnormal: finite, > 0
        reseal(b);
        sfl_model got = sentinel_model();
        REQUIRE(load(b, b.size(), &got) == SFL_OK);
        CHECK(got.layers[L].norm.scale == 15.0f);
        CHECK(got.layers[L].norm.eps == std::numeric_limits<float>::denorm_min());
        // The linear's bias dropped (optional): still valid, the l2norm untouched.
        b = blob;
        std::memset(record(b, 4) + fmt::kBias, 0, 16);
        reseal(b);
        REQUIRE(load(b, b.size(), &got) == SFL_OK);
        CHECK(got.layers[4].bias == nullptr);
    }

    // Every nonzero byte 120..127 of every other record, in this blob and in a blob of
    // kinds 1..6 (bit patterns of -0, subnormals, NaN ... none reads as the zero it must be).
    ConvNet conv;
    FactorNet fac;
    REQUIRE(fac.build_plans() == SFL_OK);
    const Bytes others[] = {blob, blob_of(conv.model, false), blob_of(fac.model, true)};
    for (const Bytes &src : others) {
        REQUIRE(src.size() > 0);
        const int n = int(get_le(src.data() + fmt::kLayers, 4));
        for (int i = 0; i < n; ++i) {
            Bytes b = src;
            const uint64_t kind = get_le(record(b, i) + fmt::kKind, 4);
            if (kind == SFL_MODEL_L2NORM) continue;
            const bool factor = kind == SFL_MODEL_CSF || kind == SFL_MODEL_SF;
            for (size_t k = fmt::kNormScale; k < fmt::kRecord; ++k)
                for (unsigned v : {0x01u, 0x80u, 0xFFu}) {
                    CAPTURE(i);
                    CAPTURE(k);
                    CAPTURE(v);
                    b = src;
                    record(b, i)[k] = static_cast<unsigned char>(v);
                    reseal(b);
                    sfl_model got = sentinel_model();
                    if (factor && k == fmt::kPositive && v == 1) { // format minor 2: positive = 1
                        CHECK(load(b, b.size(), &got) == SFL_OK);
                        CHECK(got.layers[i].enet.positive == 1);
                        continue;
                    }
                    CHECK(load(b, b.size(), &got) == SFL_ERR_MODEL_INVALID);
                    CHECK(is_sentinel(got));
                }
        }
    }
    sfl_model got;
    CHECK(load(blob, blob.size(), &got) == SFL_OK);
}

TEST_CASE("sfl_model_plans_size / sfl_model_build_plans") {
    FactorNet fac;
    size_t bytes = 0;
    REQUIRE(sfl_model_plans_size(&fac.model, &bytes) == SFL_OK);
    CHECK(bytes == SFL_ENET_PLAN_BYTES(6) + SFL_ENET_PLAN_BYTES(10));
    CHECK(sfl_model_plans_size(&fac.model, nullptr) == SFL_ERR_NULL_ARG);
    CHECK(sfl_model_plans_size(nullptr, &bytes) == SFL_ERR_NULL_ARG);

    // Errors leave the model untouched.
    const sfl_model before = fac.model;
    CHECK(sfl_model_build_plans(&fac.model, nullptr, bytes) == SFL_ERR_NULL_ARG);
    CHECK(sfl_model_build_plans(&fac.model, fac.plan_mem.data(), bytes - 1) == SFL_ERR_WORKSPACE_TOO_SMALL);
    Bytes odd(bytes + 4);
    CHECK(sfl_model_build_plans(&fac.model, odd.data() + 4, bytes) == SFL_ERR_MISALIGNED);
    CHECK(sfl_model_build_plans(nullptr, fac.plan_mem.data(), bytes) == SFL_ERR_NULL_ARG);
    for (int32_t i = 0; i < 54; ++i) fac.P3[size_t(i) * 10 + 4] = 0.0f; // a zero atom in the second dictionary
    CHECK(sfl_model_build_plans(&fac.model, fac.plan_mem.data(), bytes) == SFL_ERR_ZERO_ATOM);
    CHECK(std::memcmp(&before, &fac.model, sizeof before) == 0);
    const std::vector<float> P3 = unit_columns(54, 10, 3); // the fixture's dictionary again (seed 2 + 1)
    std::copy(P3.begin(), P3.end(), fac.P3.begin());

    REQUIRE(fac.build_plans() == SFL_OK);
    CHECK(fac.model.layers[0].plan == reinterpret_cast<const sfl_enet_plan *>(fac.plan_mem.data()));
    CHECK(fac.model.layers[2].plan ==
          reinterpret_cast<const sfl_enet_plan *>(fac.plan_mem.data() + SFL_ENET_PLAN_BYTES(6)));
    CHECK(fac.model.layers[1].plan == nullptr);
    CHECK(fac.model.layers[3].plan == nullptr);
    // Each equals the plan sfl_enet_plan_init builds by hand.
    Bytes mine(SFL_ENET_PLAN_BYTES(10));
    const sfl_enet_dims d = {54, 10};
    sfl_enet_plan *p = nullptr;
    REQUIRE(sfl_enet_plan_init(mine.data(), mine.size(), &fac.model.layers[2].enet, &d, fac.P3.data(), &p) == SFL_OK);
    CHECK(std::memcmp(sfl_enet_plan_gram(p), sfl_enet_plan_gram(fac.model.layers[2].plan), 400) == 0);

    // Nothing left to build: size 0, and any memory (even none) does.
    REQUIRE(sfl_model_plans_size(&fac.model, &bytes) == SFL_OK);
    CHECK(bytes == 0);
    const sfl_model built = fac.model;
    CHECK(sfl_model_build_plans(&fac.model, nullptr, 0) == SFL_OK);
    CHECK(std::memcmp(&built, &fac.model, sizeof built) == 0);

    // Only the missing one is built.
    fac.model.layers[0].plan = nullptr;
    REQUIRE(sfl_model_plans_size(&fac.model, &bytes) == SFL_OK);
    CHECK(bytes == SFL_ENET_PLAN_BYTES(6));
    Bytes one(bytes);
    CHECK(sfl_model_build_plans(&fac.model, one.data(), one.size()) == SFL_OK);
    CHECK(fac.model.layers[0].plan == reinterpret_cast<const sfl_enet_plan *>(one.data()));
    CHECK(fac.model.layers[2].plan == built.layers[2].plan);

    // A model with no csf/sf layer needs none.
    ConvNet conv;
    REQUIRE(sfl_model_plans_size(&conv.model, &bytes) == SFL_OK);
    CHECK(bytes == 0);
}
