// heap_counter.hpp - counts heap calls for the zero-allocation tests. Linking
// heap_counter.cpp into a program interposes malloc, calloc, realloc, free,
// aligned_alloc, posix_memalign and operator new/delete (glibc's __libc_*
// do the work); calls made while counting is on are counted.
#pragma once

#include <cstdint>
#include <cstdio>

#include "../support/aligned_buffer.hpp"

namespace sfl_heap {

void start();  // reset the count and count from now on
long stop();   // stop counting; the number of heap calls since start()

} // namespace sfl_heap

// Minimal check harness of these programs (they cannot use doctest, which allocates).
inline int sfl_heap_failures = 0;
#define EXPECT(cond)                                                                 \
    do {                                                                             \
        if (!(cond)) {                                                               \
            std::fprintf(stderr, "FAILED: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            ++sfl_heap_failures;                                                     \
        }                                                                            \
    } while (0)

// Workspaces and plan memory of these programs: allocate them before start().
using sfl_test::AlignedBuffer;
