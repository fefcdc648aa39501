// Bad input to the patch and layer calls: every documented error comes back as
// its status and leaves every output untouched; the size queries equal the
// compile-time macros over a grid; exact sizes work, one byte less or a
// misaligned buffer fails.
#include <doctest/doctest.h>

#include <cstring>
#include <algorithm>
#include <functional>
#include <limits>
#include <vector>

#include "layer_fixture.hpp"

using namespace sfl_test;

namespace {

const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();
constexpr float kSentinel = 4321.0f;

bool untouched(const std::vector<float> &v) {
    for (float x : v)
        if (x != kSentinel) return false;
    return true;
}

// One SF or CSF layer with its plan, buffers sized by the queries, and a
// forward pass already done (for the backward rows of the table).
struct Layer {
    Case c;
    sfl_enet_params params = sfl_enet_default_params();
    AlignedBuffer plan_mem, fwd, bwd, cache_mem;
    sfl_enet_plan *plan = nullptr;
    std::vector<float> A;

    explicit Layer(bool csf)
        : c(csf ? csf_case(3, sfl_dims4{3, 6, 6, 2}, SFL_PATCH_PARAMS_INIT(3, 3), 7, 0.1f, 0.01f, 9u)
                : sf_case(5, 10, 7, 0.1f, 0.01f, 9u)),
          plan_mem(SFL_ENET_PLAN_BYTES(7)) {
        params.l1 = c.l1;
        params.l2 = c.l2;
        const sfl_enet_dims dims = {c.m, c.K};
        REQUIRE(sfl_enet_plan_init(plan_mem.data(), plan_mem.size(), &params, &dims, c.P.data(), &plan) == SFL_OK);
        size_t f = 0, b = 0, k = 0;
        REQUIRE((csf ? sfl_csf_forward_workspace_size(&params, plan, &f) : sfl_sf_forward_workspace_size(&params, plan, &f)) == SFL_OK);
        REQUIRE((csf ? sfl_csf_backward_workspace_size(plan, &b) : sfl_sf_backward_workspace_size(plan, &b)) == SFL_OK);
        REQUIRE((csf ? sfl_csf_cache_size(&c.patch, plan, &c.image, &k) : sfl_sf_cache_size(plan, c.n, &k)) == SFL_OK);
        fwd = AlignedBuffer(f + 64);
        bwd = AlignedBuffer(b + 64);
        cache_mem = AlignedBuffer(k + 64);
        A.assign(size_t(c.rows()) * c.K, 0.0f);
        const sfl_workspace ws = {fwd.data(), f};
        const sfl_layer_cache cache = {cache_mem.data(), k};
        REQUIRE(forward(&ws, &params, plan, c.P.data(), sfl_range{0, c.n}, c.X.data(), A.data(), &cache) == SFL_OK);
        fwd_bytes = f;
        bwd_bytes = b;
        cache_bytes = k;
    }
    size_t fwd_bytes = 0, bwd_bytes = 0, cache_bytes = 0;

