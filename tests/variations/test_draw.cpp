// The seeded draws of sfl-variations (draw.hpp): each checked against its written
// definition, replayed from a second stream, plus uniformity and known values.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <set>

#include "draw.hpp"

using namespace sfl_variations;

TEST_CASE("std::mt19937 gives the standard's 10000th value (the basis of byte-identical files)") {
    std::mt19937 g; // default seed 5489; [rand.predef] fixes the 10000th output
    g.discard(9999);
    CHECK(g() == 4123659995u);
}

TEST_CASE("a stream is std::mt19937 seeded with std::seed_seq{seed, purpose}") {
    std::seed_seq seq{7u, 3u};
    std::mt19937 ref(seq);
    Stream s(7, Purpose::rand);
    for (int i = 0; i < 1000; ++i) REQUIRE(s.word() == uint32_t(ref()));
}

TEST_CASE("streams differ by seed and by purpose, and repeat for the same pair") {
    auto first = [](uint32_t seed, Purpose p) {
        Stream s(seed, p);
        std::vector<uint32_t> w(16);
        for (auto &x : w) x = s.word();
        return w;
    };
    CHECK(first(1, Purpose::select) == first(1, Purpose::select));
    CHECK(first(1, Purpose::select) != first(2, Purpose::select));
    CHECK(first(1, Purpose::select) != first(1, Purpose::rot));
    CHECK(first(1, Purpose::rot) != first(1, Purpose::img));
    // Pinned: a change of the derivation changes every generated file.
    const std::vector<uint32_t> w = first(1, Purpose::select);
    CHECK(w[0] == 1391127336u);
    CHECK(w[1] == 2309463572u);
}

TEST_CASE("below(n) is word mod n after rejecting words >= 2^32 - (2^32 mod n)") {
    for (uint32_t n : {1u, 2u, 3u, 10u, 1000u, 70000u, 3u << 30, (1u << 31) + 1u, 0xFFFFFFFFu}) {
        CAPTURE(n);
        const uint64_t limit = (uint64_t(1) << 32) - ((uint64_t(1) << 32) % n);
        Stream a(11, Purpose::select), b(11, Purpose::select);
        int rejected = 0;
        for (int i = 0; i < 2000; ++i) {
            uint32_t w = b.word();
            while (uint64_t(w) >= limit) {
                w = b.word();
                ++rejected;
            }
            const uint32_t got = a.below(n);
            REQUIRE(got < n);
            REQUIRE(got == w % n);
        }
        // 2^31 + 1 rejects almost half the words, 3 * 2^30 a quarter: the rejection path runs.
        if (n == (1u << 31) + 1u) CHECK(rejected > 1500);
        if (n == (3u << 30)) CHECK(rejected > 500);
    }
}

TEST_CASE("below(10) is uniform (chi-square, 9 degrees of freedom)") {
    Stream s(3, Purpose::select);
    const int draws = 200000;
    std::vector<int> count(10, 0);
    for (int i = 0; i < draws; ++i) ++count[s.below(10)];
    double chi2 = 0.0;
    for (int c : count) chi2 += (c - draws / 10.0) * (c - draws / 10.0) / (draws / 10.0);
    CHECK(chi2 < 27.9); // P(chi2_9 > 27.9) = 0.001
}

TEST_CASE("unit24 is (word >> 8) / 2^24: on the 2^-24 grid, 0 <= u < 1, mean 1/2") {
    Stream a(5, Purpose::rand), b(5, Purpose::rand);
    const int n = 100000;
    double sum = 0.0;
    for (int i = 0; i < n; ++i) {
        const float u = a.unit24();
        const uint32_t w = b.word();
        REQUIRE(u >= 0.0f);
        REQUIRE(u < 1.0f);
        REQUIRE(double(u) == double(w >> 8) / 16777216.0);
        sum += u;
    }
    // std of the mean: sqrt(1/12 / n) = 0.00091
    CHECK(std::abs(sum / n - 0.5) < 0.004);
}

TEST_CASE("draw_without_replacement is a Fisher-Yates shuffle stopped after k steps") {
    const int32_t n = 1000, k = 300;
    Stream a(9, Purpose::select), b(9, Purpose::select);
    const std::vector<int32_t> got = draw_without_replacement(a, n, k);
    std::vector<int32_t> p(n);
    for (int32_t i = 0; i < n; ++i) p[size_t(i)] = i;
    for (int32_t i = 0; i < k; ++i) std::swap(p[size_t(i)], p[size_t(i) + b.below(uint32_t(n - i))]);
    p.resize(k);
    CHECK(got == p);
    CHECK(std::set<int32_t>(got.begin(), got.end()).size() == size_t(k));
    CHECK(*std::min_element(got.begin(), got.end()) >= 0);
    CHECK(*std::max_element(got.begin(), got.end()) < n);
}

TEST_CASE("draw_without_replacement with k = n is a permutation, every position uniform") {
    std::vector<int> first(10, 0), last(10, 0);
    const int trials = 20000;
    Stream s(13, Purpose::select);
    for (int t = 0; t < trials; ++t) {
        std::vector<int32_t> p = draw_without_replacement(s, 10, 10);
        std::vector<int32_t> sorted = p;
        std::sort(sorted.begin(), sorted.end());
        for (int32_t i = 0; i < 10; ++i) REQUIRE(sorted[size_t(i)] == i);
        ++first[size_t(p[0])];
        ++last[size_t(p[9])];
    }
    double c1 = 0.0, c2 = 0.0;
    for (int i = 0; i < 10; ++i) {
        c1 += (first[size_t(i)] - trials / 10.0) * (first[size_t(i)] - trials / 10.0) / (trials / 10.0);
        c2 += (last[size_t(i)] - trials / 10.0) * (last[size_t(i)] - trials / 10.0) / (trials / 10.0);
    }
    CHECK(c1 < 27.9);
    CHECK(c2 < 27.9);
}

TEST_CASE("FNV-1a 64 matches the published test vectors") {
    CHECK(fnv1a("", 0) == 0xcbf29ce484222325ull);
    CHECK(fnv1a("a", 1) == 0xaf63dc4c8601ec8cull);
    CHECK(fnv1a("foobar", 6) == 0x85944171f73967e8ull);
    // Continuing a hash equals hashing the concatenation.
    CHECK(fnv1a("bar", 3, fnv1a("foo", 3)) == 0x85944171f73967e8ull);
    // fnv1a_le32 hashes little-endian bytes whatever the machine.
    const unsigned char le[8] = {0x01, 0x00, 0x00, 0x00, 0x04, 0x03, 0x02, 0x01};
    CHECK(fnv1a_le32({1, 0x01020304}) == fnv1a(le, 8));
}
