#include "kernels/enet/plan.hpp"

#include <cmath>
#include <cstring>
#include <limits>

#include "common/check.hpp"
#include "kernels/gemm/gemm.hpp"
#include "kernels/linalg/dense.hpp"

namespace sfl {
namespace enet {

void gram_rows(int32_t m, int32_t K, const float *P, int32_t j0, int32_t j1, float *G) {
    for (int32_t b = j0; b < j1; b += kGramRowBlock) {
        const int32_t rows = j1 - b < kGramRowBlock ? j1 - b : kGramRowBlock;
        kernels::gemm_f32(rows, K - b, m, P + b, K, true, P + b, K, G + static_cast<int64_t>(b) * K + b, K, false);
    }
}

namespace {

// The entries left of each row block's diagonal block, G[i][j] = G[j][i] (j below the
// block of i): gram_rows computed them as part of the rows above. In tiles, so that the
// column reads stay in cache.
void mirror_lower(int32_t K, float *G) {
    constexpr int32_t kTile = 32;
    for (int32_t b = kGramRowBlock; b < K; b += kGramRowBlock) {
        const int32_t b1 = K - b < kGramRowBlock ? K : b + kGramRowBlock;
        for (int32_t j0 = 0; j0 < b; j0 += kTile) {
            const int32_t j1 = b - j0 < kTile ? b : j0 + kTile;
            for (int32_t i = b; i < b1; ++i)
                for (int32_t j = j0; j < j1; ++j)
                    G[static_cast<int64_t>(i) * K + j] = G[static_cast<int64_t>(j) * K + i];
        }
    }
}

} // namespace

sfl_status finish_plan(void *mem, size_t size, float l2, int32_t m, int32_t K, sfl_enet_plan **out) {
    Arena arena(mem, size);
    const PlanRegions reg = PlanRegions::carve(arena, K);
    std::memset(reg.header, 0, kPlanHeaderBytes); // a half-built plan never looks valid
    mirror_lower(K, reg.G);
    for (int32_t j = 0; j < K; ++j) {
        float &gjj = reg.G[static_cast<int64_t>(j) * K + j];
        if (!(gjj > 0.0f)) return SFL_ERR_ZERO_ATOM;
        gjj += l2;
        reg.inv_diag[j] = 1.0f / gjj;
    }
    if (!all_finite(reg.G, static_cast<size_t>(K) * static_cast<size_t>(K)))
        return SFL_ERR_NOT_FINITE; // P finite but P^T P overflowed float
    sfl_enet_plan hdr;
    std::memset(&hdr, 0, sizeof hdr);
    hdr.magic = kPlanMagic;
    hdr.m = m;
    hdr.K = K;
    hdr.l2 = l2;
    hdr.g_off = static_cast<uint64_t>(reinterpret_cast<unsigned char *>(reg.G) - reg.header);
    hdr.inv_off = static_cast<uint64_t>(reinterpret_cast<unsigned char *>(reg.inv_diag) - reg.header);
    std::memcpy(reg.header, &hdr, sizeof hdr);
    *out = reinterpret_cast<sfl_enet_plan *>(reg.header);
    return SFL_OK;
}

sfl_status build_plan(void *mem, size_t size, float l2, int32_t m, int32_t K, const float *P, sfl_enet_plan **out) {
    Arena arena(mem, size);
    const PlanRegions reg = PlanRegions::carve(arena, K);
    gram_rows(m, K, P, 0, K, reg.G);
    return finish_plan(mem, size, l2, m, K, out);
}

sfl_status check_dictionary(const sfl_enet_plan *plan, const float *P) {
    const int32_t m = plan->m, K = plan->K;
    if (!all_finite(P, static_cast<size_t>(m) * static_cast<size_t>(K))) return SFL_ERR_NOT_FINITE;
    const float *G = plan_gram(plan);
    const double l2 = plan->l2;
    constexpr int32_t kChunk = 64; // columns summed per pass: P read row by row, no workspace
    double n2[kChunk];
    for (int32_t j0 = 0; j0 < K; j0 += kChunk) {
        const int32_t w = K - j0 < kChunk ? K - j0 : kChunk;
        linalg::column_sqnorms(m, K, P, j0, w, n2);
        for (int32_t j = 0; j < w; ++j) {
            if (!(n2[j] > 0.0)) return SFL_ERR_ZERO_ATOM;
            const double gjj = G[static_cast<int64_t>(j0 + j) * K + j0 + j];
            // The plan's float G_jj of a tiny column (norm below ~1e-19) is a subnormal: each
            // of its m products and sums rounds to the 2^-149 grid, so allow m of those too
            // (else the plan built from this very P is rejected: docs/robustness.md, Fuzzing).
            const double slack = 1e-3 * gjj + static_cast<double>(m) * std::numeric_limits<float>::denorm_min();
            if (std::fabs(n2[j] + l2 - gjj) > slack) return SFL_ERR_BAD_PLAN;
        }
    }
    return SFL_OK;
}

} // namespace enet
} // namespace sfl
