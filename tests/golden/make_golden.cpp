// make_golden: writes the golden fixtures of tests/test_golden.cpp into DIR
// (tests/data/golden): for every case of golden_cases.hpp its inputs, drawn from
// seeded sfl::nn::Rng streams (the same on every machine), and this build's
// outputs. Run it on x86-64 with the native-release build, then commit the files:
//
//   cmake --preset native-release
//   cmake --build --preset native-release --target sfl_make_golden
//   build/native-release/tests/golden/sfl_make_golden tests/data/golden
//
// Re-running it on the same build rewrites the same bytes. Regenerate only when a
// result is meant to change (a new algorithm, a fixed bug), never to make the test
// pass after an unexplained kernel change.
//
// Robust supports: a code's support could differ between targets only where an
// atom sits on the edge of it: |P_j^T (x - P a)| within rounding of l1 off the
// support, or |a_j| within rounding of 0 on it. Every sample (SF), image (CSF) or
// model input is redrawn until the KKT margin of each of its codes, recomputed in
// double with sfl_gradcheck::Reference (min over atoms of l1 - |r_j| off the support
// and |a_j| on it), is at least kMarginRel * l1: three orders of magnitude above the
// targets' differences (tests/data/golden/README.md).
// Exit status 0, or 1 with a message.
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <sfl/npy.hpp>
#include <sfl/nn/rng.hpp>
#include <sfl/sfl.h>

#include "../../apps/sfl-gradcheck/fd_reference.hpp"
#include "../support/aligned_buffer.hpp"
#include "golden_cases.hpp"

