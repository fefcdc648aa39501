// Test models for sfl_model.h (tests/test_model_*.cpp): a LeNet-like conv net
// and a CSF/SF net, small, with seeded random weights and unit-norm dictionary
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
        std::memset(&model, 0, sizeof model);
        model.n_layers = 4;
        model.in = {1, 8, 8, 1};
        model.out = {1, 1, 1, 3};
        sfl_model_layer &c = model.layers[0] = make_layer(SFL_MODEL_CSF, {1, 8, 8, 1}, {1, 6, 6, 6});
        c.geom = patch(3, 1, 0);
        c.enet = sfl_enet_params{0.1f, 0.01f, 1e-6f, 0, SFL_ENET_LARS, 0};
        c.weight = P1.data();
        sfl_model_layer &p = model.layers[1] = make_layer(SFL_MODEL_MAXPOOL2D, {1, 6, 6, 6}, {1, 3, 3, 6});
        p.geom = patch(2, 2, 0);
        sfl_model_layer &s = model.layers[2] = make_layer(SFL_MODEL_SF, {1, 3, 3, 6}, {1, 1, 1, 10});
        s.enet = sfl_enet_params{0.02f, 0.05f, 1e-6f, 0, SFL_ENET_CD, 0};
        s.weight = P3.data();
        sfl_model_layer &f = model.layers[3] = make_layer(SFL_MODEL_LINEAR, {1, 1, 1, 10}, {1, 1, 1, 3});
        f.weight = W4.data();
        f.bias = b4.data();
    }
    sfl_status build_plans() { return sfl_model_build_plans(&model, plan_mem.data(), plan_mem.size()); }
    FactorNet(const FactorNet &) = delete;
    FactorNet &operator=(const FactorNet &) = delete;
};

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
                 kTol = 60, kMaxIter = 64, kSolver = 68, kWeight = 72, kBias = 88, kPlan = 104, kReserved = 120;
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
