#include "kernels/enet/plan.hpp"

#include <cstring>

#include "common/check.hpp"
#include "kernels/gemm/gemm.hpp"

namespace sfl {
namespace enet {

sfl_status build_plan(void *mem, size_t size, float l2, int32_t m, int32_t K, const float *P, sfl_enet_plan **out) {
    Arena arena(mem, size);
    const PlanRegions reg = PlanRegions::carve(arena, K);
    kernels::gemm_f32(K, K, m, P, K, true, P, K, reg.G, K, false);
    for (int32_t j = 0; j < K; ++j) {
        float &gjj = reg.G[static_cast<int64_t>(j) * K + j];
        if (!(gjj > 0.0f)) {
            std::memset(mem, 0, kPlanHeaderBytes);
            return SFL_ERR_ZERO_ATOM;
        }
        gjj += l2;
        reg.inv_diag[j] = 1.0f / gjj;
    }
    if (!all_finite(reg.G, static_cast<size_t>(K) * static_cast<size_t>(K))) {
        std::memset(mem, 0, kPlanHeaderBytes);
        return SFL_ERR_NOT_FINITE; // P finite but P^T P overflowed float
    }
    sfl_enet_plan hdr;
    std::memset(&hdr, 0, sizeof hdr);
    hdr.magic = kPlanMagic;
    hdr.m = m;
    hdr.K = K;
    hdr.l2 = l2;
    hdr.g_off = static_cast<uint64_t>(reinterpret_cast<unsigned char *>(reg.G) - reg.header);
    hdr.inv_off = static_cast<uint64_t>(reinterpret_cast<unsigned char *>(reg.inv_diag) - reg.header);
    std::memset(reg.header, 0, kPlanHeaderBytes);
    std::memcpy(reg.header, &hdr, sizeof hdr);
    *out = reinterpret_cast<sfl_enet_plan *>(reg.header);
    return SFL_OK;
}

} // namespace enet
} // namespace sfl
