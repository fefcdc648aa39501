#include "kernels/layers/backward.hpp"

#include "kernels/enet/plan.hpp"
#include "kernels/gemm/gemm.hpp"
#include "kernels/layers/gram_solve.hpp"
#include "kernels/layers/support.hpp"
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

void transpose_dict(int32_t m, int32_t K, const float *P, float *PT) {
    constexpr int32_t T = 16; // square tiles keep both sides in cache
    for (int32_t r0 = 0; r0 < m; r0 += T)
        for (int32_t k0 = 0; k0 < K; k0 += T) {
            const int32_t r1 = r0 + T < m ? r0 + T : m, k1 = k0 + T < K ? k0 + T : K;
            for (int32_t r = r0; r < r1; ++r)
                for (int32_t k = k0; k < k1; ++k)
                    PT[static_cast<int64_t>(k) * m + r] = P[static_cast<int64_t>(r) * K + k];
        }
}

namespace {

// Y row i = b_i: w_i (G[S,S])^-1 g[S] on the support, 0 elsewhere.
bool solve_b(const BackwardBuffers &bb, const float *G, int32_t K, const uint32_t *words, const float *g, float w,
             float *b) {
    for (int32_t j = 0; j < K; ++j) b[j] = 0.0f;
    if (w == 0.0f || g == nullptr) return true;
    const int32_t s = read_support(words, K, bb.S);
    if (s == 0) return true;
    if (!factor_gram(G, K, bb.S, s, bb.L)) return false;
    for (int32_t k = 0; k < s; ++k) bb.v[k] = static_cast<double>(w) * g[bb.S[k]];
    solve_factored(bb.L, s, bb.v);
    for (int32_t k = 0; k < s; ++k) b[bb.S[k]] = static_cast<float>(bb.v[k]);
    return true;
}

} // namespace

sfl_status backward_block(const BackwardBuffers &bb, const sfl_enet_plan *plan, float mu, float mu_x, int32_t nb,
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
            status = SFL_ERR_SINGULAR;
    }
    for (int64_t e = 0; e < nk; ++e) Ya[e] = Ab[e];

    // Q = B P^T (rows P b_i); dX = Q + mu_x R
    kernels::gemm_f32(nb, m, K, Yb, K, false, bb.PT, m, Q, m, false);
    if (dXb) {
        for (int64_t e = 0; e < nm; ++e) dXb[e] = Q[e];
        if (mu_x != 0.0f)
            for (int32_t i = 0; i < nb; ++i) kernels::axpy_f32(m, mu_x, R + static_cast<int64_t>(i) * m, dXb + static_cast<int64_t>(i) * m);
    }

    // Z = [R; -B P^T], Y = [B - mu A; A]; dP += Z^T Y
    for (int64_t e = 0; e < nm; ++e) Q[e] = -Q[e];
    if (mu != 0.0f)
        for (int32_t i = 0; i < nb; ++i) kernels::axpy_f32(K, -mu, Ya + static_cast<int64_t>(i) * K, Yb + static_cast<int64_t>(i) * K);
    kernels::gemm_f32(m, K, 2 * nb, bb.Z, m, true, bb.Y, K, dP, K, true);
    return status;
}

} // namespace layers
} // namespace sfl
