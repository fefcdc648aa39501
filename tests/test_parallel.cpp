// sfl::parallel_for (cpp/include/sfl/parallel.hpp): the ranges cover 0 .. n-1 once, in
// order, with sizes differing by at most one; every thread runs; the exception of the
// lowest thread index is the one rethrown.
#if SFL_TESTS_HAVE_CPP
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "sfl/parallel.hpp"

TEST_CASE("parallel_for: contiguous ranges cover the n items once, balanced, one per thread") {
    for (int64_t n : {1, 2, 5, 7, 64, 101}) {
        for (int T : {1, 2, 3, 4, 8, 200}) {
            CAPTURE(n);
            CAPTURE(T);
            const int want = int(std::min<int64_t>(T, n));
            CHECK(sfl::parallel_threads(n, T) == want);
            std::vector<int> hits(size_t(n), 0);
            std::vector<int64_t> begin(size_t(want), -1), end(size_t(want), -1);
            std::atomic<int> calls{0};
            const int used = sfl::parallel_for(n, T, [&](int64_t b, int64_t e, int t) {
                begin[size_t(t)] = b;
                end[size_t(t)] = e;
                for (int64_t i = b; i < e; ++i) ++hits[size_t(i)]; // disjoint ranges: no race
                ++calls;
            });
            CHECK(used == want);
            CHECK(calls == want);
            for (int h : hits) CHECK(h == 1);
            CHECK(begin[0] == 0);
            CHECK(end[size_t(want - 1)] == n);
            for (int t = 0; t < want; ++t) {
                if (t > 0) CHECK(begin[size_t(t)] == end[size_t(t - 1)]);
                const int64_t size = end[size_t(t)] - begin[size_t(t)];
                CHECK((size == n / want || size == n / want + 1));
                if (t > 0) CHECK(size <= end[size_t(t - 1)] - begin[size_t(t - 1)]); // larger ones first
                const sfl::ItemRange r = sfl::split_range(n, want, t);
                CHECK(r.begin == begin[size_t(t)]);
                CHECK(r.end == end[size_t(t)]);
            }
        }
    }
    CHECK(sfl::parallel_for(0, 4, [](int64_t, int64_t, int) { FAIL("called for n = 0"); }) == 0);
}

TEST_CASE("parallel_for: every thread finishes; the lowest thread's exception is rethrown") {
    std::atomic<int> finished{0};
    std::string what;
    try {
        sfl::parallel_for(40, 4, [&](int64_t, int64_t, int t) {
            ++finished;
            if (t == 2 || t == 3) throw std::runtime_error("thread " + std::to_string(t));
        });
    } catch (const std::runtime_error &e) {
        what = e.what();
    }
    CHECK(what == "thread 2");
    CHECK(finished == 4);
    // On the calling thread too (t = 0), and with one thread.
    CHECK_THROWS_WITH(sfl::parallel_for(40, 4, [](int64_t, int64_t, int t) {
                          if (t == 0) throw std::runtime_error("first");
                      }),
                      "first");
    CHECK_THROWS_AS(sfl::parallel_for(3, 1, [](int64_t, int64_t, int) { throw std::logic_error("one"); }),
                    std::logic_error);
}
#endif
