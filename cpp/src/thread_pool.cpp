// sfl::ThreadPool (thread_pool.hpp): workers that spin, then sleep, between calls.
#include "sfl/thread_pool.hpp"

#include <chrono>
#include <stdexcept>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace sfl {

namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#elif defined(__aarch64__) || (defined(__arm__) && defined(__ARM_ARCH) && __ARM_ARCH >= 7)
    __asm__ __volatile__("yield");
#endif
}

// Spins until done() or `micros` have passed; true if done() came first.
template <class Done> bool spin_until(Done done, int64_t micros) {
    if (micros <= 0) return done();
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(micros);
    for (;;) {
        for (int i = 0; i < 64; ++i) {
            if (done()) return true;
            cpu_relax();
        }
        if (std::chrono::steady_clock::now() >= until) return done();
    }
}

} // namespace

ThreadPool::ThreadPool(int threads) {
    if (threads < 1) throw std::invalid_argument("ThreadPool: threads must be >= 1");
    const unsigned cores = std::thread::hardware_concurrency(); // 0: unknown
    if (cores != 0 && unsigned(threads) > cores) spin_micros_ = 0;
    workers_.reserve(size_t(threads - 1));
    try {
        for (int t = 1; t < threads; ++t) workers_.emplace_back(&ThreadPool::worker, this, t);
    } catch (...) {
        {
            std::lock_guard<std::mutex> lk(m_);
            stop_ = true;
            generation_.fetch_add(1, std::memory_order_release);
        }
        wake_.notify_all();
        for (auto &w : workers_) w.join();
        throw;
    }
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lk(m_);
        stop_ = true;
        generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    for (auto &w : workers_) w.join();
}

bool ThreadPool::run(int T, void (*fn)(void *, int), void *ctx) {
    if (T < 1) return true;
    if (T > threads() || busy_.exchange(true, std::memory_order_acquire)) return false;
    if (T > 1) {
        {
            std::lock_guard<std::mutex> lk(m_);
            tasks_ = T;
            fn_ = fn;
            ctx_ = ctx;
            pending_.store(int(workers_.size()), std::memory_order_relaxed); // every worker checks in
            generation_.fetch_add(1, std::memory_order_release);
        }
        wake_.notify_all();
    }
    fn(ctx, 0);
    if (T > 1) {
        const auto finished = [this] { return pending_.load(std::memory_order_acquire) == 0; };
        if (!spin_until(finished, spin_micros_)) {
            std::unique_lock<std::mutex> lk(m_);
            done_.wait(lk, finished);
        }
    }
    busy_.store(false, std::memory_order_release);
    return true;
}

void ThreadPool::worker(int t) {
    uint64_t seen = 0;
    for (;;) {
        const auto called = [this, &seen] { return generation_.load(std::memory_order_acquire) != seen; };
        if (!spin_until(called, spin_micros_)) {
            std::unique_lock<std::mutex> lk(m_);
            wake_.wait(lk, called);
        }
        seen = generation_.load(std::memory_order_acquire);
        int tasks;
        void (*fn)(void *, int);
        void *ctx;
        {
            // Written under m_ before the bump that woke us; read under m_ as well so
            // that a thread sanitizer sees the order, and the stop flag with them.
            std::lock_guard<std::mutex> lk(m_);
            if (stop_) return;
            tasks = tasks_;
            fn = fn_;
            ctx = ctx_;
        }
        if (t < tasks) fn(ctx, t);
        if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            std::lock_guard<std::mutex> lk(m_);
            done_.notify_all();
        }
    }
}

} // namespace sfl
