// Softmax cross-entropy per row (sfl_nn.h), stable for any finite logits:
// with M = max_j z_j and S = sum_j exp(z_j - M) (summed in double),
//     loss = M + log S - z[label],   dlogits = scale * (exp(z - M) / S - onehot(label)).
#pragma once

#include <cstdint>

namespace sfl {
namespace nn {

// Rows [r0, r1) of n x classes logits. labels[i] == -1: loss 0, dlogits row 0.
// Labels must be valid (softmax_labels_valid). loss and dlogits may be null;
// dlogits may equal logits.
void softmax_xent(int32_t classes, int32_t r0, int32_t r1, const float *logits, const int32_t *labels, float scale,
                  float *loss, float *dlogits);

// True iff labels[r0 .. r1) are each -1 or in 0 .. classes-1.
bool softmax_labels_valid(int32_t classes, int32_t r0, int32_t r1, const int32_t *labels);

} // namespace nn
} // namespace sfl
