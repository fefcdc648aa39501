// The seeded draws of sfl-variations (see draw.hpp for the exact definitions).
#include "draw.hpp"

#include <utility>

namespace sfl_variations {

Stream::Stream(uint32_t seed, Purpose purpose) {
    std::seed_seq seq{seed, static_cast<uint32_t>(purpose)};
    gen_.seed(seq);
}

uint32_t Stream::below(uint32_t n) {
    // 2^32 mod n computed in 32 bits: (2^32 - n) mod n.
    const uint32_t rem = (0u - n) % n;
    const uint64_t limit = (uint64_t(1) << 32) - rem; // a multiple of n
    uint32_t w = word();
    while (uint64_t(w) >= limit) w = word();
    return w % n;
}

std::vector<int32_t> draw_without_replacement(Stream &s, int32_t n, int32_t k) {
    std::vector<int32_t> p(static_cast<size_t>(n));
    for (int32_t i = 0; i < n; ++i) p[size_t(i)] = i;
    for (int32_t i = 0; i < k; ++i) {
        const int32_t j = i + int32_t(s.below(uint32_t(n - i)));
        std::swap(p[size_t(i)], p[size_t(j)]);
    }
    p.resize(static_cast<size_t>(k));
    return p;
}

uint64_t fnv1a(const void *data, size_t bytes, uint64_t h) {
    const unsigned char *b = static_cast<const unsigned char *>(data);
    for (size_t i = 0; i < bytes; ++i) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

uint64_t fnv1a_le32(const std::vector<int32_t> &v) {
    uint64_t h = kFnvOffset;
    for (int32_t x : v) {
        const uint32_t u = uint32_t(x);
        const unsigned char b[4] = {uint8_t(u), uint8_t(u >> 8), uint8_t(u >> 16), uint8_t(u >> 24)};
        h = fnv1a(b, 4, h);
    }
    return h;
}

} // namespace sfl_variations
