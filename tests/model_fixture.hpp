// Test models for sfl_model.h (tests/test_model_*.cpp): a LeNet-like conv net,
// a CSF/SF net and the CSF/SF net with an l2norm layer in front of its SF layer, small, with seeded random weights and unit-norm dictionary
// columns; the blob's little-endian fields as docs/model-format.md states them
// (written here from the document, not from lib/kernels/model, so the tests
// check the format too).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include <sfl/sfl.h>

#include "support/aligned_buffer.hpp"

namespace sfl_model_test {

// Blobs, plan memory and workspaces.
using Bytes = sfl_test::AlignedBuffer;

inline std::vector<float> randn(size_t n, unsigned seed, float scale = 1.0f) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> N(0.0f, scale);
    std::vector<float> v(n);
    for (float &x : v) x = N(rng);
    return v;
}

// m x K row-major with unit-norm columns.
inline std::vector<float> unit_columns(int32_t m, int32_t K, unsigned seed) {
    std::vector<float> P = randn(size_t(m) * size_t(K), seed);
    for (int32_t k = 0; k < K; ++k) {
        double s = 0.0;
        for (int32_t i = 0; i < m; ++i) s += double(P[size_t(i) * K + k]) * P[size_t(i) * K + k];
        for (int32_t i = 0; i < m; ++i) P[size_t(i) * K + k] = float(P[size_t(i) * K + k] / std::sqrt(s));
    }
    return P;
}

inline sfl_model_layer make_layer(int32_t kind, sfl_dims4 in, sfl_dims4 out) {
    sfl_model_layer L;
    std::memset(&L, 0, sizeof L);
    L.kind = kind;
    L.in = in;
    L.out = out;
    return L;
}

inline sfl_patch_params patch(int32_t k, int32_t s, int32_t p) { return sfl_patch_params{{k, k}, {s, s}, {p, p}}; }

// 8x8x1 -> conv2d 3x3 pad 1 (4 channels) -> 8x8x4 -> maxpool 2x2/2 -> 4x4x4 -> relu -> linear 64 -> 5.
struct ConvNet {
    static constexpr int32_t kIn = 64, kOut = 5;
    std::vector<float> W1, b1, W4, b4;
    sfl_model model;
    explicit ConvNet(unsigned seed = 1)
        : W1(randn(9 * 4, seed, 0.5f)), b1(randn(4, seed + 1, 0.1f)), W4(randn(64 * 5, seed + 2, 0.2f)),
          b4(randn(5, seed + 3, 0.1f)) {
        std::memset(&model, 0, sizeof model);
        model.n_layers = 4;
        model.in = {1, 8, 8, 1};
        model.out = {1, 1, 1, 5};
        sfl_model_layer &c = model.layers[0] = make_layer(SFL_MODEL_CONV2D, {1, 8, 8, 1}, {1, 8, 8, 4});
        c.geom = patch(3, 1, 1);
        c.weight = W1.data();
        c.bias = b1.data();
        sfl_model_layer &p = model.layers[1] = make_layer(SFL_MODEL_MAXPOOL2D, {1, 8, 8, 4}, {1, 4, 4, 4});
        p.geom = patch(2, 2, 0);
        model.layers[2] = make_layer(SFL_MODEL_RELU, {1, 4, 4, 4}, {1, 4, 4, 4});
        sfl_model_layer &f = model.layers[3] = make_layer(SFL_MODEL_LINEAR, {1, 4, 4, 4}, {1, 1, 1, 5});
        f.weight = W4.data();
        f.bias = b4.data();
    }
    ConvNet(const ConvNet &) = delete;
    ConvNet &operator=(const ConvNet &) = delete;
};

