// rng.hpp - a small, platform-independent random generator (splitmix64), so a
// seed gives the same initial weights, subsets and batch orders on every
// machine and standard library (std:: distributions are implementation-defined).
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace sfl {
namespace nn {

class Rng {
public:
    explicit Rng(uint64_t seed) : s_(seed) {}
    uint64_t next() noexcept {
        uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    /** Uniform in [0, 1), 24 random bits. */
    float uniform() noexcept { return float(next() >> 40) * (1.0f / 16777216.0f); }
    /** Uniform in [lo, hi). */
    float uniform(float lo, float hi) noexcept { return lo + (hi - lo) * uniform(); }
    /** Standard normal (Box-Muller, one value per call). */
    float normal() noexcept {
        const double u1 = (double(next() >> 11) + 1.0) * (1.0 / 9007199254740992.0);
        const double u2 = double(next() >> 11) * (1.0 / 9007199254740992.0);
        return float(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
    }
    /** Uniform integer in [0, n), n >= 1 (multiply-shift; bias < n / 2^64). */
    uint64_t below(uint64_t n) noexcept { return mul_high(next(), n); }
    /** Fisher-Yates shuffle. */
    template <class T>
    void shuffle(std::vector<T> &v) noexcept {
        for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
    }

private:
    /** High 64 bits of the 128-bit product a*b, from 32-bit halves (no __int128 on 32-bit ARM). */
    static uint64_t mul_high(uint64_t a, uint64_t b) noexcept {
        const uint64_t al = a & 0xFFFFFFFFu, ah = a >> 32, bl = b & 0xFFFFFFFFu, bh = b >> 32;
        const uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
        const uint64_t mid = (ll >> 32) + (lh & 0xFFFFFFFFu) + (hl & 0xFFFFFFFFu);
        return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    }
    uint64_t s_;
};

/** A seed derived from a base seed and a stream number (trial, epoch, ...). */
inline uint64_t derive_seed(uint64_t base, uint64_t stream) noexcept {
    Rng r(base ^ (stream * 0xD1B54A32D192ED03ull + 0x8CB92BA72F3D8DD7ull));
    return r.next();
}

} // namespace nn
} // namespace sfl
