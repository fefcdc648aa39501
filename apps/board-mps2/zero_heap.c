/* zero_heap.c - sfl calls allocate nothing on the device (the bare-metal counterpart of
 * tests/alloc). The link wraps malloc & co. (-Wl,--wrap=...): every call from any
 * object is counted. Then the firmware example's steps run (apps/firmware-cortex-m/main.c
 * compiled as sfl_fw_main: plan, encode, KKT check, CSF forward), and neither the count
 * nor the heap break (_sbrk(0)) may move. Exit status 0 when both hold.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

int sfl_fw_main(void); /* apps/firmware-cortex-m/main.c, renamed */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
void *_sbrk(ptrdiff_t incr);

static volatile unsigned long heap_calls;

void *__wrap_malloc(size_t n) { ++heap_calls; return __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { ++heap_calls; return __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { ++heap_calls; return __real_realloc(p, n); }
void __wrap_free(void *p) { ++heap_calls; __real_free(p); }

int main(void)
{
    void *probe;
    unsigned long before;
    char *brk_before, *brk_after;
    int rc;

    /* The counter sees a call (else the test below would prove nothing). */
    before = heap_calls;
    probe = malloc(32);
    free(probe);
    if (heap_calls != before + 2) {
        printf("zero_heap: FAIL: the malloc wrapper counted %lu calls, not 2\n", heap_calls - before);
        return 1;
    }
    printf("zero_heap: running the firmware steps with malloc, calloc, realloc, free counted\n");
    fflush(stdout); /* stdio's own buffer is allocated before the count starts */

    before = heap_calls;
    brk_before = _sbrk(0);
    rc = sfl_fw_main();
    brk_after = _sbrk(0);
    printf("zero_heap: firmware steps %s (status %d); %lu heap calls, break moved %ld bytes\n",
           rc == 0 ? "passed" : "FAILED", rc, heap_calls - before, (long)(brk_after - brk_before));
    return rc == 0 && heap_calls == before && brk_after == brk_before ? 0 : 1;
}