// The layers of FactorNet, and of NormNet with `norm` (an l2norm layer of those parameters
// between the maxpool and the sf layer): csf dictionary P_csf (9 x 6), sf dictionary P_sf
// (54 x 10), linear W (10 x 3) and b (3). Plans NULL.
inline void factor_net_layers(sfl_model &model, const float *P_csf, const float *P_sf, const float *W, const float *b,
                              const sfl_l2norm_params *norm) {
    std::memset(&model, 0, sizeof model);
    model.n_layers = norm ? 5 : 4;
    model.in = {1, 8, 8, 1};
    model.out = {1, 1, 1, 3};
    int32_t i = 0;
    sfl_model_layer &c = model.layers[i++] = make_layer(SFL_MODEL_CSF, {1, 8, 8, 1}, {1, 6, 6, 6});
    c.geom = patch(3, 1, 0);
    c.enet = sfl_enet_params{0.1f, 0.01f, 1e-6f, 0, SFL_ENET_LARS, 0, 0};
    c.weight = P_csf;
    sfl_model_layer &p = model.layers[i++] = make_layer(SFL_MODEL_MAXPOOL2D, {1, 6, 6, 6}, {1, 3, 3, 6});
    p.geom = patch(2, 2, 0);
    if (norm) {
        sfl_model_layer &l = model.layers[i++] = make_layer(SFL_MODEL_L2NORM, {1, 3, 3, 6}, {1, 3, 3, 6});
        l.norm = *norm;
    }
    sfl_model_layer &s = model.layers[i++] = make_layer(SFL_MODEL_SF, {1, 3, 3, 6}, {1, 1, 1, 10});
    s.enet = sfl_enet_params{0.02f, 0.05f, 1e-6f, 0, SFL_ENET_CD, 0, 0};
    s.weight = P_sf;
    sfl_model_layer &f = model.layers[i] = make_layer(SFL_MODEL_LINEAR, {1, 1, 1, 10}, {1, 1, 1, 3});
    f.weight = W;
    f.bias = b;
}

// 8x8x1 -> csf 3x3 K=6 (LARS) -> 6x6x6 -> maxpool 2x2/2 -> 3x3x6 -> sf m=54 K=10 (CD) -> 1x1x10
// -> linear 10 -> 3. Plans NULL until build_plans().
struct FactorNet {
    static constexpr int32_t kIn = 64, kOut = 3;
    std::vector<float> P1, P3, W4, b4;
    Bytes plan_mem;
    sfl_model model;
    explicit FactorNet(unsigned seed = 2)
        : P1(unit_columns(9, 6, seed)), P3(unit_columns(54, 10, seed + 1)), W4(randn(10 * 3, seed + 2, 0.3f)),
          b4(randn(3, seed + 3, 0.1f)), plan_mem(SFL_ENET_PLAN_BYTES(6) + SFL_ENET_PLAN_BYTES(10)) {
        factor_net_layers(model, P1.data(), P3.data(), W4.data(), b4.data(), nullptr);
    }
    sfl_status build_plans() { return sfl_model_build_plans(&model, plan_mem.data(), plan_mem.size()); }
    FactorNet(const FactorNet &) = delete;
    FactorNet &operator=(const FactorNet &) = delete;
};

// FactorNet with an l2norm layer in front of its sf layer (NetConfig::sf_input_norm):
// 8x8x1 -> csf 3x3 K=6 (LARS) -> 6x6x6 -> maxpool 2x2/2 -> 3x3x6 -> l2norm (kScale, kEps)
// -> 3x3x6 -> sf m=54 K=10 (CD) -> 1x1x10 -> linear 10 -> 3. The same weights as FactorNet
// of the same seed. Layer kNorm is the l2norm. Plans NULL until build_plans().
struct NormNet {
    static constexpr int32_t kIn = 64, kOut = 3, kNorm = 2;
    // Not powers of two: a scale or eps rounded anywhere on the way changes bits.
    static constexpr float kScale = 1.7f, kEps = 3e-4f;
    std::vector<float> P1, P4, W5, b5;
    Bytes plan_mem;
    sfl_model model;
    explicit NormNet(unsigned seed = 2, float scale = kScale, float eps = kEps)
        : P1(unit_columns(9, 6, seed)), P4(unit_columns(54, 10, seed + 1)), W5(randn(10 * 3, seed + 2, 0.3f)),
          b5(randn(3, seed + 3, 0.1f)), plan_mem(SFL_ENET_PLAN_BYTES(6) + SFL_ENET_PLAN_BYTES(10)) {
        const sfl_l2norm_params norm = {scale, eps};
        factor_net_layers(model, P1.data(), P4.data(), W5.data(), b5.data(), &norm);
    }
    sfl_status build_plans() { return sfl_model_build_plans(&model, plan_mem.data(), plan_mem.size()); }
    NormNet(const NormNet &) = delete;
    NormNet &operator=(const NormNet &) = delete;
};

