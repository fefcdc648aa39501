#include "kernels/nn/softmax_xent.hpp"

#include <cmath>

namespace sfl {
namespace nn {

bool softmax_labels_valid(int32_t classes, int32_t r0, int32_t r1, const int32_t *labels) {
    for (int32_t i = r0; i < r1; ++i)
        if (labels[i] < -1 || labels[i] >= classes) return false;
    return true;
}

void softmax_xent(int32_t classes, int32_t r0, int32_t r1, const float *logits, const int32_t *labels, float scale,
                  float *loss, float *dlogits) {
    for (int32_t i = r0; i < r1; ++i) {
        const int64_t row = static_cast<int64_t>(i) * classes;
        const float *z = logits + row;
        float *d = dlogits ? dlogits + row : nullptr;
        const int32_t label = labels[i];
        if (label < 0) { // unlabelled: no loss, no gradient
            if (loss) loss[i] = 0.0f;
            if (d)
                for (int32_t j = 0; j < classes; ++j) d[j] = 0.0f;
            continue;
        }
        float zmax = z[0];
        for (int32_t j = 1; j < classes; ++j) zmax = z[j] > zmax ? z[j] : zmax;
        const float zlabel = z[label]; // read before d (which may be z) is written
        double sum = 0.0;
        if (d) {
            for (int32_t j = 0; j < classes; ++j) {
                d[j] = std::exp(z[j] - zmax);
                sum += d[j];
            }
            const float ps = static_cast<float>(static_cast<double>(scale) / sum);
            for (int32_t j = 0; j < classes; ++j) d[j] *= ps;
            d[label] -= scale;
        } else {
            for (int32_t j = 0; j < classes; ++j) sum += std::exp(z[j] - zmax);
        }
        // In double: zmax - zlabel is exact enough even for logits of 1e4 and more.
        if (loss) loss[i] = static_cast<float>(static_cast<double>(zmax) - zlabel + std::log(sum));
    }
}

} // namespace nn
} // namespace sfl
