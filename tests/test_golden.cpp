// Golden outputs across architectures: the SF and CSF layers (forward: codes and
// lU; backward with mu > 0: dX and dP) and sfl_model_forward on a small model of
// every layer kind (logits), run on committed inputs and compared with the
// outputs of the x86-64 native build committed beside them (tests/data/golden,
// written by tests/golden/make_golden.cpp). The same test runs on every target:
// native, scalar (SFL_SIMD=OFF) and the aarch64 / armv7 NEON / armv7 no-NEON
// cross builds under qemu, so a kernel whose result changes on one target fails.
#include <doctest/doctest.h>

#ifdef SFL_TESTS_HAVE_CPP

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <sfl/npy.hpp>
#include <sfl/sfl.h>

#include "enet_test_util.hpp"
#include "golden/golden_cases.hpp"
#include "support/aligned_buffer.hpp"

namespace {

// Tolerance, normwise per array: max_i |got_i - ref_i| <= kTol * max_i |ref_i|,
// and the supports and signs of the codes equal (the generator drew inputs whose
// codes have a KKT margin of 0.02 l1, so rounding cannot move an atom in or out).
// Where targets may legitimately differ: float32 rounding (u = 6e-8) of sums
// whose order could depend on the SIMD width, and FMA (x86-64 with FMA3, aarch64
// and NEON-vfpv4 fuse a*b+c, also in scalar code compiled with contraction; the
// no-NEON armv7 and SSE2-only builds round twice). A length-m dot product then
// differs by ~m u relative to the sum of |terms|, LARS carries that through its
// Cholesky updates of G[S,S], backward through (G[S,S] + l2 I)^-1 and sums over up
// to 243 patches, and CD through its stopping test: a target whose rounding
// ends CD a few sweeps earlier or later moves the codes by less than the tol = 1e-6
// codes differ from the converged ones (5.5e-6 for sf_cd).
// Observed (tests/data/golden/README.md): 0, bit for bit, on x86-64 AVX-512,
// native scalar, aarch64 and armv7 NEON; at most 1.4e-6 without FMA (armv7
// no-NEON and x86-64 SSE2 alike, CD codes; 4.4e-7 for the rest). kTol is 3.6x the CD bound and 14x the
// largest observed. A change of a kernel moves results by more: GEMM outputs
// scaled by 1 + 1e-4 give up to 4e-4 here, a 1e-3 ridge in the backward
// Cholesky 4e-3.
constexpr double kTol = 2e-5;

std::string data_dir() { return std::string(SFL_TEST_DATA_DIR) + "/golden"; }

std::vector<float> load(const std::string &case_name, const char *array, const std::vector<size_t> &shape) {
    const sfl::npy::Array a = sfl::npy::load_f32(sfl_golden::array_path(data_dir(), case_name, array));
    INFO(case_name, "/", array);
    REQUIRE(a.shape == shape);
    return a.data;
}

// max_i |got_i - ref_i| / max_i |ref_i| (the absolute difference if ref is all zero).
double normwise(const std::vector<float> &got, const std::vector<float> &ref) {
    REQUIRE(got.size() == ref.size());
    double diff = 0.0, scale = 0.0;
    for (size_t i = 0; i < ref.size(); ++i) {
        diff = std::max(diff, std::fabs(double(got[i]) - double(ref[i])));
        scale = std::max(scale, std::fabs(double(ref[i])));
    }
    return scale > 0.0 ? diff / scale : diff;
}

// Codes whose support or signs differ from the reference's (exactly: the
// generator chose inputs whose supports have a wide KKT margin).
int64_t support_changes(const std::vector<float> &A, const std::vector<float> &ref, int32_t K) {
    int64_t bad = 0;
    for (size_t r = 0; r * size_t(K) < ref.size(); ++r)
        bad += sfl_test::support_mismatches(A.data() + r * K, ref.data() + r * K, K, 0.0) != 0;
    return bad;
}

} // namespace

TEST_CASE("golden: SF and CSF forward and backward match the x86-64 outputs on this target") {
    double worst = 0.0;
    for (const sfl_golden::LayerSpec &spec : sfl_golden::kLayerCases) {
        const std::string name = spec.name;
        CAPTURE(name);
        sfl_gradcheck::Case c = sfl_golden::layer_case(spec);
        const size_t n = size_t(c.n), m = size_t(c.m), K = size_t(c.K);
        const std::vector<size_t> x_shape = sfl_golden::input_shape(c), a_shape = sfl_golden::code_shape(c);
        c.P = load(spec.name, "P", {m, K});
        c.X = load(spec.name, "X", x_shape);
        c.dA = load(spec.name, "dA", a_shape);

        const sfl_gradcheck::LibResult r = sfl_gradcheck::run_library(c, spec.solver);
        REQUIRE(r.plan == SFL_OK);
        REQUIRE(r.forward == SFL_OK);
        REQUIRE(r.backward == SFL_OK);

        const std::vector<float> A = load(spec.name, "A", a_shape);
        CHECK(support_changes(r.A, A, c.K) == 0);
        const double dev[4] = {normwise(r.A, A), normwise(r.lu, load(spec.name, "lu", {n})),
                               normwise(r.dX, load(spec.name, "dX", x_shape)),
                               normwise(r.dP, load(spec.name, "dP", {m, K}))};
        MESSAGE(name, ": max deviation / max |ref|: codes ", dev[0], ", lU ", dev[1], ", dX ", dev[2], ", dP ",
                dev[3]);
        CHECK(dev[0] <= kTol);
        CHECK(dev[1] <= kTol);
        CHECK(dev[2] <= kTol);
        CHECK(dev[3] <= kTol);
        worst = std::max(worst, *std::max_element(dev, dev + 4));
    }
    MESSAGE("layers: largest deviation on ", std::string(sfl_simd_arch()), ": ", worst);
}

TEST_CASE("golden: sfl_model_forward matches the x86-64 logits on this target") {
    using sfl_golden::GoldenModel;
    GoldenModel g;
    for (const GoldenModel::Tensor &t : g.tensors()) *t.data = load("model", t.name, t.shape);
    const int32_t n = GoldenModel::kSamples;
    const std::vector<float> X = load("model", "X", {size_t(n), 10, 10, 1});
    const std::vector<float> Yref = load("model", "Y", {size_t(n), size_t(GoldenModel::kOut)});

    sfl_model md = g.model();
    size_t plan_bytes = 0, ws_bytes = 0;
    REQUIRE(sfl_model_plans_size(&md, &plan_bytes) == SFL_OK);
    sfl_test::AlignedBuffer plans(plan_bytes); // built here: the plans are results of this target too
    REQUIRE(sfl_model_build_plans(&md, plans.data(), plans.size()) == SFL_OK);
    REQUIRE(sfl_model_forward_workspace_size(&md, n, &ws_bytes) == SFL_OK);
    sfl_test::AlignedBuffer ws(ws_bytes);
    const sfl_workspace w = ws.workspace();
    std::vector<float> Y(Yref.size());
    REQUIRE(sfl_model_forward(&w, &md, n, X.data(), Y.data()) == SFL_OK);

    const double dev = normwise(Y, Yref);
    MESSAGE("model: logits max deviation / max |ref| on ", std::string(sfl_simd_arch()), ": ", dev);
    CHECK(dev <= kTol);
}

#endif // SFL_TESTS_HAVE_CPP