    sfl_status forward(const sfl_workspace *ws, const sfl_enet_params *p, const sfl_enet_plan *pl, const float *P,
                       sfl_range r, const float *X, float *Aout, const sfl_layer_cache *cache,
                       const sfl_patch_params *patch = nullptr, const sfl_dims4 *in = nullptr, float *lu = nullptr) {
        if (c.csf)
            return sfl_csf_forward(ws, p, patch ? patch : &c.patch, pl, P, in ? in : &c.image, r, X, Aout, cache, lu,
                                   nullptr);
        return sfl_sf_forward(ws, p, pl, P, in ? in->n : c.n, r, X, Aout, cache, lu, nullptr);
    }
    sfl_status backward(const sfl_workspace *ws, const sfl_loss_mix *mx, const sfl_enet_plan *pl, const float *P,
                        sfl_range r, const float *X, const float *Ain, const sfl_layer_cache *cache, const float *dA,
                        float *dX, float *dP, const sfl_patch_params *patch = nullptr, const sfl_dims4 *in = nullptr) {
        if (c.csf)
            return sfl_csf_backward(ws, mx, patch ? patch : &c.patch, pl, P, in ? in : &c.image, r, X, Ain, cache, dA,
                                    nullptr, dX, dP);
        return sfl_sf_backward(ws, mx, pl, P, in ? in->n : c.n, r, X, Ain, cache, dA, nullptr, dX, dP);
    }
};

// Arguments of one call; each table row edits a copy of the good ones.
struct Args {
    sfl_workspace fws, bws;
    sfl_layer_cache cache;
    sfl_enet_params params;
    sfl_loss_mix mix;
    const sfl_enet_plan *plan;
    std::vector<float> P, X, A, dA;
    sfl_range range;
    sfl_patch_params patch;
    sfl_dims4 in;
};

void run_table(Layer &L) {
    const Args good = {{L.fwd.data(), L.fwd_bytes},
                       {L.bwd.data(), L.bwd_bytes},
                       {L.cache_mem.data(), L.cache_bytes},
                       L.params,
                       sfl_loss_mix{0.3f, 0.7f, 0.7f, 0.3f},
                       L.plan,
                       L.c.P,
                       L.c.X,
                       L.A,
                       L.c.dA,
                       sfl_range{0, L.c.n},
                       L.c.patch,
                       L.c.csf ? L.c.image : sfl_dims4{L.c.n, 1, 1, 1}};
    AlignedBuffer junk_plan(SFL_ENET_PLAN_BYTES(7));
    struct Row {
        const char *what;
        std::function<void(Args &)> edit;
        sfl_status fwd, bwd; // expected statuses (SFL_OK: the row does not apply)
    };
    const std::vector<Row> rows = {
        {"workspace one byte short", [](Args &a) { a.fws.size -= 1; a.bws.size -= 1; }, SFL_ERR_WORKSPACE_TOO_SMALL, SFL_ERR_WORKSPACE_TOO_SMALL},
        {"workspace misaligned", [](Args &a) { a.fws.buf = static_cast<char *>(a.fws.buf) + 4; a.bws.buf = static_cast<char *>(a.bws.buf) + 4; }, SFL_ERR_MISALIGNED, SFL_ERR_MISALIGNED},
        {"workspace NULL buffer", [](Args &a) { a.fws.buf = nullptr; a.bws.buf = nullptr; }, SFL_ERR_NULL_ARG, SFL_ERR_NULL_ARG},
        {"cache one byte short", [](Args &a) { a.cache.size -= 1; }, SFL_ERR_WORKSPACE_TOO_SMALL, SFL_ERR_WORKSPACE_TOO_SMALL},
        {"cache misaligned", [](Args &a) { a.cache.buf = static_cast<char *>(a.cache.buf) + 4; }, SFL_ERR_MISALIGNED, SFL_ERR_MISALIGNED},
        {"l1 < 0", [](Args &a) { a.params.l1 = -1.0f; }, SFL_ERR_BAD_PARAM, SFL_OK},
        {"l2 != plan's", [](Args &a) { a.params.l2 = 0.5f; }, SFL_ERR_BAD_PARAM, SFL_OK},
        {"unknown solver", [](Args &a) { a.params.solver = static_cast<sfl_enet_solver>(7); }, SFL_ERR_BAD_PARAM, SFL_OK},
        {"mu > 1", [](Args &a) { a.mix.mu = 1.5f; }, SFL_OK, SFL_ERR_BAD_PARAM},
        {"mu < 0", [](Args &a) { a.mix.mu = -0.1f; }, SFL_OK, SFL_ERR_BAD_PARAM},
        {"mu NaN", [](Args &a) { a.mix.mu = kNaN; }, SFL_OK, SFL_ERR_BAD_PARAM},
        {"sup_weight < 0", [](Args &a) { a.mix.sup_weight = -1.0f; }, SFL_OK, SFL_ERR_BAD_PARAM},
        {"sup_weight Inf", [](Args &a) { a.mix.sup_weight = kInf; }, SFL_OK, SFL_ERR_BAD_PARAM},
        {"input_sup_weight < 0", [](Args &a) { a.mix.input_sup_weight = -0.5f; }, SFL_OK, SFL_ERR_BAD_PARAM},
        {"input_sup_weight NaN", [](Args &a) { a.mix.input_sup_weight = kNaN; }, SFL_OK, SFL_ERR_BAD_PARAM},
        {"input_lu_weight < 0", [](Args &a) { a.mix.input_lu_weight = -1.0f; }, SFL_OK, SFL_ERR_BAD_PARAM},
        {"input_lu_weight Inf", [](Args &a) { a.mix.input_lu_weight = kInf; }, SFL_OK, SFL_ERR_BAD_PARAM},
        {"not a plan", [&](Args &a) { a.plan = reinterpret_cast<const sfl_enet_plan *>(junk_plan.data()); }, SFL_ERR_BAD_PLAN, SFL_ERR_BAD_PLAN},
        {"lanes 2", [](Args &a) { a.params.lanes = 2; }, SFL_ERR_BAD_PARAM, SFL_OK},
        {"lanes -1", [](Args &a) { a.params.lanes = -1; }, SFL_ERR_BAD_PARAM, SFL_OK},
        {"positive 2", [](Args &a) { a.params.positive = 2; }, SFL_ERR_BAD_PARAM, SFL_OK},
        {"X Inf in range", [](Args &a) { a.X[a.X.size() - 1] = kInf; }, SFL_ERR_NOT_FINITE, SFL_ERR_NOT_FINITE},
        {"A NaN", [](Args &a) { a.A[1] = kNaN; }, SFL_OK, SFL_ERR_NOT_FINITE},
        {"upstream gradient NaN", [](Args &a) { a.dA[a.dA.size() / 2] = kNaN; }, SFL_OK, SFL_ERR_NOT_FINITE},
        {"upstream gradient -Inf", [](Args &a) { a.dA[0] = -kInf; }, SFL_OK, SFL_ERR_NOT_FINITE},
        {"A does not match the cache", [](Args &a) { for (float &v : a.A) if (v == 0.0f) { v = 1.0f; break; } }, SFL_OK, SFL_ERR_BAD_PARAM},
        {"range end > n", [](Args &a) { a.range.end += 1; }, SFL_ERR_BAD_DIMS, SFL_ERR_BAD_DIMS},
        {"range begin < 0", [](Args &a) { a.range.begin = -1; }, SFL_ERR_BAD_DIMS, SFL_ERR_BAD_DIMS},
        {"range begin > end", [](Args &a) { a.range.begin = 2; a.range.end = 1; }, SFL_ERR_BAD_DIMS, SFL_ERR_BAD_DIMS},
        {"batch n = 0", [](Args &a) { a.in.n = 0; a.range = sfl_range{0, 0}; }, SFL_ERR_BAD_DIMS, SFL_ERR_BAD_DIMS},
    };
    const std::vector<Row> csf_rows = {
        {"patch length != m", [](Args &a) { a.patch.kernel.h = 2; }, SFL_ERR_BAD_DIMS, SFL_ERR_BAD_DIMS},
        {"channels != plan's", [](Args &a) { a.in.c = 1; }, SFL_ERR_BAD_DIMS, SFL_ERR_BAD_DIMS},
        {"stride 0", [](Args &a) { a.patch.stride.w = 0; }, SFL_ERR_BAD_PARAM, SFL_ERR_BAD_PARAM},
        {"padding >= kernel", [](Args &a) { a.patch.padding.h = 3; }, SFL_ERR_BAD_PARAM, SFL_ERR_BAD_PARAM},
        {"image smaller than the kernel", [](Args &a) { a.in.h = 2; }, SFL_ERR_BAD_DIMS, SFL_ERR_BAD_DIMS},
    };
    std::vector<Row> all = rows;
    if (L.c.csf) all.insert(all.end(), csf_rows.begin(), csf_rows.end());
    for (const Row &row : all) {
        CAPTURE(row.what);
        Args a = good;
        row.edit(a);
        std::vector<float> Aout(L.A.size(), kSentinel), dX(L.c.X.size(), kSentinel), dP(L.c.P.size(), kSentinel);
        std::vector<float> lu(size_t(L.c.n), kSentinel);
        const std::vector<unsigned char> cache_before(static_cast<unsigned char *>(L.cache_mem.data()),
                                                      static_cast<unsigned char *>(L.cache_mem.data()) + L.cache_bytes);
        if (row.fwd != SFL_OK) {
            CHECK(L.forward(&a.fws, &a.params, a.plan, a.P.data(), a.range, a.X.data(), Aout.data(), &a.cache, &a.patch,
                            &a.in, lu.data()) == row.fwd);
            CHECK(untouched(Aout));
            CHECK(untouched(lu));
            CHECK(std::memcmp(cache_before.data(), L.cache_mem.data(), L.cache_bytes) == 0);
        }
        if (row.bwd != SFL_OK) {
            CHECK(L.backward(&a.bws, &a.mix, a.plan, a.P.data(), a.range, a.X.data(), a.A.data(), &a.cache,
                             a.dA.data(), dX.data(), dP.data(), &a.patch, &a.in) == row.bwd);
            CHECK(untouched(dX));
            CHECK(untouched(dP));
        }
    }
    // NULL pointers
    Args a = good;
    std::vector<float> Aout(L.A.size(), kSentinel), dX(L.c.X.size(), kSentinel), dP(L.c.P.size(), kSentinel);
    CHECK(L.forward(nullptr, &a.params, a.plan, a.P.data(), a.range, a.X.data(), Aout.data(), &a.cache) == SFL_ERR_NULL_ARG);
    CHECK(L.forward(&a.fws, nullptr, a.plan, a.P.data(), a.range, a.X.data(), Aout.data(), &a.cache) == SFL_ERR_NULL_ARG);
    CHECK(L.forward(&a.fws, &a.params, nullptr, a.P.data(), a.range, a.X.data(), Aout.data(), &a.cache) == SFL_ERR_NULL_ARG);
    CHECK(L.forward(&a.fws, &a.params, a.plan, nullptr, a.range, a.X.data(), Aout.data(), &a.cache) == SFL_ERR_NULL_ARG);
    CHECK(L.forward(&a.fws, &a.params, a.plan, a.P.data(), a.range, nullptr, Aout.data(), &a.cache) == SFL_ERR_NULL_ARG);
    CHECK(L.forward(&a.fws, &a.params, a.plan, a.P.data(), a.range, a.X.data(), nullptr, &a.cache) == SFL_ERR_NULL_ARG);
    CHECK(L.backward(nullptr, &a.mix, a.plan, a.P.data(), a.range, a.X.data(), a.A.data(), &a.cache, a.dA.data(), dX.data(), dP.data()) == SFL_ERR_NULL_ARG);
    CHECK(L.backward(&a.bws, nullptr, a.plan, a.P.data(), a.range, a.X.data(), a.A.data(), &a.cache, a.dA.data(), dX.data(), dP.data()) == SFL_ERR_NULL_ARG);
    CHECK(L.backward(&a.bws, &a.mix, a.plan, a.P.data(), a.range, a.X.data(), a.A.data(), nullptr, a.dA.data(), dX.data(), dP.data()) == SFL_ERR_NULL_ARG);
    CHECK(L.backward(&a.bws, &a.mix, a.plan, a.P.data(), a.range, a.X.data(), nullptr, &a.cache, a.dA.data(), dX.data(), dP.data()) == SFL_ERR_NULL_ARG);
    CHECK(L.backward(&a.bws, &a.mix, a.plan, a.P.data(), a.range, a.X.data(), a.A.data(), &a.cache, nullptr, dX.data(), dP.data()) == SFL_ERR_NULL_ARG);
    CHECK(L.backward(&a.bws, &a.mix, a.plan, a.P.data(), a.range, a.X.data(), a.A.data(), &a.cache, a.dA.data(), dX.data(), nullptr) == SFL_ERR_NULL_ARG);
    CHECK(untouched(Aout));
    CHECK(untouched(dX));
    CHECK(untouched(dP));
    // dA may be NULL when sup_weight == 0; dX may be NULL; a NULL cache is fine for inference
    const sfl_loss_mix lu_only = {1.0f, 0.0f, 0.0f, 1.0f};
    std::fill(dP.begin(), dP.end(), 0.0f);
    CHECK(L.backward(&a.bws, &lu_only, a.plan, a.P.data(), a.range, a.X.data(), a.A.data(), &a.cache, nullptr, nullptr, dP.data()) == SFL_OK);
    // ... but not when dX is wanted and input_sup_weight reads it
    const sfl_loss_mix input_reads_dA = {1.0f, 0.0f, 1.0f, 1.0f};
    CHECK(L.backward(&a.bws, &input_reads_dA, a.plan, a.P.data(), a.range, a.X.data(), a.A.data(), &a.cache, nullptr, dX.data(), dP.data()) == SFL_ERR_NULL_ARG);
    CHECK(untouched(dX));
    CHECK(L.backward(&a.bws, &input_reads_dA, a.plan, a.P.data(), a.range, a.X.data(), a.A.data(), &a.cache, nullptr, nullptr, dP.data()) == SFL_OK);
    CHECK(L.forward(&a.fws, &a.params, a.plan, a.P.data(), a.range, a.X.data(), Aout.data(), nullptr) == SFL_OK);
    CHECK(Aout == L.A);

    // P against its plan: sfl_enet_plan_check_dictionary, once per plan (the layer calls
    // no longer scan P on every call, sfl_layers.h)
    CHECK(sfl_enet_plan_check_dictionary(a.plan, a.P.data()) == SFL_OK);
    CHECK(sfl_enet_plan_check_dictionary(nullptr, a.P.data()) == SFL_ERR_NULL_ARG);
    CHECK(sfl_enet_plan_check_dictionary(a.plan, nullptr) == SFL_ERR_NULL_ARG);
    CHECK(sfl_enet_plan_check_dictionary(reinterpret_cast<const sfl_enet_plan *>(junk_plan.data()), a.P.data()) ==
          SFL_ERR_BAD_PLAN);
    const struct {
        const char *what;
        std::function<void(std::vector<float> &)> edit;
        sfl_status status;
    } p_rows[] = {
        {"P is not the plan's dictionary", [](std::vector<float> &P) { for (size_t r = 0; r < P.size(); r += 7) P[r] *= 1.5f; }, SFL_ERR_BAD_PLAN},
        {"zero dictionary column", [](std::vector<float> &P) { for (size_t r = 2; r < P.size(); r += 7) P[r] = 0.0f; }, SFL_ERR_ZERO_ATOM},
        {"P NaN", [](std::vector<float> &P) { P[3] = kNaN; }, SFL_ERR_NOT_FINITE},
        {"P -Inf", [](std::vector<float> &P) { P[P.size() - 1] = -kInf; }, SFL_ERR_NOT_FINITE},
    };
    for (const auto &row : p_rows) {
        CAPTURE(row.what);
        std::vector<float> P = good.P;
        row.edit(P);
        CHECK(sfl_enet_plan_check_dictionary(a.plan, P.data()) == row.status);
    }
}

} // namespace

