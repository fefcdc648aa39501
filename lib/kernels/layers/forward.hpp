// Forward of a block of at most SFL_LAYER_BLOCK rows (SF samples or CSF
// patches): C = X_block P by GEMM, ||x||^2 per row, one solve per row, the
// support of each code into the cache, lU per row.
#pragma once

#include <cstdint>

#include "sfl/sfl_layers.h"
#include "common/arena.hpp"
#include "kernels/enet/dispatch.hpp"

namespace sfl {
namespace layers {

using enet::make_solver_config;
using enet::solve_row;
using enet::SolverBuffers;
using enet::SolverConfig;

struct ForwardBuffers {
    float *C;      // SFL_LAYER_BLOCK x K correlations
    double *xobj;  // per row: ||x||^2 before the solves, lU after
    SolverBuffers solve;
    static ForwardBuffers carve(Arena &arena, sfl_enet_solver solver, int32_t K);
};

// Worst outcome over rows: the first error, else a warning if any row warned.
struct Outcome {
    sfl_status first_error = SFL_OK;
    bool warned = false;
    void add(sfl_status st) {
        if (st < 0 && first_error == SFL_OK) first_error = st;
        if (st == SFL_WARN_NOT_CONVERGED) warned = true;
    }
    sfl_status status() const { return first_error != SFL_OK ? first_error : (warned ? SFL_WARN_NOT_CONVERGED : SFL_OK); }
};

// Rows Xb (nb x m) -> codes Ab (nb x K); cache (nb rows of support words) and
// info (nb) may be null. Afterwards fb.xobj[0 .. nb) holds each row's lU.
void forward_block(const ForwardBuffers &fb, const SolverConfig &cfg, const sfl_enet_plan *plan, const float *P,
                   int32_t nb, const float *Xb, float *Ab, uint32_t *cache, sfl_enet_info *info, Outcome *out);

} // namespace layers
} // namespace sfl
