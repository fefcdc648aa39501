// thread_pool.hpp - worker threads kept between parallel_for calls (parallel.hpp).
//
// Why: training calls parallel_for several times per step (the batch, the SGD update,
// the plan rebuild), a few milliseconds apart. Starting a thread per call, and waking
// an idle virtual CPU for it, cost 0.3-0.5 ms per step on the 2-core VM of
// docs/benchmarks.md, 15 % of a two-thread LeNet epoch. A pool's workers wait by
// spinning for a short while (kSpinMicros) before they sleep, so the next call of the
// same step finds them awake.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace sfl {

class ThreadPool {
public:
    /** A pool for calls of up to `threads` tasks: threads - 1 workers (none for 1), the
     *  caller being the first. Throws std::invalid_argument for threads < 1 and
     *  std::system_error if a worker cannot be started (the started ones are stopped). */
    explicit ThreadPool(int threads);
    ~ThreadPool(); // stops and joins the workers (no call may be running)
    ThreadPool(const ThreadPool &) = delete;
    ThreadPool &operator=(const ThreadPool &) = delete;

    /** The most tasks one call runs at once (workers + the caller). */
    int threads() const noexcept { return int(workers_.size()) + 1; }

    /** Runs fn(ctx, t) for t in [0, T), T <= threads(): t = 0 on the calling thread, the
     *  others on workers 1 .. T-1; returns when all have returned. fn must not throw
     *  (parallel_for wraps it). Returns false, running nothing, if T > threads() or
     *  the pool is running a call already (a nested call from a task, or another
     *  thread's): the caller then starts threads of its own. */
    bool run(int T, void (*fn)(void *, int), void *ctx);

    /** How long a worker (or the caller, waiting for the workers) spins before it
     *  sleeps; no spinning when the pool has more threads than the machine has cores
     *  (a spinning thread would then keep a working one off its core). */
    static constexpr int64_t kSpinMicros = 200;
    int64_t spin_micros() const noexcept { return spin_micros_; }

private:
    void worker(int t);

    std::vector<std::thread> workers_;
    std::mutex m_;
    std::condition_variable wake_, done_;
    std::atomic<uint64_t> generation_{0}; // bumped once per call (and to stop)
    std::atomic<int> pending_{0};         // workers that have not finished the current call
    std::atomic<bool> busy_{false};
    bool stop_ = false;                   // under m_ (read after a generation bump)
    int64_t spin_micros_ = kSpinMicros;
    int tasks_ = 0;                       // the current call's T
    void (*fn_)(void *, int) = nullptr;
    void *ctx_ = nullptr;
};

} // namespace sfl
