#include "kernels/vec/vec.hpp"

namespace sfl {
namespace kernels {

float dot_f32_ref(int32_t n, const float *x, const float *y) {
    float s = 0.0f;
    for (int32_t i = 0; i < n; ++i) s += x[i] * y[i];
    return s;
}

void axpy_f32_ref(int32_t n, float alpha, const float *x, float *y) {
    for (int32_t i = 0; i < n; ++i) y[i] += alpha * x[i];
}

void soft_threshold_f32_ref(int32_t n, const float *x, float t, float *y) {
    for (int32_t i = 0; i < n; ++i) {
        const float v = x[i];
        y[i] = v > t ? v - t : (v < -t ? v + t : 0.0f);
    }
}

} // namespace kernels
} // namespace sfl
