// golden_cases.hpp - what the cross-architecture golden test (tests/test_golden.cpp)
// and its generator (tests/golden/make_golden.cpp) share: the shapes and
// parameters of the SF/CSF layer cases and of a small model, and the file names
// of their arrays in tests/data/golden/<case>/ (inputs and the x86-64 outputs,
// float32 .npy; tests/data/golden/README.md). Header-only.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <sfl/sfl.h>

#include "../../apps/sfl-gradcheck/layer_case.hpp"

namespace sfl_golden {

// ---- SF and CSF layers: forward (codes, lU) and backward (dX, dP) ----

struct LayerSpec {
    const char *name;          // directory under tests/data/golden
    bool csf;
    int32_t n;                 // samples (SF) or images (CSF)
    int32_t m;                 // SF signal length (CSF: kernel h * w * image c)
    int32_t K;                 // atoms
    sfl_dims4 image;           // CSF: one image (n = 1), h x w x c
    sfl_patch_params patch;    // CSF
    float l1, l2;
    sfl_enet_solver solver;    // of the forward solve (tolerance: sfl_enet_default_params())
    sfl_loss_mix mix;          // of the backward pass, mu > 0 so lU's gradients are in it
    int32_t unlabelled_every;  // sample i is unlabelled when i % this == this - 1; 0: all labelled
};

// Sizes off the SIMD widths (4, 8, 16 floats) so every kernel runs its tails; SF
// batches and CSF patch counts above SFL_LAYER_BLOCK (64) so the GEMMs run more
// than one block.
inline const LayerSpec kLayerCases[] = {
    {"sf_lars", false, 70, 27, 13, {1, 1, 1, 1}, SFL_PATCH_PARAMS_INIT(1, 1), 0.1f, 0.05f, SFL_ENET_LARS,
     {0.3f, 0.7f, 0.7f, 0.3f}, 4},
    {"sf_cd", false, 20, 27, 13, {1, 1, 1, 1}, SFL_PATCH_PARAMS_INIT(1, 1), 0.1f, 0.05f, SFL_ENET_CD,
     {0.5f, 1.0f, 1.0f, 0.5f}, 0},
    {"csf_lars", true, 3, 18, 10, {1, 9, 9, 2}, {{3, 3}, {1, 1}, {1, 1}}, 0.1f, 0.02f, SFL_ENET_LARS,
     {0.25f, 0.75f, 0.75f, 0.25f}, 2},
};

// The spec as an sfl_gradcheck::Case (shapes, parameters, labelled flags) with
// P, X and dA zero-filled; sfl_gradcheck::run_library() runs it.
inline sfl_gradcheck::Case layer_case(const LayerSpec &s) {
    sfl_gradcheck::Case c;
    c.csf = s.csf;
    c.n = s.n;
    c.K = s.K;
    c.l1 = s.l1;
    c.l2 = s.l2;
    c.mix = s.mix;
    if (s.csf) {
        c.image = s.image;
        c.image.n = s.n;
        c.patch = s.patch;
        sfl_dims4 cols{};
        sfl_patch_out_dims(&c.patch, &c.image, &cols);
        c.m = cols.c;
        c.oh = cols.h;
        c.ow = cols.w;
    } else {
        c.m = s.m;
    }
    if (s.unlabelled_every > 0) {
        c.labelled.resize(size_t(s.n));
        for (int32_t i = 0; i < s.n; ++i) c.labelled[size_t(i)] = i % s.unlabelled_every != s.unlabelled_every - 1;
    }
    c.P.assign(size_t(c.m) * size_t(c.K), 0.0f);
    c.X.assign(size_t(c.n) * size_t(c.sample_len()), 0.0f);
    c.dA.assign(size_t(c.rows()) * size_t(c.K), 0.0f);
    return c;
}

// Shapes of a layer case's files: X and dX (SF n x m, CSF n x h x w x c), and
// A and dA (SF n x K, CSF n x oh x ow x K); P and dP are m x K, lu has n.
inline std::vector<size_t> input_shape(const sfl_gradcheck::Case &c) {
    if (c.csf) return {size_t(c.n), size_t(c.image.h), size_t(c.image.w), size_t(c.image.c)};
    return {size_t(c.n), size_t(c.m)};
}
inline std::vector<size_t> code_shape(const sfl_gradcheck::Case &c) {
    if (c.csf) return {size_t(c.n), size_t(c.oh), size_t(c.ow), size_t(c.K)};
    return {size_t(c.n), size_t(c.K)};
}

// ---- a small model: every layer kind of sfl_model.h, through sfl_model_forward ----

// 10x10x1 -> conv2d 3x3 pad 1, 3 channels -> maxpool 2x2/2 -> 5x5x3 -> relu
// -> csf 3x3 stride 2 pad 1, K = 8 (LARS) -> 3x3x8 -> sf m = 72, K = 12 (CD) -> linear 12 -> 4.
struct GoldenModel {
    static constexpr int32_t kSamples = 5, kIn = 100, kOut = 4;
    static constexpr int32_t kConvOut = 3, kCsfM = 27, kCsfK = 8, kSfM = 72, kSfK = 12;
    std::vector<float> conv_W = std::vector<float>(9 * kConvOut), conv_b = std::vector<float>(kConvOut),
                       csf_P = std::vector<float>(kCsfM * kCsfK), sf_P = std::vector<float>(kSfM * kSfK),
                       linear_W = std::vector<float>(kSfK * kOut), linear_b = std::vector<float>(kOut);

