/* selftest.c - the board support itself (startup.c, board_clock.c, the linker script):
 * .data copied, .bss cleared, the FPU on, argv from the runner, stdio and files through
 * semihosting, the heap, and SysTick counting emulated instructions. Exit status 0 when
 * all hold; each failure is printed.
 *   selftest EXPECTED_ARG FILE   (FILE: any readable host file, e.g. this source)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "c_expect.h" /* tests/c_api */


static volatile uint32_t initialised = 0x5F1u; /* .data */
static volatile uint32_t zeroed[64];            /* .bss */

/* A loop of a known instruction count: 3 per iteration (subs, nop, bne), for the clock. */
static void spin(uint32_t n)
{
    __asm__ volatile("1: subs %0, %0, #1\n\tnop\n\tbne 1b" : "+r"(n) : : "cc");
}

int main(int argc, char **argv)
{
    volatile float x = 2.0f;
    uint64_t t0, t1, t2;
    FILE *f;
    char *heap;
    int i, nz = 0;

    EXPECT(initialised == 0x5F1u);
    for (i = 0; i < 64; ++i) nz += zeroed[i] != 0;
    EXPECT(nz == 0);
    EXPECT(fabsf(sqrtf(x) - 1.41421356f) < 1e-6f); /* an FPU instruction (vsqrt.f32) */
    EXPECT(argc == 3);
    if (argc == 3) {
        EXPECT(strcmp(argv[1], "--expected-arg") == 0);
        f = fopen(argv[2], "rb");
        EXPECT(f != NULL);
        if (f) {
            EXPECT(fgetc(f) == '/');
            fclose(f);
        }
    }
    heap = malloc(1000);
    EXPECT(heap != NULL);
    free(heap);

    /* 4,000,000 instructions of spin() must read as 100,000 ticks of 40 (to a tick and
     * the call around it); twice that, twice the ticks. */
    sfl_board_clock_start();
    t0 = sfl_board_ticks();
    spin(4000000u / 3u);
    t1 = sfl_board_ticks();
    spin(2u * 4000000u / 3u);
    t2 = sfl_board_ticks();
    printf("selftest: %lu ticks for 4e6 instructions, %lu for 8e6 (%u instructions a tick)\n",
           (unsigned long)(t1 - t0), (unsigned long)(t2 - t1), SFL_BOARD_INSNS_PER_TICK);
    EXPECT(t1 - t0 >= 99999u && t1 - t0 <= 100002u);
    EXPECT(t2 - t1 >= 199999u && t2 - t1 <= 200002u);

    printf("selftest: %d failures\n", failures);
    return failures == 0 ? 0 : 1;
}
