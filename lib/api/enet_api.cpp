// extern "C" entry points of sfl_enet.h: argument checks, arena set-up,
// dispatch to the C++ kernels. Nothing here allocates or throws.
#include <cmath>
#include <cstring>

#include "sfl/sfl_enet.h"
#include "common/arena.hpp"
#include "common/api_checks.hpp"
#include "common/check.hpp"
#include "kernels/enet/dispatch.hpp"
#include "kernels/enet/lars_lanes.hpp"
#include "kernels/enet/plan.hpp"
#include "kernels/enet/problem.hpp"
#include "kernels/gemm/gemm.hpp"

using namespace sfl;
using namespace sfl::enet;

namespace {

sfl_status check_dims(const sfl_enet_dims *dims) {
    if (!dims) return SFL_ERR_NULL_ARG;
    if (dims->m < 1 || dims->K < 1 || dims->m > SFL_ENET_MAX_DIM || dims->K > SFL_ENET_MAX_DIM)
        return SFL_ERR_BAD_DIMS;
    return SFL_OK;
}

// The solver field as a plain integer: a C caller may store any int there, and
// loading an out-of-range value as the C++ enum type would be undefined.
int32_t solver_id(const sfl_enet_params *params) {
    static_assert(sizeof(sfl_enet_solver) == sizeof(int32_t), "enum size");
    int32_t v;
    std::memcpy(&v, &params->solver, sizeof v);
    return v;
}

// Checks params against a plan (l2 must be the plan's: G depends on it).
sfl_status check_params(const sfl_enet_params *params, const sfl_enet_plan *plan) {
    if (!params || !plan) return SFL_ERR_NULL_ARG;
    if (!plan_valid(plan)) return SFL_ERR_BAD_PLAN;
    if (!finite_nonneg(params->l1) || !finite_nonneg(params->l2)) return SFL_ERR_BAD_PARAM;
    if (params->l2 != plan->l2) return SFL_ERR_BAD_PARAM;
    if (params->max_iter < 0) return SFL_ERR_BAD_PARAM;
    const int32_t solver = solver_id(params);
    if (solver == SFL_ENET_CD) {
        if (!(params->tol > 0.0f && params->tol < 1.0f)) return SFL_ERR_BAD_PARAM;
    } else if (solver != SFL_ENET_LARS) {
        return SFL_ERR_BAD_PARAM;
    }
    return SFL_OK;
}

// Encode scratch: one GEMM block of correlations and its ||x||^2, then the solver's.
struct EncodeBuffers {
    float *C;
    double *xnorm;
    SolverBuffers solve;
    static EncodeBuffers carve(Arena &arena, sfl_enet_solver solver, int32_t K) {
        EncodeBuffers e;
        e.C = arena.take<float>(static_cast<size_t>(SFL_ENET_ENCODE_BLOCK) * static_cast<size_t>(K));
        e.xnorm = arena.take<double>(SFL_ENET_ENCODE_BLOCK);
        e.solve = SolverBuffers::carve(arena, solver, K);
        return e;
    }
};

// The lane-parallel LARS part of an encode workspace (SFL_ENET_ENCODE_LANES_BYTES(K),
// sized for 16 lanes so the number is the same on every target): the kernel's own
// workspace, then for a block of SFL_ENET_ENCODE_LANES_BLOCK rows their correlations,
// ||x||^2, fallback flags and homotopy steps.
struct LanesBuffers {
    static constexpr int32_t kBlock = SFL_ENET_ENCODE_LANES_BLOCK;
    void *ws = nullptr;
    size_t ws_bytes = 0;
    float *C = nullptr;
    double *xnorm = nullptr;
    uint8_t *fallback = nullptr;
    int32_t *steps = nullptr;
    static size_t kernel_bytes(int32_t K) {
        const size_t rows = kBlock;
        return SFL_ENET_ENCODE_LANES_BYTES(K) - Arena::align_up(4 * rows * static_cast<size_t>(K)) -
               Arena::align_up(8 * rows) - Arena::align_up(rows) - Arena::align_up(4 * rows);
    }
    static LanesBuffers carve(Arena &arena, int32_t K) {
        LanesBuffers l;
        l.ws_bytes = kernel_bytes(K);
        l.ws = arena.take<unsigned char>(l.ws_bytes);
        l.C = arena.take<float>(static_cast<size_t>(kBlock) * static_cast<size_t>(K));
        l.xnorm = arena.take<double>(kBlock);
        l.fallback = arena.take<uint8_t>(kBlock);
        l.steps = arena.take<int32_t>(kBlock);
        return l;
    }
};

// ||x||^2 in double (the objective's constant term).
double sqnorm(const float *x, int32_t m) {
    double s = 0.0;
    for (int32_t k = 0; k < m; ++k) s += static_cast<double>(x[k]) * x[k];
    return s;
}

// Lanes help only where there are several (SIMD builds).
bool lanes_apply(const sfl_enet_params *params, int32_t K) {
    return lars_lanes_width() > 1 && solver_id(params) == SFL_ENET_LARS && K <= SFL_ENET_ENCODE_LANES_MAX_K;
}

// One encode block by the lanes: codes of the nb rows of C, then per row what
// solve_row would report (the rows the lanes left to the one-row LARS are solved
// by it here, with their own status and info; so are rows whose c is not finite).
void encode_block_lanes(const LanesBuffers &lb, const SolverBuffers &sb, const SolverConfig &cfg,
                        const sfl_enet_plan *plan, int32_t nb, float *A, sfl_enet_info *info, sfl_status *worst_err,
                        bool *warned) {
    const int32_t K = plan->K;
    const float *C = lb.C;
    const double *xnorm = lb.xnorm;
    LanesStats stats;
    const sfl_status ks = lars_lanes_solve_rows(lb.ws, lb.ws_bytes, plan_gram(plan), plan_inv_diag(plan), K, cfg.l1,
                                                nb, C, xnorm, cfg.max_iter, A, &stats, lb.fallback, lb.steps, false);
    // The rows the lanes flag are solved once, below, by the one-row LARS (for their own
    // status and info). An argument error of the kernel itself (not expected: its
    // workspace is sized by the macro, checked by the tests) must not leave codes
    // unwritten: every row then goes there.
    const bool kernel_failed = ks == SFL_ERR_BAD_DIMS || ks == SFL_ERR_NULL_ARG || ks == SFL_ERR_MISALIGNED ||
                               ks == SFL_ERR_WORKSPACE_TOO_SMALL;
    for (int32_t i = 0; i < nb; ++i) {
        const float *c = C + static_cast<int64_t>(i) * K;
        float *a = A + static_cast<int64_t>(i) * K;
        sfl_enet_info *inf = info ? info + i : nullptr;
        sfl_status st = SFL_OK;
        if (kernel_failed || lb.fallback[i] || !all_finite(c, static_cast<size_t>(K)) || !all_finite(a, static_cast<size_t>(K))) {
            st = solve_row(sb, cfg, plan, c, xnorm[i], a, inf);
        } else if (inf) {
            evaluate(row_problem(plan, cfg.l1, c, xnorm[i]), a, sb.lars.r, inf); // r into LARS scratch: O(K nnz), not O(K^2)
            inf->status = SFL_OK;
            inf->iterations = lb.steps[i];
            inf->hit_iter_limit = 0;
        }
        if (st < 0 && *worst_err == SFL_OK) *worst_err = st;
        if (st == SFL_WARN_NOT_CONVERGED) *warned = true;
    }
}

sfl_status solve_common(const sfl_workspace *ws, const sfl_enet_params *params, const sfl_enet_plan *plan,
                        const float *c, double x_sqnorm, float *a, int32_t *support, float *chol,
                        sfl_enet_info *info, bool force_lars) {
    SFL_RETURN_IF_ERROR(check_params(params, plan));
    if (!c || !a) return SFL_ERR_NULL_ARG;
    const int32_t K = plan->K;
    const SolverConfig cfg = make_solver_config(params, K, force_lars ? SFL_ENET_LARS : params->solver);
    Arena count;
    SolverBuffers::carve(count, cfg.solver, K);
    SFL_RETURN_IF_ERROR(check_workspace(ws, count.used()));
    if (!std::isfinite(x_sqnorm) || x_sqnorm < 0.0) return SFL_ERR_NOT_FINITE;
    if (!all_finite(c, static_cast<size_t>(K))) return SFL_ERR_NOT_FINITE;
    Arena arena(ws->buf, ws->size);
    const SolverBuffers sb = SolverBuffers::carve(arena, cfg.solver, K);
    return solve_row(sb, cfg, plan, c, x_sqnorm, a, info, support, chol);
}

} // namespace

