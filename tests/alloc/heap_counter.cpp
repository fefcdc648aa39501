#include "heap_counter.hpp"

#include <cstddef>
#include <cstdlib>
#include <new>

extern "C" void *__libc_malloc(size_t);
extern "C" void *__libc_calloc(size_t, size_t);
extern "C" void *__libc_realloc(void *, size_t);
extern "C" void *__libc_memalign(size_t, size_t);
extern "C" void __libc_free(void *);

static bool counting = false;
static long calls = 0;
static inline void note() { if (counting) ++calls; }

namespace sfl_heap {
void start() { calls = 0; counting = true; }
long stop() { counting = false; return calls; }
} // namespace sfl_heap

extern "C" {
void *malloc(size_t n) { note(); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { note(); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { note(); return __libc_realloc(p, n); }
void free(void *p) { note(); __libc_free(p); }
void *aligned_alloc(size_t al, size_t n) { note(); return __libc_memalign(al, n); }
int posix_memalign(void **out, size_t al, size_t n) {
    note();
    *out = __libc_memalign(al, n);
    return *out ? 0 : 12;
}
}
void *operator new(size_t n) { note(); void *p = __libc_malloc(n ? n : 1); if (!p) std::abort(); return p; }
void *operator new[](size_t n) { note(); void *p = __libc_malloc(n ? n : 1); if (!p) std::abort(); return p; }
void operator delete(void *p) noexcept { note(); __libc_free(p); }
void operator delete[](void *p) noexcept { note(); __libc_free(p); }
void operator delete(void *p, size_t) noexcept { note(); __libc_free(p); }
void operator delete[](void *p, size_t) noexcept { note(); __libc_free(p); }