namespace {

using sfl_gradcheck::Case;
using sfl_golden::GoldenModel;
using sfl_golden::LayerSpec;

constexpr double kMarginRel = 0.02; // smallest KKT margin / l1 of any code
constexpr int kMaxDraws = 1000;     // per sample, before giving up

void check(bool ok, const std::string &what) {
    if (!ok) throw std::runtime_error(what);
}

void save(const std::string &dir, const std::string &case_name, const char *array, const std::vector<float> &v,
          const std::vector<size_t> &shape) {
    size_t count = 1;
    for (size_t d : shape) count *= d;
    check(count == v.size(), case_name + "/" + array + ": shape does not match the data");
    std::filesystem::create_directories(dir + "/" + case_name);
    sfl::npy::save_f32(sfl_golden::array_path(dir, case_name, array), v.data(), shape);
}

void normal(sfl::nn::Rng &rng, float *v, size_t n, float scale) {
    for (size_t i = 0; i < n; ++i) v[i] = scale * rng.normal();
}

// Gaussian columns (rows x cols row-major) scaled to unit norm, the norm in double.
void unit_columns(sfl::nn::Rng &rng, std::vector<float> &M, int32_t rows, int32_t cols) {
    normal(rng, M.data(), M.size(), 1.0f);
    for (int32_t j = 0; j < cols; ++j) {
        double s = 0.0;
        for (int32_t i = 0; i < rows; ++i) s += double(M[size_t(i) * cols + j]) * M[size_t(i) * cols + j];
        for (int32_t i = 0; i < rows; ++i) M[size_t(i) * cols + j] = float(M[size_t(i) * cols + j] / std::sqrt(s));
    }
}

// One sample of a layer case: SF a unit-norm Gaussian signal, CSF an image uniform in [0, 1).
void draw_sample(sfl::nn::Rng &rng, const Case &c, float *x) {
    const size_t len = size_t(c.sample_len());
    if (c.csf) {
        for (size_t i = 0; i < len; ++i) x[i] = rng.uniform();
        return;
    }
    normal(rng, x, len, 1.0f);
    double s = 0.0;
    for (size_t i = 0; i < len; ++i) s += double(x[i]) * x[i];
    for (size_t i = 0; i < len; ++i) x[i] = float(x[i] / std::sqrt(s));
}

// Smallest KKT margin of the codes A of case c (sfl_gradcheck::Reference, in double).
double margin(const Case &c, const std::vector<float> &A) { return sfl_gradcheck::Reference(c, A).base_margin(); }

// Case c reduced to its sample i (for the margin of that sample's codes alone).
Case one_sample(const Case &c, int32_t i) {
    Case one = c;
    one.n = 1;
    one.image.n = 1;
    one.labelled.clear();
    const size_t len = size_t(c.sample_len()), codes = size_t(c.rows_per_sample()) * size_t(c.K);
    one.X.assign(c.X.begin() + ptrdiff_t(i * len), c.X.begin() + ptrdiff_t((i + 1) * len));
    one.dA.assign(codes, 0.0f);
    return one;
}

void make_layer_case(const std::string &dir, const LayerSpec &spec, uint64_t seed) {
    Case c = sfl_golden::layer_case(spec);
    sfl::nn::Rng rng(seed);
    unit_columns(rng, c.P, c.m, c.K);
    const size_t len = size_t(c.sample_len());
    int draws = 0;
    for (int32_t i = 0; i < c.n; ++i) {
        for (int k = 0;; ++k) {
            check(k < kMaxDraws, std::string(spec.name) + ": no sample with a robust support");
            draw_sample(rng, c, c.X.data() + size_t(i) * len);
            ++draws;
            const Case one = one_sample(c, i);
            const sfl_gradcheck::LibResult r = sfl_gradcheck::run_library(one, spec.solver);
            check(r.ok(), std::string(spec.name) + ": the library failed on a sample");
            if (r.forward == SFL_OK && margin(one, r.A) >= kMarginRel * spec.l1) break;
        }
    }
    normal(rng, c.dA.data(), c.dA.size(), 1.0f);

    const sfl_gradcheck::LibResult r = sfl_gradcheck::run_library(c, spec.solver);
    check(r.plan == SFL_OK && r.forward == SFL_OK && r.backward == SFL_OK,
          std::string(spec.name) + ": library call failed");
    const double mg = margin(c, r.A);
    check(mg >= kMarginRel * spec.l1, std::string(spec.name) + ": the batch's margin is smaller than its samples'");

    const size_t n = size_t(c.n), m = size_t(c.m), K = size_t(c.K);
    const std::vector<size_t> x_shape = sfl_golden::input_shape(c), a_shape = sfl_golden::code_shape(c);
    save(dir, spec.name, "P", c.P, {m, K});
    save(dir, spec.name, "X", c.X, x_shape);
    save(dir, spec.name, "dA", c.dA, a_shape);
    save(dir, spec.name, "A", r.A, a_shape);
    save(dir, spec.name, "lu", r.lu, {n});
    save(dir, spec.name, "dX", r.dX, x_shape);
    save(dir, spec.name, "dP", r.dP, {m, K});
    std::printf("%-9s %d samples (%d draws), min KKT margin %.3g = %.3g l1\n", spec.name, c.n, draws, mg,
                mg / spec.l1);
}

// Outputs of the first k layers of md (an extractor, sfl_model.h) on n samples.
std::vector<float> forward_prefix(const sfl_model &md, int32_t k, int32_t n, const float *X) {
    sfl_model head = md;
    head.n_layers = k;
    head.out = md.layers[k - 1].out;
    size_t bytes = 0;
    check(sfl_model_forward_workspace_size(&head, n, &bytes) == SFL_OK, "model workspace size");
    sfl_test::AlignedBuffer ws(bytes);
    const sfl_workspace w = ws.workspace();
    const sfl_dims4 o = head.out;
    std::vector<float> Y(size_t(n) * size_t(o.h) * size_t(o.w) * size_t(o.c));
    check(sfl_model_forward(&w, &head, n, X, Y.data()) == SFL_OK, "model forward");
    return Y;
}

// Smallest KKT margin over the csf and sf codes of one model input, relative to each layer's l1.
double model_margin(const sfl_model &md, const GoldenModel &g, const float *x) {
    const sfl_model_layer &csf = md.layers[3], &sf = md.layers[4];
    Case cc;
    cc.csf = true;
    cc.n = 1;
    cc.m = GoldenModel::kCsfM;
    cc.K = GoldenModel::kCsfK;
    cc.image = csf.in;
    cc.patch = csf.geom;
    cc.oh = csf.out.h;
    cc.ow = csf.out.w;
    cc.l1 = csf.enet.l1;
    cc.l2 = csf.enet.l2;
    cc.P = g.csf_P;
    cc.X = forward_prefix(md, 3, 1, x);            // the relu output
    const std::vector<float> codes = forward_prefix(md, 4, 1, x);
    cc.dA.assign(codes.size(), 0.0f);
    Case cs;
    cs.n = 1;
    cs.m = GoldenModel::kSfM;
    cs.K = GoldenModel::kSfK;
    cs.l1 = sf.enet.l1;
    cs.l2 = sf.enet.l2;
    cs.P = g.sf_P;
    cs.X = codes;
    const std::vector<float> sf_codes = forward_prefix(md, 5, 1, x);
    cs.dA.assign(sf_codes.size(), 0.0f);
    return std::min(margin(cc, codes) / cc.l1, margin(cs, sf_codes) / cs.l1);
}

void make_model_case(const std::string &dir, uint64_t seed) {
    GoldenModel g;
    sfl::nn::Rng rng(seed);
    normal(rng, g.conv_W.data(), g.conv_W.size(), 0.5f);
    normal(rng, g.conv_b.data(), g.conv_b.size(), 0.1f);
    unit_columns(rng, g.csf_P, GoldenModel::kCsfM, GoldenModel::kCsfK);
    unit_columns(rng, g.sf_P, GoldenModel::kSfM, GoldenModel::kSfK);
    normal(rng, g.linear_W.data(), g.linear_W.size(), 0.3f);
    normal(rng, g.linear_b.data(), g.linear_b.size(), 0.1f);
    sfl_model md = g.model();
    size_t plan_bytes = 0;
    check(sfl_model_plans_size(&md, &plan_bytes) == SFL_OK, "model plans size");
    sfl_test::AlignedBuffer plans(plan_bytes);
    check(sfl_model_build_plans(&md, plans.data(), plans.size()) == SFL_OK, "model plans");

    const int32_t n = GoldenModel::kSamples;
    std::vector<float> X(size_t(n) * GoldenModel::kIn);
    double worst = 1e300;
    int draws = 0;
    for (int32_t i = 0; i < n; ++i) {
        float *x = X.data() + size_t(i) * GoldenModel::kIn;
        for (int k = 0;; ++k) {
            check(k < kMaxDraws, "model: no input with robust supports");
            for (int32_t j = 0; j < GoldenModel::kIn; ++j) x[j] = rng.uniform();
            ++draws;
            const double mg = model_margin(md, g, x);
            if (mg >= kMarginRel) {
                worst = std::min(worst, mg);
                break;
            }
        }
    }
    const std::vector<float> Y = forward_prefix(md, md.n_layers, n, X.data());
    for (const GoldenModel::Tensor &t : g.tensors()) save(dir, "model", t.name, *t.data, t.shape);
    save(dir, "model", "X", X, {size_t(n), 10, 10, 1});
    save(dir, "model", "Y", Y, {size_t(n), size_t(GoldenModel::kOut)});
    std::printf("%-9s %d samples (%d draws), min KKT margin %.3g l1\n", "model", n, draws, worst);
}

} // namespace

int main(int argc, char **argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: sfl_make_golden DIR   (DIR = tests/data/golden)\n");
        return 2;
    }
    try {
        const std::string dir = argv[1];
        std::printf("sfl %s, SIMD %s\n", SFL_VERSION_STRING, sfl_simd_arch());
        uint64_t stream = 0;
        for (const LayerSpec &spec : sfl_golden::kLayerCases)
            make_layer_case(dir, spec, sfl::nn::derive_seed(2025, ++stream));
        make_model_case(dir, sfl::nn::derive_seed(2025, ++stream));
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "sfl_make_golden: %s\n", e.what());
        return 1;
    }
}