// A one-layer model: an l2norm of the given parameters on samples of shape `dims` (n = 1).
inline sfl_model l2norm_model(sfl_dims4 dims, sfl_l2norm_params norm) {
    sfl_model m;
    std::memset(&m, 0, sizeof m);
    m.n_layers = 1;
    m.in = m.out = dims;
    m.layers[0] = make_layer(SFL_MODEL_L2NORM, dims, dims);
    m.layers[0].norm = norm;
    return m;
}

inline Bytes blob_of(const sfl_model &model, bool with_plans) {
    size_t bytes = 0;
    if (sfl_model_blob_size(&model, with_plans ? 1 : 0, &bytes) != SFL_OK) return Bytes();
    Bytes b(bytes);
    size_t written = 0;
    if (sfl_model_write(&model, with_plans ? 1 : 0, b.data(), b.size(), &written) != SFL_OK || written != bytes)
        return Bytes();
    return b;
}

// ---- the blob's fields (docs/model-format.md) ----
namespace fmt {
constexpr size_t kMagic = 0, kEndian = 4, kMajor = 8, kMinor = 10, kHeaderBytes = 12, kTotal = 16, kHeaderCrc = 24,
                 kPayloadCrc = 28, kLayers = 32, kIn = 36, kOut = 48, kFlags = 60;
constexpr size_t kRecords = 64, kRecord = 128;
constexpr size_t kKind = 0, kRecIn = 4, kRecOut = 16, kKernel = 28, kStride = 36, kPadding = 44, kL1 = 52, kL2 = 56,
                 kTol = 60, kMaxIter = 64, kSolver = 68, kWeight = 72, kBias = 88, kPlan = 104,
                 kNormScale = 120, kNormEps = 124, // f32 each: l2norm only (format minor 1), else 0
                 kPositive = 120;                  // u32: csf and sf only (format minor 2), then 4 zero bytes
// In a stored plan (offsets from its start).
constexpr size_t kPlanMagic = 0, kPlanM = 4, kPlanK = 8, kPlanL2 = 12, kPlanG = 16, kPlanInv = 24;
} // namespace fmt

inline uint64_t get_le(const unsigned char *p, int bytes) {
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}
inline void put_le(unsigned char *p, uint64_t v, int bytes) { // bytes <= 8
    for (int i = 0; i < bytes; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
inline unsigned char *record(Bytes &b, int i) { return b.data() + fmt::kRecords + fmt::kRecord * size_t(i); }

// Recompute both CRCs (payload first: the header CRC does not cover either CRC field).
inline void reseal(Bytes &b) {
    unsigned char *p = b.data();
    const uint64_t total = get_le(p + fmt::kTotal, 8);
    if (total >= 64 && total <= b.size()) put_le(p + fmt::kPayloadCrc, sfl_crc32(0, p + 64, size_t(total) - 64), 4);
    const uint32_t h = sfl_crc32(sfl_crc32(0, p, 24), p + 32, 32);
    put_le(p + fmt::kHeaderCrc, h, 4);
}

} // namespace sfl_model_test
