// Byte layout of a model blob (docs/model-format.md is the reference; the two
// must agree): a 64-byte header, one 128-byte record per layer, then the
// tensors at 64-byte aligned offsets. Little-endian on every host: each field
// goes through the byte-wise helpers below, never a struct memcpy (enums are
// short on arm-none-eabi and struct padding differs between ABIs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "sfl/sfl_model.h"

namespace sfl {
namespace model {

// ---- header (SFL_MODEL_HEADER_BYTES) ----
constexpr size_t kHeaderBytes = SFL_MODEL_HEADER_BYTES;
constexpr size_t kHdrMagic = 0;        // "SFLM"
constexpr size_t kHdrEndian = 4;       // u32 kEndianMark
constexpr size_t kHdrMajor = 8;        // u16
constexpr size_t kHdrMinor = 10;       // u16
constexpr size_t kHdrHeaderBytes = 12; // u32 = kHeaderBytes
constexpr size_t kHdrTotal = 16;       // u64 blob bytes
constexpr size_t kHdrCrc = 24;         // u32 CRC-32 of [0, 24) then [32, 64)
constexpr size_t kHdrPayloadCrc = 28;  // u32 CRC-32 of [64, total)
constexpr size_t kHdrLayers = 32;      // u32 layer count
constexpr size_t kHdrIn = 36;          // i32 h, w, c
constexpr size_t kHdrOut = 48;         // i32 h, w, c
constexpr size_t kHdrFlags = 60;       // u32 kFlag*
constexpr size_t kHdrCrcGap = kHdrLayers; // the header CRC skips [kHdrCrc, kHdrCrcGap)

constexpr unsigned char kMagic[4] = {'S', 'F', 'L', 'M'};
constexpr uint32_t kEndianMark = 0x01020304u;
constexpr uint32_t kFlagPlans = 1u; // every csf/sf record has a plan
constexpr uint32_t kKnownFlags = kFlagPlans;

// ---- layer record (SFL_MODEL_RECORD_BYTES) ----
constexpr size_t kRecordBytes = SFL_MODEL_RECORD_BYTES;
constexpr size_t kRecKind = 0;      // i32 sfl_model_kind
constexpr size_t kRecIn = 4;        // i32 h, w, c
constexpr size_t kRecOut = 16;      // i32 h, w, c
constexpr size_t kRecKernel = 28;   // i32 h, w
constexpr size_t kRecStride = 36;   // i32 h, w
constexpr size_t kRecPadding = 44;  // i32 h, w
constexpr size_t kRecL1 = 52;       // f32
constexpr size_t kRecL2 = 56;       // f32
constexpr size_t kRecTol = 60;      // f32
constexpr size_t kRecMaxIter = 64;  // i32
constexpr size_t kRecSolver = 68;   // u32
constexpr size_t kRecWeight = 72;   // u64 offset, u64 bytes
constexpr size_t kRecBias = 88;     // u64 offset, u64 bytes
constexpr size_t kRecPlan = 104;    // u64 offset, u64 bytes
constexpr size_t kRecNormScale = 120; // f32, l2norm only (format minor 1; zero for the other kinds)
constexpr size_t kRecNormEps = 124;   // f32, l2norm only
constexpr size_t kRecPositive = 120;  // u32, csf and sf only: enet.positive (format minor 2; bytes 124..128 zero)

// ---- a stored plan (the in-memory layout of lib/kernels/enet/plan.hpp) ----
constexpr size_t kPlanMagicAt = 0; // u32
constexpr size_t kPlanM = 4;       // i32
constexpr size_t kPlanK = 8;       // i32
constexpr size_t kPlanL2 = 12;     // f32
constexpr size_t kPlanGOff = 16;   // u64 byte offset of G from the plan start
constexpr size_t kPlanInvOff = 24; // u64 byte offset of 1/G_jj
constexpr size_t kPlanFields = 32; // the rest of the plan header is zero

constexpr size_t kAlign = SFL_WORKSPACE_ALIGN;
static_assert(kHeaderBytes % kAlign == 0 && kRecordBytes % kAlign == 0, "records keep the data aligned");

inline uint64_t align_up(uint64_t n) { return (n + (kAlign - 1)) & ~static_cast<uint64_t>(kAlign - 1); }

// ---- host byte order ----
inline bool host_little_endian() {
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__)
    return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
#else
    const uint32_t one = 1;
    unsigned char b;
    std::memcpy(&b, &one, 1);
    return b == 1;
#endif
}

// ---- little-endian field access ----
inline void put_u16(unsigned char *p, uint16_t v) {
    p[0] = static_cast<unsigned char>(v);
    p[1] = static_cast<unsigned char>(v >> 8);
}
inline void put_u32(unsigned char *p, uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
inline void put_u64(unsigned char *p, uint64_t v) {
    for (int i = 0; i < 8; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
inline void put_i32(unsigned char *p, int32_t v) { put_u32(p, static_cast<uint32_t>(v)); }
inline void put_f32(unsigned char *p, float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    put_u32(p, bits);
}

inline uint16_t get_u16(const unsigned char *p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
inline uint32_t get_u32(const unsigned char *p) {
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}
inline uint64_t get_u64(const unsigned char *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}
inline int32_t get_i32(const unsigned char *p) {
    const uint32_t u = get_u32(p);
    int32_t v;
    std::memcpy(&v, &u, 4); // two's complement, no implementation-defined conversion
    return v;
}
inline float get_f32(const unsigned char *p) {
    const uint32_t u = get_u32(p);
    float v;
    std::memcpy(&v, &u, 4);
    return v;
}

// n floats as little-endian IEEE words (a plain copy on a little-endian host).
inline void put_f32_array(unsigned char *p, const float *x, size_t n) {
    if (host_little_endian()) {
        std::memcpy(p, x, 4 * n);
        return;
    }
    for (size_t i = 0; i < n; ++i) put_f32(p + 4 * i, x[i]);
}

inline bool all_zero(const unsigned char *p, size_t n) {
    unsigned char acc = 0;
    for (size_t i = 0; i < n; ++i) acc |= p[i];
    return acc == 0;
}

} // namespace model
} // namespace sfl
