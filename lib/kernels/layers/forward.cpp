#include "kernels/layers/forward.hpp"

#include "kernels/enet/plan.hpp"
#include "kernels/gemm/gemm.hpp"
#include "kernels/layers/support.hpp"

namespace sfl {
namespace layers {

ForwardBuffers ForwardBuffers::carve(Arena &arena, sfl_enet_solver solver, int32_t K) {
    ForwardBuffers fb;
    fb.C = arena.take<float>(static_cast<size_t>(SFL_LAYER_BLOCK) * static_cast<size_t>(K));
    fb.xobj = arena.take<double>(SFL_LAYER_BLOCK);
    fb.solve = SolverBuffers::carve(arena, solver, K);
    return fb;
}

void forward_block(const ForwardBuffers &fb, const SolverConfig &cfg, const sfl_enet_plan *plan, const float *P,
                   int32_t nb, const float *Xb, float *Ab, uint32_t *cache, sfl_enet_info *info, Outcome *out) {
    const int32_t m = plan->m, K = plan->K, words = support_words(K);
    kernels::gemm_f32(nb, K, m, Xb, m, false, P, K, fb.C, K, false);
    for (int32_t i = 0; i < nb; ++i) {
        const float *x = Xb + static_cast<int64_t>(i) * m;
        double xx = 0.0; // double: lU = 1/2(||x||^2 - c'a - a'r) + ... cancels when the fit is good
        for (int32_t k = 0; k < m; ++k) xx += static_cast<double>(x[k]) * x[k];
        fb.xobj[i] = xx;
    }
    for (int32_t i = 0; i < nb; ++i) {
        float *a = Ab + static_cast<int64_t>(i) * K;
        sfl_enet_info local;
        sfl_enet_info *inf = info ? info + i : &local;
        out->add(solve_row(fb.solve, cfg, plan, fb.C + static_cast<int64_t>(i) * K, fb.xobj[i], a, inf));
        fb.xobj[i] = inf->objective;
        if (cache) write_support(a, K, cache + static_cast<int64_t>(i) * words);
    }
}

} // namespace layers
} // namespace sfl
