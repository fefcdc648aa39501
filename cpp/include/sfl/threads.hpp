// threads.hpp - who may share a piece of work: a thread count and, optionally, the pool
// whose workers run it (thread_pool.hpp). Passed by value to the wrapper's calls that
// split work (plan rebuilds, the SGD step); their results do not depend on it.
#pragma once

namespace sfl {

class ThreadPool; // sfl/thread_pool.hpp

struct Threads {
    int count = 1;              // at most this many threads, the caller's included
    ThreadPool *pool = nullptr; // run on its workers; nullptr: threads started per call
};

} // namespace sfl
