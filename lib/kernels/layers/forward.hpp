// SF and CSF forward over a sample range (sfl_layers.h; arguments checked by the
// caller): rows in blocks (SFL_LAYER_BLOCK, or SFL_ENET_LANES_BLOCK with the lanes) through the enet block driver
// (kernels/enet/encode.hpp), then each code's support into the cache and lU.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sfl/sfl_layers.h"
#include "common/arena.hpp"
#include "common/outcome.hpp"
#include "kernels/enet/encode.hpp"
#include "kernels/patch/geometry.hpp"

namespace sfl {
namespace layers {

struct ForwardBuffers {
    float *tile = nullptr; // CSF: block.rows x m im2col tile
    enet::BlockBuffers block;
    // The CSF tile (csf), then the block driver's buffers for cfg (with cfg.lanes the
    // lanes' part, and blocks of SFL_ENET_LANES_BLOCK rows).
    static ForwardBuffers carve(Arena &arena, const enet::SolverConfig &cfg, int32_t m, int32_t K, bool csf);
};

// Workspace bytes of the SF (csf = false) or CSF forward (== SFL_SF/CSF_FORWARD_WORKSPACE_BYTES,
// or the _LANES_ macros with cfg.lanes).
size_t forward_bytes(const enet::SolverConfig &cfg, int32_t m, int32_t K, bool csf);

// Samples [i0, i1) of X (n x m) -> codes A (n x K); cache words, lu, info may be null.
void sf_forward(const ForwardBuffers &fb, const enet::SolverConfig &cfg, const sfl_enet_plan *plan, const float *P,
                int32_t i0, int32_t i1, const float *X, float *A, uint32_t *cache, float *lu, sfl_enet_info *info,
                Outcome *out);

// Images [i0, i1) of X (g: n x h x w x c) -> codes A (n x oh x ow x K), one per patch;
// lu[i] sums the image's patches; cache words, lu, info may be null.
void csf_forward(const ForwardBuffers &fb, const enet::SolverConfig &cfg, const patch::Geometry &g,
                 const sfl_enet_plan *plan, const float *P, int32_t i0, int32_t i1, const float *X, float *A,
                 uint32_t *cache, float *lu, sfl_enet_info *info, Outcome *out);

} // namespace layers
} // namespace sfl
