#include "kernels/enet/encode.hpp"

#include "common/check.hpp"
#include "kernels/enet/lars_lanes.hpp"
#include "kernels/enet/plan.hpp"
#include "kernels/enet/problem.hpp"
#include "kernels/gemm/gemm.hpp"
#include "simd/simd.hpp"

namespace sfl {
namespace enet {

namespace {

constexpr int32_t kLanesBlock = SFL_ENET_LANES_BLOCK;

// ||x||^2 in double (the objective's constant term; lU = 1/2(||x||^2 - c'a - a'r) + ...
// cancels when the fit is good, so float would not do).
double sqnorm(const float *x, int32_t m) {
    double s = 0.0;
    for (int32_t k = 0; k < m; ++k) s += static_cast<double>(x[k]) * x[k];
    return s;
}

// One block by the lanes: codes of the nb rows of bb.C; the rows the lanes flag
// (and rows whose c or code is not finite) are solved once more by solve_row, for
// their own status and info.
void solve_block_lanes(const BlockBuffers &bb, const SolverConfig &cfg, const sfl_enet_plan *plan, int32_t nb,
                       float *A, sfl_enet_info *info, bool objectives, Outcome *out, BlockStats *stats) {
    const int32_t K = plan->K;
    const LanesBuffers &lb = bb.lb;
    const sfl_status ks = lars_lanes_solve_rows(lb.ws, lb.ws_bytes, plan_gram(plan), plan_inv_diag(plan), K, cfg.l1,
                                                nb, bb.C, bb.xsq, cfg.max_iter, A, nullptr, lb.fallback, lb.steps,
                                                false);
    // An argument error of the kernel itself (not expected: its workspace is sized by
    // the macro, checked by the tests) must not leave codes unwritten: every row then
    // goes to solve_row.
    const bool kernel_failed = ks == SFL_ERR_BAD_DIMS || ks == SFL_ERR_NULL_ARG || ks == SFL_ERR_MISALIGNED ||
                               ks == SFL_ERR_WORKSPACE_TOO_SMALL;
    for (int32_t i = 0; i < nb; ++i) {
        const float *c = bb.C + static_cast<int64_t>(i) * K;
        float *a = A + static_cast<int64_t>(i) * K;
        sfl_enet_info local;
        sfl_enet_info *inf = info ? info + i : &local;
        if (kernel_failed || lb.fallback[i] || !all_finite(c, static_cast<size_t>(K)) ||
            !all_finite(a, static_cast<size_t>(K))) {
            out->add(solve_row(bb.solve, cfg, plan, c, bb.xsq[i], a, inf));
            if (stats) ++stats->one_rows;
        } else {
            if (info) {
                // r into the LARS scratch: O(K nnz), not O(K^2)
                evaluate(row_problem(plan, cfg, c, bb.xsq[i]), a, bb.solve.lars.r, inf);
                inf->status = SFL_OK;
                inf->iterations = lb.steps[i];
                inf->hit_iter_limit = 0;
            } else if (objectives) {
                // the layers' training forward: lU alone, the same float as evaluate()'s
                local.objective = static_cast<float>(objective(row_problem(plan, cfg, c, bb.xsq[i]), a));
            }
            if (stats) ++stats->lane_rows;
        }
        if (objectives) bb.xsq[i] = inf->objective;
    }
}

} // namespace

size_t lanes_kernel_bytes(int32_t K) { return lars_lanes_workspace_bytes_for(K, 16); }

LanesBuffers LanesBuffers::carve(Arena &arena, int32_t K) {
    LanesBuffers l;
    l.ws_bytes = lanes_kernel_bytes(K);
    l.ws = arena.take<unsigned char>(l.ws_bytes);
    l.C = arena.take<float>(static_cast<size_t>(kLanesBlock) * static_cast<size_t>(K));
    l.xsq = arena.take<double>(kLanesBlock);
    l.fallback = arena.take<uint8_t>(kLanesBlock);
    l.steps = arena.take<int32_t>(kLanesBlock);
    return l;
}

BlockBuffers BlockBuffers::carve(Arena &arena, const SolverConfig &cfg, int32_t K) {
    BlockBuffers b;
    b.C = arena.take<float>(static_cast<size_t>(SFL_ENET_ENCODE_BLOCK) * static_cast<size_t>(K));
    b.xsq = arena.take<double>(SFL_ENET_ENCODE_BLOCK);
    b.rows = SFL_ENET_ENCODE_BLOCK;
    b.solve = SolverBuffers::carve(arena, cfg.solver, K);
    if (cfg.lanes) {
        b.lb = LanesBuffers::carve(arena, K);
        b.C = b.lb.C; // the lanes take bigger blocks into their own buffers
        b.xsq = b.lb.xsq;
        b.rows = block_rows(cfg);
        // A scalar build solves one row at a time; so are non-negative codes (the lanes'
        // homotopy is the signed one): their workspace is carved all the same, so the
        // sizes do not depend on params->positive.
        b.lanes = SFL_HAS_SIMD && lars_lanes_width() > 1 && !cfg.positive;
    }
    return b;
}

int32_t block_rows(const SolverConfig &cfg) { return cfg.lanes ? kLanesBlock : SFL_ENET_ENCODE_BLOCK; }

void encode_block(const BlockBuffers &bb, const SolverConfig &cfg, const sfl_enet_plan *plan, const float *P,
                  int32_t nb, const float *Xb, float *Ab, sfl_enet_info *info, bool objectives, Outcome *out,
                  BlockStats *stats) {
    const int32_t m = plan->m, K = plan->K;
    // C = X_block P: correlations of the block's signals with every atom.
    kernels::gemm_f32(nb, K, m, Xb, m, false, P, K, bb.C, K, false);
    for (int32_t i = 0; i < nb; ++i) bb.xsq[i] = sqnorm(Xb + static_cast<int64_t>(i) * m, m);
    // SFL_HAS_SIMD: a scalar build (Cortex-M) never runs the lanes (width 1), and with the
    // branch gone at compile time the linker leaves their 7.6 KB out of the firmware.
    if (SFL_HAS_SIMD && bb.lanes) {
        solve_block_lanes(bb, cfg, plan, nb, Ab, info, objectives, out, stats);
        return;
    }
    for (int32_t i = 0; i < nb; ++i) {
        sfl_enet_info local;
        sfl_enet_info *inf = info ? info + i : &local;
        out->add(solve_row(bb.solve, cfg, plan, bb.C + static_cast<int64_t>(i) * K, bb.xsq[i],
                           Ab + static_cast<int64_t>(i) * K, inf));
        if (objectives) bb.xsq[i] = inf->objective;
    }
    if (stats) stats->one_rows += nb;
}

void encode_rows(const BlockBuffers &bb, const SolverConfig &cfg, const sfl_enet_plan *plan, const float *P,
                 int32_t n, const float *X, float *A, sfl_enet_info *info, Outcome *out, BlockStats *stats) {
    const int32_t m = plan->m, K = plan->K;
    for (int32_t i0 = 0; i0 < n; i0 += bb.rows) {
        const int32_t nb = n - i0 < bb.rows ? n - i0 : bb.rows;
        encode_block(bb, cfg, plan, P, nb, X + static_cast<int64_t>(i0) * m, A + static_cast<int64_t>(i0) * K,
                     info ? info + i0 : nullptr, false, out, stats);
    }
}

} // namespace enet
} // namespace sfl
