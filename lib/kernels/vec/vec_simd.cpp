// SIMD level-1 kernels. Main loops run while i + lanes <= n (never i < n with a
// vector stride), reductions use several accumulators, tails go scalar.
#include "kernels/vec/vec.hpp"
#include "simd/simd.hpp"

namespace sfl {
namespace kernels {

#if SFL_HAS_SIMD
using B = simd::fbatch;
constexpr int32_t L = simd::lanes;

float dot_f32(int32_t n, const float *x, const float *y) {
    B acc0(0.0f), acc1(0.0f), acc2(0.0f), acc3(0.0f);
    int32_t i = 0;
    for (; i + 4 * L <= n; i += 4 * L) {
        acc0 = xsimd::fma(B::load_unaligned(x + i), B::load_unaligned(y + i), acc0);
        acc1 = xsimd::fma(B::load_unaligned(x + i + L), B::load_unaligned(y + i + L), acc1);
        acc2 = xsimd::fma(B::load_unaligned(x + i + 2 * L), B::load_unaligned(y + i + 2 * L), acc2);
        acc3 = xsimd::fma(B::load_unaligned(x + i + 3 * L), B::load_unaligned(y + i + 3 * L), acc3);
    }
    for (; i + L <= n; i += L) acc0 = xsimd::fma(B::load_unaligned(x + i), B::load_unaligned(y + i), acc0);
    float s = simd::reduce_add((acc0 + acc1) + (acc2 + acc3));
    return s + dot_f32_ref(n - i, x + i, y + i);
}

void axpy_f32(int32_t n, float alpha, const float *x, float *y) {
    const B va(alpha);
    int32_t i = 0;
    for (; i + 2 * L <= n; i += 2 * L) {
        B y0 = xsimd::fma(va, B::load_unaligned(x + i), B::load_unaligned(y + i));
        B y1 = xsimd::fma(va, B::load_unaligned(x + i + L), B::load_unaligned(y + i + L));
        y0.store_unaligned(y + i);
        y1.store_unaligned(y + i + L);
    }
    for (; i + L <= n; i += L) xsimd::fma(va, B::load_unaligned(x + i), B::load_unaligned(y + i)).store_unaligned(y + i);
    axpy_f32_ref(n - i, alpha, x + i, y + i);
}

void soft_threshold_f32(int32_t n, const float *x, float t, float *y) {
    const B vt(t), zero(0.0f);
    int32_t i = 0;
    for (; i + L <= n; i += L) {
        const B v = B::load_unaligned(x + i);
        // sign(v) * max(|v| - t, 0) == max(v - t, 0) + min(v + t, 0) for t >= 0
        (xsimd::max(v - vt, zero) + xsimd::min(v + vt, zero)).store_unaligned(y + i);
    }
    soft_threshold_f32_ref(n - i, x + i, t, y + i);
}
#else
float dot_f32(int32_t n, const float *x, const float *y) { return dot_f32_ref(n, x, y); }
void axpy_f32(int32_t n, float alpha, const float *x, float *y) { axpy_f32_ref(n, alpha, x, y); }
void soft_threshold_f32(int32_t n, const float *x, float t, float *y) { soft_threshold_f32_ref(n, x, t, y); }
#endif

} // namespace kernels
} // namespace sfl
