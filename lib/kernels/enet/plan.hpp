// The layout of sfl_enet_plan in caller memory. Position-independent: G and
// 1/G_jj are found by offsets from the plan's own address, so a plan can be
// copied byte for byte (e.g. into flash) and stays valid.
#pragma once

#include <cstdint>

#include "sfl/sfl_enet.h"
#include "common/arena.hpp"

struct sfl_enet_plan {
    uint32_t magic;   // kPlanMagic once initialised
    int32_t m;        // signal length
    int32_t K;        // atoms
    float l2;         // ridge weight folded into G
    uint64_t g_off;   // byte offset of G (K x K row-major floats)
    uint64_t inv_off; // byte offset of 1/G_jj (K floats)
};

namespace sfl {
namespace enet {

constexpr uint32_t kPlanMagic = 0x53464C50u; // "SFLP"
constexpr size_t kPlanHeaderBytes = 256;     // the first term of SFL_ENET_PLAN_BYTES
static_assert(sizeof(sfl_enet_plan) <= kPlanHeaderBytes, "plan header outgrew its reserved bytes");

inline const float *plan_gram(const sfl_enet_plan *p) {
    return reinterpret_cast<const float *>(reinterpret_cast<const unsigned char *>(p) + p->g_off);
}
inline const float *plan_inv_diag(const sfl_enet_plan *p) {
    return reinterpret_cast<const float *>(reinterpret_cast<const unsigned char *>(p) + p->inv_off);
}
inline bool plan_valid(const sfl_enet_plan *p) { return p != nullptr && p->magic == kPlanMagic; }

// Carves (or counts) the plan's regions: header, G, 1/G_jj.
struct PlanRegions {
    unsigned char *header;
    float *G;
    float *inv_diag;
    static PlanRegions carve(Arena &arena, int32_t K) {
        PlanRegions r;
        r.header = arena.take<unsigned char>(kPlanHeaderBytes);
        r.G = arena.take<float>(static_cast<size_t>(K) * static_cast<size_t>(K));
        r.inv_diag = arena.take<float>(static_cast<size_t>(K));
        return r;
    }
};

// Bytes of a plan for K atoms (== SFL_ENET_PLAN_BYTES(K)).
inline size_t plan_bytes(int32_t K) {
    Arena count;
    PlanRegions::carve(count, K);
    return count.used();
}

// Rows of G = P^T P are computed in blocks of this many, each block one GEMM whose
// extent depends only on the block: a plan built in row ranges whose bounds are
// multiples of it (sfl_enet_plan_init_rows) holds the same floats as one built at once.
constexpr int32_t kGramRowBlock = SFL_ENET_PLAN_ROW_BLOCK;

// Rows [j0, j1) of P^T P (P: m x K row-major) into G (K x K row-major), j0 a
// multiple of kGramRowBlock: of each row block only the columns from its diagonal
// block on (P^T P is symmetric: finish_plan copies the rest from the rows above,
// so a plan costs about half the GEMM flops of the full product).
void gram_rows(int32_t m, int32_t K, const float *P, int32_t j0, int32_t j1, float *G);

// The second half of a plan build, once every row of P^T P is in mem's G region:
// the lower entries copied by symmetry, l2 on the diagonal, 1/G_jj, the checks, then
// the header (cleared first).
// Returns as build_plan.
sfl_status finish_plan(void *mem, size_t size, float l2, int32_t m, int32_t K, sfl_enet_plan **out);

// Builds a plan of P (m x K, finite) with ridge l2 into mem (checked by the caller:
// aligned, at least the carved size): G = P^T P (one GEMM) + l2 on the diagonal,
// 1/G_jj, then the header. Returns SFL_OK with *out set; SFL_ERR_ZERO_ATOM (a zero
// column) or SFL_ERR_NOT_FINITE (P^T P overflowed float) with the header cleared,
// so a half-built plan never looks valid.
sfl_status build_plan(void *mem, size_t size, float l2, int32_t m, int32_t K, const float *P, sfl_enet_plan **out);

// P (m x K, the plan's shape) is finite, has no zero column, and its squared column
// norms match diag(G) - l2 of the plan within 1e-3 relative (sfl_enet_plan_check_dictionary,
// sfl_model_check). Returns SFL_OK, SFL_ERR_NOT_FINITE, SFL_ERR_ZERO_ATOM or SFL_ERR_BAD_PLAN.
sfl_status check_dictionary(const sfl_enet_plan *plan, const float *P);

} // namespace enet
} // namespace sfl
