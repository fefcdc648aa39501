#include "kernels/model/blob_write.hpp"

#include <cstring>

#include "common/check.hpp"
#include "common/crc32.hpp"
#include "kernels/enet/plan.hpp"
#include "kernels/model/blob_format.hpp"

namespace sfl {
namespace model {

namespace {

void put_dims(unsigned char *p, const sfl_dims4 &d) {
    put_i32(p, d.h);
    put_i32(p + 4, d.w);
    put_i32(p + 8, d.c);
}

void put_region(unsigned char *p, const Region &r) {
    put_u64(p, r.off);
    put_u64(p + 8, r.bytes);
}

void write_header(const sfl_model &model, const BlobLayout &layout, unsigned char *h) {
    std::memcpy(h + kHdrMagic, kMagic, 4);
    put_u32(h + kHdrEndian, kEndianMark);
    put_u16(h + kHdrMajor, SFL_MODEL_FORMAT_MAJOR);
    put_u16(h + kHdrMinor, SFL_MODEL_FORMAT_MINOR);
    put_u32(h + kHdrHeaderBytes, static_cast<uint32_t>(kHeaderBytes));
    put_u64(h + kHdrTotal, layout.total);
    put_u32(h + kHdrLayers, static_cast<uint32_t>(model.n_layers));
    put_dims(h + kHdrIn, model.in);
    put_dims(h + kHdrOut, model.out);
    put_u32(h + kHdrFlags, layout.plans ? kFlagPlans : 0u);
}

void write_record(const sfl_model_layer &L, const LayerRegions &at, unsigned char *r) {
    int32_t solver;
    static_assert(sizeof L.enet.solver == sizeof solver, "enum size");
    std::memcpy(&solver, &L.enet.solver, sizeof solver);
    put_i32(r + kRecKind, L.kind);
    put_dims(r + kRecIn, L.in);
    put_dims(r + kRecOut, L.out);
    put_i32(r + kRecKernel, L.geom.kernel.h);
    put_i32(r + kRecKernel + 4, L.geom.kernel.w);
    put_i32(r + kRecStride, L.geom.stride.h);
    put_i32(r + kRecStride + 4, L.geom.stride.w);
    put_i32(r + kRecPadding, L.geom.padding.h);
    put_i32(r + kRecPadding + 4, L.geom.padding.w);
    put_f32(r + kRecL1, L.enet.l1);
    put_f32(r + kRecL2, L.enet.l2);
    put_f32(r + kRecTol, L.enet.tol);
    put_i32(r + kRecMaxIter, L.enet.max_iter);
    put_u32(r + kRecSolver, static_cast<uint32_t>(solver));
    put_region(r + kRecWeight, at.weight);
    put_region(r + kRecBias, at.bias);
    put_region(r + kRecPlan, at.plan);
    if (L.kind == SFL_MODEL_L2NORM) { // the other kinds keep zero bytes (a -0.0f field included)
        put_f32(r + kRecNormScale, L.norm.scale);
        put_f32(r + kRecNormEps, L.norm.eps);
    } else if (L.kind == SFL_MODEL_CSF || L.kind == SFL_MODEL_SF) {
        put_i32(r + kRecPositive, L.enet.positive);
    }
}

// The plan in its canonical image (blob_layout.hpp): fields, G and 1/G_jj read
// through the plan's own offsets, every other byte left zero.
void write_plan(const sfl_enet_plan *plan, unsigned char *p) {
    const int32_t K = plan->K;
    const PlanImage img = plan_image(K);
    put_u32(p + kPlanMagicAt, plan->magic);
    put_i32(p + kPlanM, plan->m);
    put_i32(p + kPlanK, K);
    put_f32(p + kPlanL2, plan->l2);
    put_u64(p + kPlanGOff, img.g_off);
    put_u64(p + kPlanInvOff, img.inv_off);
    put_f32_array(p + img.g_off, enet::plan_gram(plan), static_cast<size_t>(K) * static_cast<size_t>(K));
    put_f32_array(p + img.inv_off, enet::plan_inv_diag(plan), static_cast<size_t>(K));
}

} // namespace

sfl_status check_values(const sfl_model &model, const BlobLayout &layout) {
    for (int32_t i = 0; i < model.n_layers; ++i) {
        const sfl_model_layer &L = model.layers[i];
        const LayerRegions &at = layout.at[i];
        if (!all_finite(L.weight, at.weight.bytes / 4)) return SFL_ERR_NOT_FINITE;
        if (!all_finite(L.bias, at.bias.bytes / 4)) return SFL_ERR_NOT_FINITE;
        if (at.plan.bytes == 0) continue;
        const size_t K = static_cast<size_t>(L.plan->K);
        if (!all_finite(enet::plan_gram(L.plan), K * K) || !all_finite(enet::plan_inv_diag(L.plan), K))
            return SFL_ERR_NOT_FINITE;
    }
    return SFL_OK;
}

void write_blob(const sfl_model &model, const BlobLayout &layout, unsigned char *buf) {
    std::memset(buf, 0, static_cast<size_t>(layout.total));
    write_header(model, layout, buf);
    for (int32_t i = 0; i < model.n_layers; ++i) {
        const sfl_model_layer &L = model.layers[i];
        const LayerRegions &at = layout.at[i];
        write_record(L, at, buf + kHeaderBytes + kRecordBytes * static_cast<size_t>(i));
        if (at.weight.bytes) put_f32_array(buf + at.weight.off, L.weight, static_cast<size_t>(at.weight.bytes / 4));
        if (at.bias.bytes) put_f32_array(buf + at.bias.off, L.bias, static_cast<size_t>(at.bias.bytes / 4));
        if (at.plan.bytes) write_plan(L.plan, buf + at.plan.off);
    }
    const uint32_t payload = crc32_update(0, buf + kHeaderBytes, static_cast<size_t>(layout.total) - kHeaderBytes);
    put_u32(buf + kHdrPayloadCrc, payload);
    uint32_t hcrc = crc32_update(0, buf, kHdrCrc);
    hcrc = crc32_update(hcrc, buf + kHdrCrcGap, kHeaderBytes - kHdrCrcGap);
    put_u32(buf + kHdrCrc, hcrc);
}

} // namespace model
} // namespace sfl
