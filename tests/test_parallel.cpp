// sfl::parallel_for (cpp/include/sfl/parallel.hpp), with new threads and on a ThreadPool's
// workers (thread_pool.hpp): the ranges cover 0 .. n-1 once, in order, with sizes
// differing by at most one; every thread runs; the exception of the lowest thread index
// is the one rethrown. The pool: many calls in a row, calls after its workers slept, a
// nested call, more threads than it has.
#if SFL_TESTS_HAVE_CPP
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sfl/parallel.hpp"
#include "sfl/thread_pool.hpp"

namespace {

// parallel_for with new threads (pool nullptr) or on the pool.
template <class F> int pfor(sfl::ThreadPool *pool, int64_t n, int T, F &&f) {
    return pool ? sfl::parallel_for(pool, n, T, f) : sfl::parallel_for(n, T, f);
}

void check_ranges(sfl::ThreadPool *pool) {
    for (int64_t n : {1, 2, 5, 7, 64, 101}) {
        for (int T : {1, 2, 3, 4, 8, 200}) {
            CAPTURE(n);
            CAPTURE(T);
            const int want = int(std::min<int64_t>(T, n));
            CHECK(sfl::parallel_threads(n, T) == want);
            std::vector<int> hits(size_t(n), 0);
            std::vector<int64_t> begin(size_t(want), -1), end(size_t(want), -1);
            std::atomic<int> calls{0};
            const int used = pfor(pool, n, T, [&](int64_t b, int64_t e, int t) {
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
    CHECK(pfor(pool, 0, 4, [](int64_t, int64_t, int) { FAIL("called for n = 0"); }) == 0);
}

void check_exceptions(sfl::ThreadPool *pool) {
    std::atomic<int> finished{0};
    std::string what;
    try {
        pfor(pool, 40, 4, [&](int64_t, int64_t, int t) {
            ++finished;
            if (t == 2 || t == 3) throw std::runtime_error("thread " + std::to_string(t));
        });
    } catch (const std::runtime_error &e) {
        what = e.what();
    }
    CHECK(what == "thread 2");
    CHECK(finished == 4);
    // On the calling thread too (t = 0), and with one thread.
    CHECK_THROWS_WITH(pfor(pool, 40, 4, [](int64_t, int64_t, int t) {
                          if (t == 0) throw std::runtime_error("first");
                      }),
                      "first");
    CHECK_THROWS_AS(pfor(pool, 3, 1, [](int64_t, int64_t, int) { throw std::logic_error("one"); }), std::logic_error);
    // The pool (if any) still works after the exceptions.
    std::atomic<int> calls{0};
    CHECK(pfor(pool, 8, 4, [&](int64_t, int64_t, int) { ++calls; }) == 4);
    CHECK(calls == 4);
}

} // namespace

TEST_CASE("parallel_for: contiguous ranges cover the n items once, balanced, one per thread") {
    check_ranges(nullptr);
    sfl::ThreadPool pool(8); // T = 200 > 8 falls back to new threads
    check_ranges(&pool);
}

TEST_CASE("parallel_for: every thread finishes, and the lowest thread's exception is rethrown") {
    check_exceptions(nullptr);
    sfl::ThreadPool pool(4);
    check_exceptions(&pool);
}

TEST_CASE("ThreadPool: many calls in a row, calls after the workers slept, nested calls, bad size") {
    CHECK_THROWS_AS(sfl::ThreadPool(0), std::invalid_argument);
    sfl::ThreadPool pool(4);
    CHECK(pool.threads() == 4);
    // Many short calls (workers spinning between them unless 4 threads are more than the
    // machine's cores): every task of every call runs once, on the thread index it was given.
    std::vector<int64_t> sum(4, 0);
    int64_t want = 0;
    for (int call = 0; call < 20000; ++call) {
        const int T = 1 + call % 4;
        const int used = sfl::parallel_for(&pool, T, T, [&](int64_t b, int64_t e, int t) {
            CHECK_MESSAGE(e == b + 1, "one item per thread");
            sum[size_t(t)] += b + 1;
        });
        REQUIRE(used == T);
        want += T * (T + 1) / 2;
    }
    CHECK(sum[0] + sum[1] + sum[2] + sum[3] == want);
    CHECK(sum[3] == 4 * (20000 / 4)); // thread 3 ran item 3 in every call with T = 4
    // The same on two threads (spinning on any machine with two cores or more).
    sfl::ThreadPool two(2);
    int64_t got = 0, want2 = 0, calls2 = 0;
    for (int call = 0; call < 20000; ++call) {
        std::atomic<int64_t> part{0};
        calls2 += sfl::parallel_for(&two, 2 + call % 3, 2, [&](int64_t b, int64_t e, int) { part += e - b; });
        got += part;
        want2 += 2 + call % 3;
    }
    CHECK(calls2 == 40000);
    CHECK(got == want2);
    // After the workers went to sleep (pauses far beyond ThreadPool::kSpinMicros).
    for (int k = 0; k < 3; ++k) {
        std::this_thread::sleep_for(std::chrono::microseconds(20 * sfl::ThreadPool::kSpinMicros));
        std::atomic<int> calls{0};
        CHECK(sfl::parallel_for(&pool, 100, 4, [&](int64_t, int64_t, int) { ++calls; }) == 4);
        CHECK(calls == 4);
    }
    // A call from inside a task runs on threads of its own (the pool is busy), no deadlock.
    std::atomic<int> inner{0};
    sfl::parallel_for(&pool, 4, 4, [&](int64_t, int64_t, int t) {
        if (t == 1) sfl::parallel_for(&pool, 6, 3, [&](int64_t b, int64_t e, int) { inner += int(e - b); });
    });
    CHECK(inner == 6);
    // run() itself refuses what it cannot do.
    CHECK_FALSE(pool.run(5, [](void *, int) {}, nullptr));
}
#endif
