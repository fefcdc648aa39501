// Blocked SIMD GEMM (see gemm.hpp for the contract). Loop nest, outer to inner:
//   pc: Kd in blocks of kGemmKC (the first block applies `accumulate`, later
//       ones add onto C);
//   jc: N in panels of kGemmNR columns, each packed into a 12 KiB stack buffer
//       (zero-padded on the right edge) unless at most kGemmPackMinRows rows use
//       a full panel, which they read in place;
//   ir: M in blocks of kGemmMR rows -> one register-blocked micro-kernel call
//       from a table indexed by (rows, vectors) for the bottom/right edges.
// No heap, no workspace, no reads outside any matrix.
#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/gemm_tile.hpp"
#include "simd/simd.hpp"

#if SFL_HAS_SIMD
#  include <utility>

#  include "kernels/gemm/gemm_microkernel.hpp"
#  include "kernels/gemm/gemm_pack.hpp"
#endif

namespace sfl {
namespace kernels {

#if SFL_HAS_SIMD
namespace gemm_detail {

using Kernel = void (*)(int32_t, const float *, int32_t, const float *, int32_t, float *, int32_t, bool, int32_t);

struct KernelTable {
    Kernel k[kGemmMR * kGemmNV];
};

// Entry (rows - 1) * NV + (vectors - 1).
template <bool TransA, std::size_t... I>
constexpr KernelTable make_table(std::index_sequence<I...>) {
    return KernelTable{{&micro_kernel<int(I / kGemmNV) + 1, int(I % kGemmNV) + 1, TransA>...}};
}

constexpr KernelTable kTable[2] = {make_table<false>(std::make_index_sequence<kGemmMR * kGemmNV>{}),
                                   make_table<true>(std::make_index_sequence<kGemmMR * kGemmNV>{})};

} // namespace gemm_detail

void gemm_f32(int32_t M, int32_t N, int32_t Kd, const float *A, int32_t lda, bool trans_a, const float *B,
              int32_t ldb, float *C, int32_t ldc, bool accumulate) {
    using namespace gemm_detail;
    if (M <= 0 || N <= 0) return;
    if (Kd <= 0) {
        if (!accumulate)
            for (int32_t i = 0; i < M; ++i)
                for (int32_t j = 0; j < N; ++j) C[(int64_t)i * ldc + j] = 0.0f;
        return;
    }
    const Kernel *table = kTable[trans_a ? 1 : 0].k;
    alignas(64) float pack[kGemmPackFloats];

    for (int32_t pc = 0; pc < Kd; pc += kGemmKC) {
        const int32_t kc = Kd - pc < kGemmKC ? Kd - pc : kGemmKC;
        const bool acc = accumulate || pc > 0;
        for (int32_t jc = 0; jc < N; jc += kGemmNR) {
            const int32_t w = N - jc < kGemmNR ? N - jc : kGemmNR;
            const int32_t nvec = (w + L - 1) / L;
            const int32_t last = w - (nvec - 1) * L;
            const float *bp = B + (int64_t)pc * ldb + jc;
            int32_t ldbp = ldb;
            // Packing copies the whole panel once; it pays when many row blocks reuse it.
            // A few rows (training batches split over threads, M ~ 10) read B in place.
            if (last < L || M > kGemmPackMinRows) {
                pack_b(kc, w, bp, ldb, pack, kGemmNR);
                bp = pack;
                ldbp = kGemmNR;
            }
            for (int32_t ir = 0; ir < M; ir += kGemmMR) {
                const int32_t rows = M - ir < kGemmMR ? M - ir : kGemmMR;
                const float *a = trans_a ? A + (int64_t)pc * lda + ir : A + (int64_t)ir * lda + pc;
                table[(rows - 1) * kGemmNV + (nvec - 1)](kc, a, lda, bp, ldbp, C + (int64_t)ir * ldc + jc, ldc, acc,
                                                         last);
            }
        }
    }
}
#else
void gemm_f32(int32_t M, int32_t N, int32_t Kd, const float *A, int32_t lda, bool trans_a, const float *B,
              int32_t ldb, float *C, int32_t ldc, bool accumulate) {
    gemm_f32_ref(M, N, Kd, A, lda, trans_a, B, ldb, C, ldc, accumulate);
}
#endif

} // namespace kernels
} // namespace sfl