TEST_CASE("SF layer: the bad-input table") {
    Layer L(false);
    run_table(L);
}

TEST_CASE("CSF layer: the bad-input table") {
    Layer L(true);
    run_table(L);
}

TEST_CASE("patch calls: bad geometry and NULL pointers give their status, outputs untouched") {
    const sfl_dims4 in = {2, 6, 6, 2};
    const sfl_patch_params ok = SFL_PATCH_PARAMS_INIT(3, 3);
    std::vector<float> x(2 * 6 * 6 * 2, 1.0f), cols(2 * 16 * 18, kSentinel), back(x.size(), kSentinel);
    sfl_dims4 out = {-5, -5, -5, -5};
    struct Row {
        const char *what;
        sfl_patch_params p;
        sfl_dims4 in;
        sfl_status expect;
    };
    auto with = [&](auto edit) { sfl_patch_params p = ok; edit(p); return p; };
    const Row rows[] = {
        {"kernel 0", with([](sfl_patch_params &p) { p.kernel.w = 0; }), in, SFL_ERR_BAD_PARAM},
        {"stride -1", with([](sfl_patch_params &p) { p.stride.h = -1; }), in, SFL_ERR_BAD_PARAM},
        {"padding < 0", with([](sfl_patch_params &p) { p.padding.w = -1; }), in, SFL_ERR_BAD_PARAM},
        {"padding == kernel", with([](sfl_patch_params &p) { p.padding.h = 3; }), in, SFL_ERR_BAD_PARAM},
        {"kernel > image", with([](sfl_patch_params &p) { p.kernel.h = 7; }), in, SFL_ERR_BAD_DIMS},
        {"n = 0", ok, sfl_dims4{0, 6, 6, 2}, SFL_ERR_BAD_DIMS},
        {"c < 0", ok, sfl_dims4{2, 6, 6, -1}, SFL_ERR_BAD_DIMS},
        {"h too large", ok, sfl_dims4{2, SFL_PATCH_MAX_DIM + 1, 6, 2}, SFL_ERR_BAD_DIMS},
        {"patch too long", with([](sfl_patch_params &p) { p.kernel.h = 200; p.kernel.w = 100; }), sfl_dims4{1, 200, 100, 1}, SFL_ERR_BAD_DIMS},
    };
    for (const Row &r : rows) {
        CAPTURE(r.what);
        CHECK(sfl_patch_out_dims(&r.p, &r.in, &out) == r.expect);
        CHECK(sfl_im2col_f32(&r.p, &r.in, x.data(), cols.data()) == r.expect);
        CHECK(sfl_col2im_f32(&r.p, &r.in, cols.data(), back.data()) == r.expect);
    }
    CHECK(out.n == -5);
    CHECK(sfl_patch_out_dims(nullptr, &in, &out) == SFL_ERR_NULL_ARG);
    CHECK(sfl_patch_out_dims(&ok, nullptr, &out) == SFL_ERR_NULL_ARG);
    CHECK(sfl_patch_out_dims(&ok, &in, nullptr) == SFL_ERR_NULL_ARG);
    CHECK(sfl_im2col_f32(&ok, &in, nullptr, cols.data()) == SFL_ERR_NULL_ARG);
    CHECK(sfl_im2col_f32(&ok, &in, x.data(), nullptr) == SFL_ERR_NULL_ARG);
    CHECK(sfl_col2im_f32(&ok, &in, nullptr, back.data()) == SFL_ERR_NULL_ARG);
    CHECK(sfl_col2im_f32(&ok, &in, cols.data(), nullptr) == SFL_ERR_NULL_ARG);
    CHECK(untouched(cols));
    CHECK(untouched(back));
    const sfl_enet_dims dims = {6, 3};
    CHECK(sfl_dict_project(nullptr, x.data()) == SFL_ERR_NULL_ARG);
    CHECK(sfl_dict_project(&dims, nullptr) == SFL_ERR_NULL_ARG);
    const sfl_enet_dims zero = {0, 3};
    CHECK(sfl_dict_project(&zero, x.data()) == SFL_ERR_BAD_DIMS);
    std::vector<float> P(18, 2.0f);
    P[5] = kNaN;
    const std::vector<float> before = P;
    CHECK(sfl_dict_project(&dims, P.data()) == SFL_ERR_NOT_FINITE);
    CHECK(std::memcmp(P.data(), before.data(), P.size() * sizeof(float)) == 0);
}

