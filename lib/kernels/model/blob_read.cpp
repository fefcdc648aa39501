#include "kernels/model/blob_read.hpp"

#include <cstddef>
#include <cstring>

#include "common/check.hpp"
#include "common/crc32.hpp"
#include "kernels/enet/plan.hpp"
#include "kernels/model/blob_format.hpp"
#include "kernels/model/blob_layout.hpp"
#include "kernels/model/model_check.hpp"

namespace sfl {
namespace model {

// A stored plan is used in place (a view): its bytes must be the host's sfl_enet_plan.
static_assert(offsetof(sfl_enet_plan, magic) == kPlanMagicAt && offsetof(sfl_enet_plan, m) == kPlanM &&
                  offsetof(sfl_enet_plan, K) == kPlanK && offsetof(sfl_enet_plan, l2) == kPlanL2 &&
                  offsetof(sfl_enet_plan, g_off) == kPlanGOff && offsetof(sfl_enet_plan, inv_off) == kPlanInvOff &&
                  sizeof(sfl_enet_plan) <= kPlanFields,
              "plan header layout of the blob (docs/model-format.md)");

namespace {

constexpr int kRegions = 3; // weight, bias, plan per record

// Header CRC: [0, kHdrCrc) then [kHdrCrcGap, kHeaderBytes) (the two CRC fields left out).
uint32_t header_crc(const unsigned char *b) {
    const uint32_t crc = crc32_update(0, b, kHdrCrc);
    return crc32_update(crc, b + kHdrCrcGap, kHeaderBytes - kHdrCrcGap);
}

// Magic, mark, version, stated size, CRCs: the statuses before the content.
sfl_status check_framing(const unsigned char *b, size_t size, uint64_t *total) {
    if (size < kHeaderBytes) return SFL_ERR_MODEL_TRUNCATED;
    if (std::memcmp(b + kHdrMagic, kMagic, 4) != 0) return SFL_ERR_MODEL_MAGIC;
    if (get_u32(b + kHdrEndian) != kEndianMark) return SFL_ERR_MODEL_ENDIAN;
    if (get_u16(b + kHdrMajor) != SFL_MODEL_FORMAT_MAJOR) return SFL_ERR_MODEL_VERSION;
    const uint64_t t = get_u64(b + kHdrTotal);
    if (t > size) return SFL_ERR_MODEL_TRUNCATED;
    if (header_crc(b) != get_u32(b + kHdrCrc)) return SFL_ERR_MODEL_CRC;
    if (t < kHeaderBytes) return SFL_ERR_MODEL_INVALID; // the CRC matched: a forged size
    const uint32_t payload = crc32_update(0, b + kHeaderBytes, static_cast<size_t>(t) - kHeaderBytes);
    if (payload != get_u32(b + kHdrPayloadCrc)) return SFL_ERR_MODEL_CRC;
    *total = t;
    return SFL_OK;
}

sfl_dims4 get_dims(const unsigned char *p) { return sfl_dims4{1, get_i32(p), get_i32(p + 4), get_i32(p + 8)}; }

sfl_tile get_tile(const unsigned char *p) { return sfl_tile{get_i32(p), get_i32(p + 4)}; }

// A region is absent (0, 0) or 64-aligned inside the data part of the blob.
bool region_ok(const Region &r, uint64_t begin, uint64_t total) {
    if (r.bytes == 0) return r.off == 0;
    return r.off % kAlign == 0 && r.off >= begin && r.bytes <= total && r.off <= total - r.bytes;
}

bool overlap(const Region &a, const Region &b) {
    return a.bytes && b.bytes && a.off < b.off + b.bytes && b.off < a.off + a.bytes;
}

// One record into *layer (pointers NULL) and its regions.
bool read_record(const unsigned char *r, sfl_model_layer *layer, Region reg[kRegions]) {
    // The last 8 bytes: scale and eps of l2norm; on csf and sf, positive (4 bytes) then 4
    // zero bytes; zero byte for byte on every other kind, as the reserved bytes of 1.0
    // (a -0.0f there would pass a float compare).
    const int32_t kind = get_i32(r + kRecKind);
    const bool factor = kind == SFL_MODEL_CSF || kind == SFL_MODEL_SF;
    const size_t tail = factor ? kRecPositive + 4 : kRecNormScale;
    if (kind != SFL_MODEL_L2NORM && !all_zero(r + tail, kRecordBytes - tail)) return false;
    sfl_model_layer L;
    std::memset(&L, 0, sizeof L);
    L.kind = get_i32(r + kRecKind);
    L.in = get_dims(r + kRecIn);
    L.out = get_dims(r + kRecOut);
    L.geom.kernel = get_tile(r + kRecKernel);
    L.geom.stride = get_tile(r + kRecStride);
    L.geom.padding = get_tile(r + kRecPadding);
    L.enet.l1 = get_f32(r + kRecL1);
    L.enet.l2 = get_f32(r + kRecL2);
    L.enet.tol = get_f32(r + kRecTol);
    L.enet.max_iter = get_i32(r + kRecMaxIter);
    if (factor) {
        L.enet.positive = get_i32(r + kRecPositive); // 0 or 1: check_layer says so
    } else {
        L.norm.scale = get_f32(r + kRecNormScale); // zero for the other kinds: check_layer says so
        L.norm.eps = get_f32(r + kRecNormEps);
    }
    const int32_t solver = get_i32(r + kRecSolver);
    std::memcpy(&L.enet.solver, &solver, sizeof solver); // any value: checked later as an int
    for (int k = 0; k < kRegions; ++k) {
        reg[k].off = get_u64(r + kRecWeight + 16 * k);
        reg[k].bytes = get_u64(r + kRecWeight + 16 * k + 8);
    }
    *layer = L;
    return true;
}

// A stored plan in its canonical image (blob_layout.hpp) for this layer's m,
// K and l2, with finite values: after this, plan_gram() and plan_inv_diag()
// of it stay inside its region.
bool stored_plan_ok(const unsigned char *p, uint64_t bytes, const LayerInfo &info, float l2) {
    const int32_t K = info.K;
    const PlanImage img = plan_image(K);
    if (bytes != img.bytes) return false;
    if (get_u32(p + kPlanMagicAt) != enet::kPlanMagic || get_i32(p + kPlanM) != info.m || get_i32(p + kPlanK) != K)
        return false;
    if (!(get_f32(p + kPlanL2) == l2)) return false;
    if (get_u64(p + kPlanGOff) != img.g_off || get_u64(p + kPlanInvOff) != img.inv_off) return false;
    const size_t gb = 4 * static_cast<size_t>(K) * static_cast<size_t>(K), ib = 4 * static_cast<size_t>(K);
    const size_t g_off = static_cast<size_t>(img.g_off), inv_off = static_cast<size_t>(img.inv_off);
    if (!all_zero(p + kPlanFields, g_off - kPlanFields) || !all_zero(p + g_off + gb, inv_off - g_off - gb) ||
        !all_zero(p + inv_off + ib, static_cast<size_t>(bytes) - inv_off - ib))
        return false;
    return all_finite(reinterpret_cast<const float *>(p + g_off), gb / 4) &&
           all_finite(reinterpret_cast<const float *>(p + inv_off), ib / 4);
}

const float *floats_at(const unsigned char *b, const Region &r) {
    return r.bytes ? reinterpret_cast<const float *>(b + r.off) : nullptr;
}

// The content after the framing: header fields, records, regions, shapes
// (check_model), exact lengths, finite values, plans. Any failure is INVALID.
bool read_content(const unsigned char *b, uint64_t total, sfl_model *out) {
    const uint32_t flags = get_u32(b + kHdrFlags);
    const uint32_t n = get_u32(b + kHdrLayers);
    if (get_u32(b + kHdrHeaderBytes) != kHeaderBytes || (flags & ~kKnownFlags) != 0) return false;
    if (n < 1 || n > SFL_MODEL_MAX_LAYERS) return false;
    const uint64_t begin = data_start(static_cast<int32_t>(n));
    if (total % kAlign != 0 || total < begin) return false;

    sfl_model m;
    std::memset(&m, 0, sizeof m);
    m.n_layers = static_cast<int32_t>(n);
    m.in = get_dims(b + kHdrIn);
    m.out = get_dims(b + kHdrOut);
    Region reg[SFL_MODEL_MAX_LAYERS * kRegions];
    for (uint32_t i = 0; i < n; ++i) {
        Region *r = reg + kRegions * i;
        if (!read_record(b + kHeaderBytes + kRecordBytes * i, &m.layers[i], r)) return false;
        for (int k = 0; k < kRegions; ++k)
            if (!region_ok(r[k], begin, total)) return false;
        const bool factor = is_factor_kind(m.layers[i].kind);
        const bool want_plan = factor && (flags & kFlagPlans) != 0;
        if ((r[2].bytes != 0) != want_plan) return false;
        m.layers[i].weight = floats_at(b, r[0]);
        m.layers[i].bias = floats_at(b, r[1]);
    }
    for (uint32_t i = 0; i < kRegions * n; ++i)
        for (uint32_t j = 0; j < i; ++j)
            if (overlap(reg[i], reg[j])) return false;

    // Shapes, parameters, which tensors are there (plans still NULL).
    if (check_model(&m) != SFL_OK) return false;
    for (uint32_t i = 0; i < n; ++i) {
        sfl_model_layer &L = m.layers[i];
        const Region *r = reg + kRegions * i;
        LayerInfo info;
        if (check_layer(L, &info) != SFL_OK) return false;
        if (r[0].bytes != 4 * info.weight_floats) return false;
        if (r[1].bytes != 0 && r[1].bytes != 4 * info.bias_floats) return false;
        if (!all_finite(L.weight, static_cast<size_t>(info.weight_floats)) ||
            !all_finite(L.bias, static_cast<size_t>(r[1].bytes / 4)))
            return false;
        if (r[2].bytes == 0) continue;
        if (!stored_plan_ok(b + r[2].off, r[2].bytes, info, L.enet.l2)) return false;
        L.plan = reinterpret_cast<const sfl_enet_plan *>(b + r[2].off);
    }
    if (check_model(&m) != SFL_OK) return false; // the plans, as sfl_model_check sees them
    *out = m;
    return true;
}

} // namespace

sfl_status load_blob(const unsigned char *blob, size_t size, sfl_model *model) {
    uint64_t total = 0;
    SFL_RETURN_IF_ERROR(check_framing(blob, size, &total));
    return read_content(blob, total, model) ? SFL_OK : SFL_ERR_MODEL_INVALID;
}

} // namespace model
} // namespace sfl
