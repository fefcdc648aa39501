// draw.hpp - the random draws of sfl-variations, defined bit for bit so that a
// seed gives the same files on any machine (docs/variations.md, "Random draws").
// Only std::mt19937 and std::seed_seq are used, whose outputs the C++ standard
// fixes exactly; the std distributions (implementation-defined) are not.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace sfl_variations {

/** What a stream of draws is used for; each purpose has its own stream. */
enum class Purpose : uint32_t {
    select = 1, // which pooled MNIST digits, in which order
    rot = 2,    // rotation angles
    rand = 3,   // noise backgrounds
    img = 4,    // image patches
};

/** A stream of 32-bit words: std::mt19937 seeded with std::seed_seq{seed, purpose}. */
class Stream {
public:
    Stream(uint32_t seed, Purpose purpose);

    /** The next raw 32-bit word. */
    uint32_t word() { return static_cast<uint32_t>(gen_()); }

    /** Uniform integer in [0, n), n >= 1, unbiased: words >= 2^32 - (2^32 mod n)
     *  are rejected and the next word drawn; the result is word mod n. */
    uint32_t below(uint32_t n);

    /** Uniform in [0, 1) on the grid k / 2^24: (word >> 8) * 2^-24 (exact in float). */
    float unit24() { return static_cast<float>(word() >> 8) * (1.0f / 16777216.0f); }

private:
    std::mt19937 gen_;
};

/** The first k entries of a uniformly random permutation of 0..n-1 (k <= n): a
 *  Fisher-Yates shuffle of 0..n-1 stopped after k steps, step i swapping entry i
 *  with entry i + below(n - i). */
std::vector<int32_t> draw_without_replacement(Stream &s, int32_t n, int32_t k);

/** 64-bit FNV-1a of bytes, continuing from h (start with kFnvOffset). */
constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ull;
uint64_t fnv1a(const void *data, size_t bytes, uint64_t h = kFnvOffset);

/** FNV-1a of int32 values taken as 4 little-endian bytes each (machine-independent). */
uint64_t fnv1a_le32(const std::vector<int32_t> &v);

} // namespace sfl_variations
