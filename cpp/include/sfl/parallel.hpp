// parallel.hpp - the one thread fan-out of the C++ wrapper and the programs: n items
// split into T contiguous ranges, one per thread, joined before returning.
#pragma once

#include <algorithm>
#include <cstdint>
#include <exception>
#include <thread>
#include <vector>

#include "sfl/thread_pool.hpp"

namespace sfl {

/** [begin, end) of the items of one thread. */
struct ItemRange {
    int64_t begin = 0, end = 0;
};

/** Range t of n items split into T (>= 1) contiguous ranges whose sizes differ by at
 *  most one, the larger ones first: t * q + min(t, r) .. plus q (+ 1 for t < r), with
 *  q = n / T, r = n % T. The ranges cover [0, n) in order of t. */
inline ItemRange split_range(int64_t n, int64_t T, int64_t t) {
    const int64_t q = n / T, r = n % T;
    const int64_t b = t * q + std::min(t, r);
    return {b, b + q + (t < r ? 1 : 0)};
}

/** The threads parallel_for uses for n items and at most T threads: T clamped to
 *  1 .. n (0 for n <= 0). */
inline int parallel_threads(int64_t n, int T) {
    if (n <= 0) return 0;
    return int(std::max<int64_t>(1, std::min<int64_t>(T, n)));
}

namespace detail {
// Task t of a parallel_for: f on range t of n items split `used` ways; an exception is
// kept in errors[t] (every task runs to its end whatever the others do).
template <class F> void run_range(F &f, int64_t n, int used, int t, std::vector<std::exception_ptr> &errors) {
    try {
        const ItemRange r = split_range(n, used, t);
        f(r.begin, r.end, t);
    } catch (...) {
        errors[size_t(t)] = std::current_exception();
    }
}

inline void rethrow_lowest(const std::vector<std::exception_ptr> &errors) {
    for (const auto &e : errors)
        if (e) std::rethrow_exception(e);
}
} // namespace detail

/** Calls f(begin, end, t) for t in [0, parallel_threads(n, T)) over split_range(n, used, t),
 *  concurrently: t = 0 on the calling thread, the others on new std::threads, all joined
 *  before returning. Which range a thread gets depends only on n and the thread count,
 *  so a computation that writes only its own range gives the same result on every run.
 *  If calls throw, every thread is still joined and the exception of the lowest t is
 *  rethrown; if a thread cannot be started, the started ones are joined and that error
 *  (std::system_error) is rethrown. Returns the thread count used. */
template <class F> int parallel_for(int64_t n, int T, F &&f) {
    const int used = parallel_threads(n, T);
    if (used == 0) return 0;
    if (used == 1) {
        f(int64_t(0), n, 0);
        return 1;
    }
    std::vector<std::exception_ptr> errors(static_cast<size_t>(used));
    auto call = [&](int t) { detail::run_range(f, n, used, t, errors); };
    std::vector<std::thread> pool;
    pool.reserve(size_t(used - 1));
    try {
        for (int t = 1; t < used; ++t) pool.emplace_back(call, t);
    } catch (...) {
        for (auto &th : pool) th.join();
        throw;
    }
    call(0);
    for (auto &th : pool) th.join();
    detail::rethrow_lowest(errors);
    return used;
}

/** The same on a ThreadPool's workers (thread_pool.hpp) instead of new threads: the same
 *  ranges, the same thread index t for each, the same exception rule. Without a pool
 *  (nullptr), with more threads than the pool has, or while the pool runs another call
 *  (a nested call from a task), it starts threads as above. */
template <class F> int parallel_for(ThreadPool *pool, int64_t n, int T, F &&f) {
    const int used = parallel_threads(n, T);
    if (!pool || used <= 1 || used > pool->threads()) return parallel_for(n, T, f);
    std::vector<std::exception_ptr> errors(static_cast<size_t>(used));
    auto call = [&](int t) { detail::run_range(f, n, used, t, errors); };
    using Call = decltype(call);
    if (!pool->run(used, [](void *c, int t) { (*static_cast<Call *>(c))(t); }, &call)) return parallel_for(n, T, f);
    detail::rethrow_lowest(errors);
    return used;
}

} // namespace sfl
