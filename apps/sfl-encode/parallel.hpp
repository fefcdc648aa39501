// parallel.hpp - run work(t) for t = 0 .. T-1 on T threads (t = 0 on the calling
// thread) and time it; shared by the --dict and --model encoders.
#pragma once

#include <chrono>
#include <thread>
#include <vector>

namespace sfl_encode {

/** Calls work(t) for t in [0, T) concurrently and returns the wall-clock seconds.
 *  If a thread cannot be started, the started ones are joined and the error rethrown. */
template <class F> double run_parallel(unsigned T, F &work) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    try {
        for (unsigned t = 1; t < T; ++t) pool.emplace_back(work, t);
    } catch (...) {
        for (auto &th : pool) th.join();
        throw;
    }
    work(0u); // the calling thread takes the first range
    for (auto &th : pool) th.join();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace sfl_encode
