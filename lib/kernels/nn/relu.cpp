// Main SIMD loops run while i + lanes <= n, tails go to the scalar versions.
#include "kernels/nn/relu.hpp"

#include "simd/simd.hpp"

namespace sfl {
namespace nn {

void relu_forward_f32_ref(size_t n, const float *x, float *y) {
    for (size_t i = 0; i < n; ++i) y[i] = x[i] < 0.0f ? 0.0f : x[i];
}

void relu_backward_f32_ref(size_t n, const float *y, const float *dy, float *dx) {
    for (size_t i = 0; i < n; ++i) dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}

#if SFL_HAS_SIMD
using B = simd::fbatch;
constexpr size_t L = static_cast<size_t>(simd::lanes);

void relu_forward_f32(size_t n, const float *x, float *y) {
    const B zero(0.0f);
    size_t i = 0;
    for (; i + L <= n; i += L) {
        const B v = B::load_unaligned(x + i);
        xsimd::select(v < zero, zero, v).store_unaligned(y + i); // NaN < 0 is false: NaN kept
    }
    relu_forward_f32_ref(n - i, x + i, y + i);
}

void relu_backward_f32(size_t n, const float *y, const float *dy, float *dx) {
    const B zero(0.0f);
    size_t i = 0;
    for (; i + L <= n; i += L)
        xsimd::select(B::load_unaligned(y + i) > zero, B::load_unaligned(dy + i), zero).store_unaligned(dx + i);
    relu_backward_f32_ref(n - i, y + i, dy + i, dx + i);
}
#else
void relu_forward_f32(size_t n, const float *x, float *y) { relu_forward_f32_ref(n, x, y); }
void relu_backward_f32(size_t n, const float *y, const float *dy, float *dx) { relu_backward_f32_ref(n, y, dy, dx); }
#endif

} // namespace nn
} // namespace sfl