TEST_CASE("layer sizes: queries == compile-time macros over a grid") {
    for (int32_t K : {1, 2, 20, 31, 32, 33, 64, 65, 100}) {
        for (int32_t m : {1, 5, 25, 63, 64, 65}) {
            CAPTURE(K);
            CAPTURE(m);
            const Case c = sf_case(1, m, K, 0.1f, 0.01f, unsigned(m * 1000 + K));
            sfl_enet_params p = sfl_enet_default_params();
            p.l2 = 0.01f;
            const sfl_enet_dims dims = {m, K};
            AlignedBuffer mem(SFL_ENET_PLAN_BYTES(K));
            sfl_enet_plan *plan = nullptr;
            REQUIRE(sfl_enet_plan_init(mem.data(), mem.size(), &p, &dims, c.P.data(), &plan) == SFL_OK);
            size_t bytes = 0;
            for (sfl_enet_solver s : {SFL_ENET_LARS, SFL_ENET_CD}) {
                p.solver = s;
                const size_t sb = s == SFL_ENET_LARS ? SFL_ENET_LARS_WORKSPACE_BYTES(K) : SFL_ENET_CD_WORKSPACE_BYTES(K);
                REQUIRE(sfl_sf_forward_workspace_size(&p, plan, &bytes) == SFL_OK);
                CHECK(bytes == SFL_SF_FORWARD_WORKSPACE_BYTES(K, sb));
                REQUIRE(sfl_csf_forward_workspace_size(&p, plan, &bytes) == SFL_OK);
                CHECK(bytes == SFL_CSF_FORWARD_WORKSPACE_BYTES(m, K, sb));
                // lanes = 1: the lanes' part with LARS and K <= 32, nothing more otherwise
                p.lanes = 1;
                REQUIRE(sfl_sf_forward_workspace_size(&p, plan, &bytes) == SFL_OK);
                CHECK(bytes == (s == SFL_ENET_LARS ? SFL_SF_FORWARD_LANES_WORKSPACE_BYTES(K)
                                                   : SFL_SF_FORWARD_WORKSPACE_BYTES(K, sb)));
                CHECK((bytes > SFL_SF_FORWARD_WORKSPACE_BYTES(K, sb)) == (s == SFL_ENET_LARS && K <= 32));
                REQUIRE(sfl_csf_forward_workspace_size(&p, plan, &bytes) == SFL_OK);
                CHECK(bytes == (s == SFL_ENET_LARS ? SFL_CSF_FORWARD_LANES_WORKSPACE_BYTES(m, K)
                                                   : SFL_CSF_FORWARD_WORKSPACE_BYTES(m, K, sb)));
                for (int32_t bad : {-1, 2}) {
                    p.lanes = bad;
                    CHECK(sfl_sf_forward_workspace_size(&p, plan, &bytes) == SFL_ERR_BAD_PARAM);
                    CHECK(sfl_csf_forward_workspace_size(&p, plan, &bytes) == SFL_ERR_BAD_PARAM);
                }
                p.lanes = 0;
            }
            REQUIRE(sfl_sf_backward_workspace_size(plan, &bytes) == SFL_OK);
            CHECK(bytes == SFL_SF_BACKWARD_WORKSPACE_BYTES(m, K));
            REQUIRE(sfl_csf_backward_workspace_size(plan, &bytes) == SFL_OK);
            CHECK(bytes == SFL_CSF_BACKWARD_WORKSPACE_BYTES(m, K));
            for (int32_t n : {1, 7, 100}) {
                REQUIRE(sfl_sf_cache_size(plan, n, &bytes) == SFL_OK);
                CHECK(bytes == SFL_LAYER_CACHE_BYTES(n, K));
            }
            if (m == 25) {
                const sfl_patch_params pp = SFL_PATCH_PARAMS_INIT(5, 5);
                const sfl_dims4 in = {100, 28, 28, 1};
                REQUIRE(sfl_csf_cache_size(&pp, plan, &in, &bytes) == SFL_OK);
                CHECK(bytes == SFL_LAYER_CACHE_BYTES(100 * 24 * 24, K));
            }
        }
    }
    // the paper's CSF batch: 4 bytes per patch
    CHECK(SFL_LAYER_CACHE_BYTES(100 * 24 * 24, 20) == 230400);
}