extern "C" {

SFL_API sfl_enet_params sfl_enet_default_params(void) {
    const sfl_enet_params p = SFL_ENET_PARAMS_INIT;
    return p;
}

SFL_API sfl_status sfl_enet_plan_size(const sfl_enet_dims *dims, size_t *bytes) {
    SFL_RETURN_IF_ERROR(check_dims(dims));
    if (!bytes) return SFL_ERR_NULL_ARG;
    Arena count;
    PlanRegions::carve(count, dims->K);
    *bytes = count.used();
    return SFL_OK;
}

SFL_API sfl_status sfl_enet_plan_init(void *mem, size_t size, const sfl_enet_params *params,
                                      const sfl_enet_dims *dims, const float *P, sfl_enet_plan **out) {
    if (out) *out = nullptr;
    if (!mem || !params || !P || !out) return SFL_ERR_NULL_ARG;
    SFL_RETURN_IF_ERROR(check_dims(dims));
    if (!finite_nonneg(params->l2)) return SFL_ERR_BAD_PARAM;
    const int32_t m = dims->m, K = dims->K;
    Arena count;
    PlanRegions::carve(count, K);
    if (size < count.used()) return SFL_ERR_WORKSPACE_TOO_SMALL;
    if (!is_aligned(mem)) return SFL_ERR_MISALIGNED;
    if (!all_finite(P, static_cast<size_t>(m) * static_cast<size_t>(K))) return SFL_ERR_NOT_FINITE;

    Arena arena(mem, size);
    const PlanRegions reg = PlanRegions::carve(arena, K);
    // G = P^T P (one SIMD GEMM), then + l2 on the diagonal.
    kernels::gemm_f32(K, K, m, P, K, true, P, K, reg.G, K, false);
    for (int32_t j = 0; j < K; ++j) {
        float &gjj = reg.G[static_cast<int64_t>(j) * K + j];
        if (!(gjj > 0.0f)) {
            std::memset(mem, 0, kPlanHeaderBytes); // never leave a half-built plan that looks valid
            return SFL_ERR_ZERO_ATOM;
        }
        gjj += params->l2;
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
    hdr.l2 = params->l2;
    hdr.g_off = static_cast<uint64_t>(reinterpret_cast<unsigned char *>(reg.G) - reg.header);
    hdr.inv_off = static_cast<uint64_t>(reinterpret_cast<unsigned char *>(reg.inv_diag) - reg.header);
    std::memset(reg.header, 0, kPlanHeaderBytes);
    std::memcpy(reg.header, &hdr, sizeof hdr);
    *out = reinterpret_cast<sfl_enet_plan *>(reg.header);
    return SFL_OK;
}

SFL_API sfl_status sfl_enet_plan_dims(const sfl_enet_plan *plan, sfl_enet_dims *dims) {
    if (!plan || !dims) return SFL_ERR_NULL_ARG;
    if (!plan_valid(plan)) return SFL_ERR_BAD_PLAN;
    dims->m = plan->m;
    dims->K = plan->K;
    return SFL_OK;
}

SFL_API const float *sfl_enet_plan_gram(const sfl_enet_plan *plan) {
    return plan_valid(plan) ? plan_gram(plan) : nullptr;
}

SFL_API sfl_status sfl_enet_solve_workspace_size(const sfl_enet_params *params, const sfl_enet_plan *plan,
                                                 size_t *bytes) {
    SFL_RETURN_IF_ERROR(check_params(params, plan));
    if (!bytes) return SFL_ERR_NULL_ARG;
    Arena count;
    SolverBuffers::carve(count, params->solver, plan->K);
    *bytes = count.used();
    return SFL_OK;
}

SFL_API sfl_status sfl_enet_solve(const sfl_workspace *ws, const sfl_enet_params *params,
                                  const sfl_enet_plan *plan, const float *c, double x_sqnorm, float *a,
                                  sfl_enet_info *info) {
    return solve_common(ws, params, plan, c, x_sqnorm, a, nullptr, nullptr, info, false);
}

SFL_API sfl_status sfl_enet_solve_lars_factor(const sfl_workspace *ws, const sfl_enet_params *params,
                                              const sfl_enet_plan *plan, const float *c, double x_sqnorm,
                                              float *a, int32_t *support, float *chol, sfl_enet_info *info) {
    if (!support || !chol) return SFL_ERR_NULL_ARG;
    return solve_common(ws, params, plan, c, x_sqnorm, a, support, chol, info, true);
}

SFL_API sfl_status sfl_enet_encode_workspace_size(const sfl_enet_params *params, const sfl_enet_plan *plan,
                                                  size_t *bytes) {
    SFL_RETURN_IF_ERROR(check_params(params, plan));
    if (!bytes) return SFL_ERR_NULL_ARG;
    Arena count;
    EncodeBuffers::carve(count, params->solver, plan->K);
    *bytes = count.used();
    return SFL_OK;
}

SFL_API sfl_status sfl_enet_encode(const sfl_workspace *ws, const sfl_enet_params *params,
                                   const sfl_enet_plan *plan, const float *P, int32_t n, const float *X,
                                   float *A, sfl_enet_info *info) {
    SFL_RETURN_IF_ERROR(check_params(params, plan));
    if (!P || !X || !A) return SFL_ERR_NULL_ARG;
    if (n < 1) return SFL_ERR_BAD_DIMS;
    const int32_t m = plan->m, K = plan->K;
    Arena count;
    EncodeBuffers::carve(count, params->solver, K);
    SFL_RETURN_IF_ERROR(check_workspace(ws, count.used()));
    if (!all_finite(X, static_cast<size_t>(n) * static_cast<size_t>(m))) return SFL_ERR_NOT_FINITE;

    // The lanes when the caller handed in their bytes too (SFL_ENET_ENCODE_LANES_BYTES(K)).
    const bool lanes = lanes_apply(params, K) && ws->size - count.used() >= SFL_ENET_ENCODE_LANES_BYTES(K);

    Arena arena(ws->buf, ws->size);
    const EncodeBuffers eb = EncodeBuffers::carve(arena, params->solver, K);
    const LanesBuffers lb = lanes ? LanesBuffers::carve(arena, K) : LanesBuffers{};
    const SolverConfig cfg = make_solver_config(params, K);
    sfl_status worst_err = SFL_OK;
    bool warned = false;
    for (int32_t i0 = 0; lanes && i0 < n; i0 += LanesBuffers::kBlock) {
        const int32_t nb = n - i0 < LanesBuffers::kBlock ? n - i0 : LanesBuffers::kBlock;
        const float *Xb = X + static_cast<int64_t>(i0) * m;
        kernels::gemm_f32(nb, K, m, Xb, m, false, P, K, lb.C, K, false);
        for (int32_t i = 0; i < nb; ++i) lb.xnorm[i] = sqnorm(Xb + static_cast<int64_t>(i) * m, m);
        encode_block_lanes(lb, eb.solve, cfg, plan, nb, A + static_cast<int64_t>(i0) * K, info ? info + i0 : nullptr,
                           &worst_err, &warned);
    }
    for (int32_t i0 = 0; !lanes && i0 < n; i0 += SFL_ENET_ENCODE_BLOCK) {
        const int32_t nb = n - i0 < SFL_ENET_ENCODE_BLOCK ? n - i0 : SFL_ENET_ENCODE_BLOCK;
        const float *Xb = X + static_cast<int64_t>(i0) * m;
        // C = X_block P: correlations of the block's signals with every atom.
        kernels::gemm_f32(nb, K, m, Xb, m, false, P, K, eb.C, K, false);
        for (int32_t i = 0; i < nb; ++i) eb.xnorm[i] = sqnorm(Xb + static_cast<int64_t>(i) * m, m);
        for (int32_t i = 0; i < nb; ++i) {
            const float *c = eb.C + static_cast<int64_t>(i) * K;
            float *a = A + static_cast<int64_t>(i0 + i) * K;
            sfl_enet_info *inf = info ? info + i0 + i : nullptr;
            const sfl_status st = solve_row(eb.solve, cfg, plan, c, eb.xnorm[i], a, inf);
            if (st < 0 && worst_err == SFL_OK) worst_err = st;
            if (st == SFL_WARN_NOT_CONVERGED) warned = true;
        }
    }
    if (worst_err != SFL_OK) return worst_err;
    return warned ? SFL_WARN_NOT_CONVERGED : SFL_OK;
}

SFL_API sfl_status sfl_enet_kkt_violation(const sfl_enet_plan *plan, float l1, const float *c, const float *a,
                                          float *kkt) {
    if (!plan || !c || !a || !kkt) return SFL_ERR_NULL_ARG;
    if (!plan_valid(plan)) return SFL_ERR_BAD_PLAN;
    if (!finite_nonneg(l1)) return SFL_ERR_BAD_PARAM;
    Problem pb;
    pb.G = plan_gram(plan);
    pb.inv_diag = plan_inv_diag(plan);
    pb.K = plan->K;
    pb.l1 = l1;
    pb.x_sqnorm = 0.0;
    pb.c = c;
    sfl_enet_info info;
    evaluate(pb, a, nullptr, &info);
    *kkt = info.kkt;
    return SFL_OK;
}

} // extern "C"
