// The layer cache: the support of each code as a bitmask of ceil(K/32)
// 32-bit words per row (bit j of word j/32 set iff a_j != 0).
#pragma once

#include <cstddef>
#include <cstdint>

#include "sfl/sfl_types.h"

namespace sfl {
namespace layers {

inline int32_t support_words(int32_t K) { return (K + 31) / 32; }

inline size_t cache_bytes(int64_t rows, int32_t K) {
    return SFL_ALIGN_UP(4 * static_cast<size_t>(rows) * static_cast<size_t>(support_words(K)));
}

// Word w of the support of a: bit j set iff a[32 w + j] != 0 (a branch-free loop of
// at most 32 compares, which the compiler vectorises).
inline uint32_t support_word(const float *a, int32_t K, int32_t w) {
    const int32_t j0 = 32 * w, n = K - j0 < 32 ? K - j0 : 32;
    uint32_t bits = 0u;
    for (int32_t j = 0; j < n; ++j) bits |= static_cast<uint32_t>(a[j0 + j] != 0.0f) << j;
    return bits;
}

inline void write_support(const float *a, int32_t K, uint32_t *words) {
    for (int32_t w = 0; w < support_words(K); ++w) words[w] = support_word(a, K, w);
}

// The support's atoms in increasing order; returns their count.
inline int32_t read_support(const uint32_t *words, int32_t K, int32_t *idx) {
    int32_t s = 0;
    for (int32_t j = 0; j < K; ++j)
        if ((words[j >> 5] >> (j & 31)) & 1u) idx[s++] = j;
    return s;
}

// True iff the nonzeros of a are exactly the recorded support.
inline bool support_matches(const float *a, int32_t K, const uint32_t *words) {
    for (int32_t w = 0; w < support_words(K); ++w)
        if (support_word(a, K, w) != words[w]) return false;
    return true;
}

} // namespace layers
} // namespace sfl