TEST_CASE("static buffers sized by the macros run the CSF layer (firmware style)") {
    constexpr int32_t m = 25, K = 20;
    alignas(SFL_WORKSPACE_ALIGN) static unsigned char plan_mem[SFL_ENET_PLAN_BYTES(K)];
    alignas(SFL_WORKSPACE_ALIGN) static unsigned char fwd[SFL_CSF_FORWARD_WORKSPACE_BYTES(m, K, SFL_ENET_LARS_WORKSPACE_BYTES(K))];
    alignas(SFL_WORKSPACE_ALIGN) static unsigned char bwd[SFL_CSF_BACKWARD_WORKSPACE_BYTES(m, K)];
    alignas(SFL_WORKSPACE_ALIGN) static unsigned char cache_mem[SFL_LAYER_CACHE_BYTES(2 * 6 * 6, K)];
    static float A[2 * 6 * 6 * K], dX[2 * 10 * 10], dP[m * K];
    const Case c = csf_case(2, sfl_dims4{2, 10, 10, 1}, SFL_PATCH_PARAMS_INIT(5, 5), K, 0.1f, 0.01f, 3u);
    sfl_enet_params p = sfl_enet_default_params();
    p.l1 = c.l1;
    p.l2 = c.l2;
    const sfl_enet_dims dims = {m, K};
    sfl_enet_plan *plan = nullptr;
    REQUIRE(sfl_enet_plan_init(plan_mem, sizeof plan_mem, &p, &dims, c.P.data(), &plan) == SFL_OK);
    const sfl_workspace fw = {fwd, sizeof fwd}, bw = {bwd, sizeof bwd};
    const sfl_layer_cache cache = {cache_mem, sizeof cache_mem};
    const sfl_loss_mix mx = SFL_LOSS_MIX_INIT;
    CHECK(sfl_csf_forward(&fw, &p, &c.patch, plan, c.P.data(), &c.image, sfl_range{0, 2}, c.X.data(), A, &cache,
                          nullptr, nullptr) == SFL_OK);
    CHECK(sfl_csf_backward(&bw, &mx, &c.patch, plan, c.P.data(), &c.image, sfl_range{0, 2}, c.X.data(), A, &cache,
                           c.dA.data(), nullptr, dX, dP) == SFL_OK);
}