    // The model over these weights, plans NULL (sfl_model_build_plans()).
    sfl_model model() const {
        sfl_model md;
        std::memset(&md, 0, sizeof md);
        md.n_layers = 6;
        md.in = {1, 10, 10, 1};
        md.out = {1, 1, 1, kOut};
        const sfl_dims4 shapes[7] = {{1, 10, 10, 1}, {1, 10, 10, kConvOut}, {1, 5, 5, kConvOut}, {1, 5, 5, kConvOut},
                                     {1, 3, 3, kCsfK}, {1, 1, 1, kSfK}, {1, 1, 1, kOut}};
        const int32_t kinds[6] = {SFL_MODEL_CONV2D, SFL_MODEL_MAXPOOL2D, SFL_MODEL_RELU,
                                  SFL_MODEL_CSF,    SFL_MODEL_SF,        SFL_MODEL_LINEAR};
        for (int32_t i = 0; i < 6; ++i) {
            md.layers[i].kind = kinds[i];
            md.layers[i].in = shapes[i];
            md.layers[i].out = shapes[i + 1];
        }
        md.layers[0].geom = {{3, 3}, {1, 1}, {1, 1}};
        md.layers[0].weight = conv_W.data();
        md.layers[0].bias = conv_b.data();
        md.layers[1].geom = {{2, 2}, {2, 2}, {0, 0}};
        md.layers[3].geom = {{3, 3}, {2, 2}, {1, 1}};
        md.layers[3].enet = sfl_enet_params{0.1f, 0.02f, 1e-6f, 0, SFL_ENET_LARS, 0, 0};
        md.layers[3].weight = csf_P.data();
        md.layers[4].enet = sfl_enet_params{0.05f, 0.05f, 1e-6f, 0, SFL_ENET_CD, 0, 0};
        md.layers[4].weight = sf_P.data();
        md.layers[5].weight = linear_W.data();
        md.layers[5].bias = linear_b.data();
        return md;
    }

    // The weights by file name (tests/data/golden/model/<name>.npy), with their shapes.
    struct Tensor {
        const char *name;
        std::vector<float> *data;
        std::vector<size_t> shape;
    };
    std::vector<Tensor> tensors() {
        return {{"conv_W", &conv_W, {9, size_t(kConvOut)}},   {"conv_b", &conv_b, {size_t(kConvOut)}},
                {"csf_P", &csf_P, {size_t(kCsfM), size_t(kCsfK)}}, {"sf_P", &sf_P, {size_t(kSfM), size_t(kSfK)}},
                {"linear_W", &linear_W, {size_t(kSfK), size_t(kOut)}}, {"linear_b", &linear_b, {size_t(kOut)}}};
    }
};

inline std::string array_path(const std::string &dir, const std::string &case_name, const std::string &array) {
    return dir + "/" + case_name + "/" + array + ".npy";
}

} // namespace sfl_golden
