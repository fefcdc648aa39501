#include "kernels/layers/backward.hpp"

#include <cstring>

#include "common/outcome.hpp"
#include "kernels/enet/plan.hpp"
#include "kernels/gemm/gemm.hpp"
#include "kernels/linalg/cholesky.hpp"
#include "kernels/linalg/dense.hpp"
#include "kernels/layers/support.hpp"
#include "kernels/patch/im2col.hpp"
#include "kernels/vec/vec.hpp"

namespace sfl {
namespace layers {

BackwardBuffers BackwardBuffers::carve(Arena &arena, int32_t m, int32_t K) {
    const size_t mm = static_cast<size_t>(m), k = static_cast<size_t>(K), nb = SFL_LAYER_BLOCK;
    BackwardBuffers bb;
    bb.PT = arena.take<float>(k * mm);
    bb.Z = arena.take<float>(2 * nb * mm);
    bb.Y = arena.take<float>(2 * nb * k);
    bb.w = arena.take<float>(nb);
    bb.L = arena.take<double>(k * k);
    bb.v = arena.take<double>(k);
    bb.S = arena.take<int32_t>(k);
    return bb;
}

namespace {

// Y row i = b_i: (G[S,S])^-1 g[S] on the support, 0 elsewhere (and 0 when flag is 0).
bool solve_b(const BackwardBuffers &bb, const float *G, int32_t K, const uint32_t *words, const float *g, float flag,
             float *b) {
    for (int32_t j = 0; j < K; ++j) b[j] = 0.0f;
    if (flag == 0.0f || g == nullptr) return true;
    const int32_t s = read_support(words, K, bb.S);
    if (s == 0) return true;
    if (!linalg::chol_factor_gathered(G, K, bb.S, s, bb.L, s)) return false;
    for (int32_t k = 0; k < s; ++k) bb.v[k] = static_cast<double>(g[bb.S[k]]);
    linalg::chol_solve(bb.L, s, s, bb.v);
    for (int32_t k = 0; k < s; ++k) b[bb.S[k]] = static_cast<float>(bb.v[k]);
    return true;
}

} // namespace

sfl_status backward_block(const BackwardBuffers &bb, const sfl_enet_plan *plan, const sfl_loss_mix &mix, int32_t nb,
                          const float *Ab, const uint32_t *cache, const float *dAb, float *dXb, float *dP) {
    const int32_t m = plan->m, K = plan->K, words = support_words(K);
    const float *G = enet::plan_gram(plan);
    float *R = bb.Z, *Q = bb.Z + static_cast<int64_t>(nb) * m;
    float *Yb = bb.Y, *Ya = bb.Y + static_cast<int64_t>(nb) * K;
    const int64_t nm = static_cast<int64_t>(nb) * m, nk = static_cast<int64_t>(nb) * K;

    // R = X - A P^T
    kernels::gemm_f32(nb, m, K, Ab, K, false, bb.PT, m, Q, m, false);
    for (int64_t e = 0; e < nm; ++e) R[e] -= Q[e];

    sfl_status status = SFL_OK;
    for (int32_t i = 0; i < nb; ++i) {
        const float *g = dAb ? dAb + static_cast<int64_t>(i) * K : nullptr;
        if (!solve_b(bb, G, K, cache + static_cast<int64_t>(i) * words, g, bb.w[i], Yb + static_cast<int64_t>(i) * K))
            status = SFL_WARN_ROWS_FAILED;
    }
    for (int64_t e = 0; e < nk; ++e) Ya[e] = Ab[e];

    // Q = B P^T (rows P b_i); dX = v Q + nu R
    kernels::gemm_f32(nb, m, K, Yb, K, false, bb.PT, m, Q, m, false);
    const float v = mix.input_sup_weight, nu = mix.input_lu_weight, w = mix.sup_weight, mu = mix.mu;
    if (dXb) {
        for (int64_t e = 0; e < nm; ++e) dXb[e] = v * Q[e];
        if (nu != 0.0f)
            for (int32_t i = 0; i < nb; ++i) kernels::axpy_f32(m, nu, R + static_cast<int64_t>(i) * m, dXb + static_cast<int64_t>(i) * m);
    }

    // Z = [R; -w B P^T], Y = [w B - mu A; A]; dP += Z^T Y
    for (int64_t e = 0; e < nm; ++e) Q[e] = -w * Q[e];
    if (w != 1.0f) // the whole-loss mix passes 1: skip the pass
        for (int64_t e = 0; e < nk; ++e) Yb[e] = w * Yb[e];
    if (mu != 0.0f)
        for (int32_t i = 0; i < nb; ++i) kernels::axpy_f32(K, -mu, Ya + static_cast<int64_t>(i) * K, Yb + static_cast<int64_t>(i) * K);
    kernels::gemm_f32(m, K, 2 * nb, bb.Z, m, true, bb.Y, K, dP, K, true);
    return status;
}

size_t backward_bytes(int32_t m, int32_t K, bool csf) {
    Arena count;
    BackwardBuffers::carve(count, m, K);
    if (csf) count.take<float>(static_cast<size_t>(SFL_LAYER_BLOCK) * static_cast<size_t>(m));
    return count.used();
}

sfl_status sf_backward(const sfl_workspace &ws, const sfl_loss_mix &mix, const sfl_enet_plan *plan, const float *P,
                       int32_t i0, int32_t i1, const float *X, const float *A, const uint32_t *cache,
                       const float *dA, const uint8_t *labelled, float *dX, float *dP) {
    constexpr int32_t kBlock = SFL_LAYER_BLOCK;
    const int32_t m = plan->m, K = plan->K, nw = support_words(K);
    Arena arena(ws.buf, ws.size);
    const BackwardBuffers bb = BackwardBuffers::carve(arena, m, K);
    linalg::transpose(m, K, P, bb.PT);
    Outcome out;
    for (int32_t b0 = i0; b0 < i1; b0 += kBlock) {
        const int32_t nb = i1 - b0 < kBlock ? i1 - b0 : kBlock;
        std::memcpy(bb.Z, X + static_cast<int64_t>(b0) * m, sizeof(float) * static_cast<size_t>(nb) * static_cast<size_t>(m));
        for (int32_t i = 0; i < nb; ++i) bb.w[i] = reads_row(mix, dX != nullptr, labelled, dA, b0 + i) ? 1.0f : 0.0f;
        out.add(backward_block(bb, plan, mix, nb, A + static_cast<int64_t>(b0) * K,
                               cache + static_cast<int64_t>(b0) * nw, dA ? dA + static_cast<int64_t>(b0) * K : nullptr,
                               dX ? dX + static_cast<int64_t>(b0) * m : nullptr, dP));
    }
    return out.status();
}

sfl_status csf_backward(const sfl_workspace &ws, const sfl_loss_mix &mix, const patch::Geometry &g,
                        const sfl_enet_plan *plan, const float *P, int32_t i0, int32_t i1, const float *X,
                        const float *A, const uint32_t *cache, const float *dA, const uint8_t *labelled, float *dX,
                        float *dP) {
    constexpr int32_t kBlock = SFL_LAYER_BLOCK;
    const int32_t m = plan->m, K = plan->K, nw = support_words(K);
    const int64_t np = g.patches(), img = g.image_elems();
    Arena arena(ws.buf, ws.size);
    const BackwardBuffers bb = BackwardBuffers::carve(arena, m, K);
    float *dtile = arena.take<float>(static_cast<size_t>(kBlock) * static_cast<size_t>(m));
    linalg::transpose(m, K, P, bb.PT);
    Outcome out;
    for (int32_t i = i0; i < i1; ++i) {
        float *dXi = dX ? dX + i * img : nullptr;
        if (dXi) std::memset(dXi, 0, sizeof(float) * static_cast<size_t>(img));
        const float w = reads_row(mix, dX != nullptr, labelled, dA, i) ? 1.0f : 0.0f;
        for (int64_t p0 = 0; p0 < np; p0 += kBlock) {
            const int32_t nb = static_cast<int32_t>(np - p0 < kBlock ? np - p0 : kBlock);
            const int64_t row = i * np + p0;
            patch::im2col_rows(g, X + i * img, p0, p0 + nb, bb.Z);
            for (int32_t k = 0; k < nb; ++k) bb.w[k] = w;
            out.add(backward_block(bb, plan, mix, nb, A + row * K, cache + row * nw,
                                   dA ? dA + row * K : nullptr, dXi ? dtile : nullptr, dP));
            if (dXi) patch::col2im_rows(g, dtile, p0, p0 + nb, dXi);
        }
    }
    return out.status();
}

} // namespace layers
} // namespace sfl
