// The block driver of every batch of elastic-net solves (sfl_enet_encode, the SF
// and CSF forward): for a block of rows X_b (nb x m), C = X_b P by one GEMM and
// ||x||^2 per row, then each row solved from (G, c) - one at a time by LARS or
// CD, or several side by side by the lane-parallel LARS (lars_lanes.hpp) - with
// its diagnostics, its status added to an Outcome (common/outcome.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "sfl/sfl_enet.h"
#include "common/arena.hpp"
#include "common/outcome.hpp"
#include "kernels/enet/dispatch.hpp"

namespace sfl {
namespace enet {

// The lanes' part of a batch workspace (SFL_ENET_LANES_BYTES(K), sized for 16 lanes
// so the number is the same on every target): the kernel's own workspace, then for a
// block of SFL_ENET_LANES_BLOCK rows their correlations, ||x||^2, fallback flags and
// homotopy steps.
struct LanesBuffers {
    void *ws = nullptr;
    size_t ws_bytes = 0;
    float *C = nullptr;
    double *xsq = nullptr;
    uint8_t *fallback = nullptr;
    int32_t *steps = nullptr;
    static LanesBuffers carve(Arena &arena, int32_t K);
};

// Bytes the lanes kernel is handed inside SFL_ENET_LANES_BYTES(K): its
// workspace laid out for 16 lanes, the widest target (AVX-512), so >=
// lars_lanes_workspace_bytes(K) on every target. (The tests check that the carve of
// the lanes' part equals the macro.)
size_t lanes_kernel_bytes(int32_t K);

// Scratch of the driver: one block of correlations C (rows x K) and ||x||^2 (then
// each row's objective), the one-row solver's buffers, and with cfg.lanes the lanes'.
struct BlockBuffers {
    float *C = nullptr;
    double *xsq = nullptr;
    int32_t rows = 0; // block capacity: SFL_ENET_ENCODE_BLOCK, or SFL_ENET_LANES_BLOCK with the lanes' part
    SolverBuffers solve;
    bool lanes = false; // the lanes run: their part is carved and the build has more than one lane
    LanesBuffers lb;
    // The one-row part (SFL_ENET_ENCODE_WORKSPACE_BYTES), then with cfg.lanes the lanes'
    // (SFL_ENET_LANES_BYTES); C and xsq then point into the lanes' bigger block.
    static BlockBuffers carve(Arena &arena, const SolverConfig &cfg, int32_t K);
};

// Rows per block for cfg: SFL_ENET_LANES_BLOCK with the lanes' part, else SFL_ENET_ENCODE_BLOCK.
int32_t block_rows(const SolverConfig &cfg);

// Counters of encode_block calls (for tests and benchmarks; may be null).
struct BlockStats {
    int64_t lane_rows = 0;  // rows whose code came from the lanes
    int64_t one_rows = 0;   // rows solved one at a time (lanes off, or flagged by them)
};

// Codes of nb <= bb.rows rows Xb (nb x m) into Ab (nb x K); info (nb, may be null)
// gets each row's diagnostics; every row's status goes into *out. With objectives,
// bb.xsq[i] holds row i's objective afterwards (the layer's lU; rows the lanes
// solved then get their diagnostics even when info is null).
void encode_block(const BlockBuffers &bb, const SolverConfig &cfg, const sfl_enet_plan *plan, const float *P,
                  int32_t nb, const float *Xb, float *Ab, sfl_enet_info *info, bool objectives, Outcome *out,
                  BlockStats *stats = nullptr);

// encode_block over n rows, bb.rows at a time.
void encode_rows(const BlockBuffers &bb, const SolverConfig &cfg, const sfl_enet_plan *plan, const float *P,
                 int32_t n, const float *X, float *A, sfl_enet_info *info, Outcome *out, BlockStats *stats = nullptr);

} // namespace enet
} // namespace sfl
