/* psram_heap.c - newlib's heap in the board's 16 MiB PSRAM (the doctest suite only:
 * apps/board-mps2/doctest.cmake). Some test cases hold several MiB (an 800x500 layer and
 * its double reference); the 4 MiB SSRAM2/3 that holds .data, .bss and the stack cannot.
 * Replaces librdimon's weak _sbrk, which grows the heap from the end of .bss toward the
 * stack. Memory is never returned: newlib's malloc reuses it. */
#include <errno.h>
#include <stddef.h>

extern char __psram_start__[], __psram_end__[]; /* mps2-common.ld */

void *_sbrk(ptrdiff_t incr);

void *_sbrk(ptrdiff_t incr)
{
    static char *brk = __psram_start__;
    char *const old = brk;
    if (incr > __psram_end__ - brk || incr < __psram_start__ - brk) {
        errno = ENOMEM;
        return (void *)-1;
    }
    brk += incr;
    return old;
}
