#include "kernels/layers/forward.hpp"

#include "kernels/enet/plan.hpp"
#include "kernels/layers/support.hpp"
#include "kernels/patch/im2col.hpp"

namespace sfl {
namespace layers {

namespace {

// nb rows Xb -> Ab, their supports into cache (may be null); afterwards
// fb.block.xsq[0 .. nb) holds each row's lU.
void forward_block(const ForwardBuffers &fb, const enet::SolverConfig &cfg, const sfl_enet_plan *plan,
                   const float *P, int32_t nb, const float *Xb, float *Ab, uint32_t *cache, sfl_enet_info *info,
                   Outcome *out) {
    const int32_t K = plan->K, words = support_words(K);
    enet::encode_block(fb.block, cfg, plan, P, nb, Xb, Ab, info, true, out);
    if (cache)
        for (int32_t i = 0; i < nb; ++i)
            write_support(Ab + static_cast<int64_t>(i) * K, K, cache + static_cast<int64_t>(i) * words);
}

} // namespace

ForwardBuffers ForwardBuffers::carve(Arena &arena, const enet::SolverConfig &cfg, int32_t m, int32_t K, bool csf) {
    ForwardBuffers fb;
    if (csf) fb.tile = arena.take<float>(static_cast<size_t>(enet::block_rows(cfg)) * static_cast<size_t>(m));
    fb.block = enet::BlockBuffers::carve(arena, cfg, K);
    return fb;
}

size_t forward_bytes(const enet::SolverConfig &cfg, int32_t m, int32_t K, bool csf) {
    Arena count;
    ForwardBuffers::carve(count, cfg, m, K, csf);
    return count.used();
}

void sf_forward(const ForwardBuffers &fb, const enet::SolverConfig &cfg, const sfl_enet_plan *plan, const float *P,
                int32_t i0, int32_t i1, const float *X, float *A, uint32_t *cache, float *lu, sfl_enet_info *info,
                Outcome *out) {
    const int32_t m = plan->m, K = plan->K, nw = support_words(K), kBlock = fb.block.rows;
    for (int32_t b0 = i0; b0 < i1; b0 += kBlock) {
        const int32_t nb = i1 - b0 < kBlock ? i1 - b0 : kBlock;
        forward_block(fb, cfg, plan, P, nb, X + static_cast<int64_t>(b0) * m, A + static_cast<int64_t>(b0) * K,
                      cache ? cache + static_cast<int64_t>(b0) * nw : nullptr, info ? info + b0 : nullptr, out);
        if (lu)
            for (int32_t i = 0; i < nb; ++i) lu[b0 + i] = static_cast<float>(fb.block.xsq[i]);
    }
}

void csf_forward(const ForwardBuffers &fb, const enet::SolverConfig &cfg, const patch::Geometry &g,
                 const sfl_enet_plan *plan, const float *P, int32_t i0, int32_t i1, const float *X, float *A,
                 uint32_t *cache, float *lu, sfl_enet_info *info, Outcome *out) {
    const int32_t K = plan->K, nw = support_words(K), kBlock = fb.block.rows;
    const int64_t np = g.patches(), img = g.image_elems();
    for (int32_t i = i0; i < i1; ++i) {
        double lu_sum = 0.0;
        for (int64_t p0 = 0; p0 < np; p0 += kBlock) {
            const int32_t nb = static_cast<int32_t>(np - p0 < kBlock ? np - p0 : kBlock);
            const int64_t row = i * np + p0;
            patch::im2col_rows(g, X + i * img, p0, p0 + nb, fb.tile);
            forward_block(fb, cfg, plan, P, nb, fb.tile, A + row * K, cache ? cache + row * nw : nullptr,
                          info ? info + row : nullptr, out);
            for (int32_t k = 0; k < nb; ++k) lu_sum += fb.block.xsq[k];
        }
        if (lu) lu[i] = static_cast<float>(lu_sum);
    }
}

} // namespace layers
} // namespace sfl
