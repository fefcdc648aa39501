/* board_clock.c - a 64-bit tick count from SysTick (board.h). */
#include "board.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_PERIOD 0x1000000u /* 24-bit counter */

void sfl_board_systick_handler(void);
static volatile uint32_t wraps;

void sfl_board_systick_handler(void) { ++wraps; }

void sfl_board_clock_start(void)
{
    SYST_CSR = 0;
    SYST_RVR = SYST_PERIOD - 1;
    SYST_CVR = 0;
    SYST_CSR = 7; /* processor clock, interrupt on wrap, enabled */
    while (SYST_CVR == 0) { /* the counter reads 0 until its first reload */
    }
    wraps = 0;
}

uint64_t sfl_board_ticks(void)
{
    uint32_t w, v;
    do { /* a wrap between the two reads shows as a changed count: read again */
        w = wraps;
        v = SYST_CVR;
    } while (w != wraps);
    return (uint64_t)w * SYST_PERIOD + (SYST_PERIOD - 1u - v);
}
