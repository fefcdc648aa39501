/* board.h - what sfl's device programs use of the emulated MPS2 boards (startup.c,
 * board_clock.c; docs/embedded.md "Running on emulated boards"). */
#ifndef SFL_BOARD_H
#define SFL_BOARD_H
#include <stdint.h>

/* A semihosting call (op, parameter block); returns r0. */
int sfl_board_semihost(int op, void *arg);

/* SysTick on the CPU clock (25 MHz on MPS2), extended to 64 bits by its interrupt.
 * Under qemu's -icount shift=0 one instruction takes 1 ns of virtual time, so one tick
 * is SFL_BOARD_INSNS_PER_TICK emulated instructions (not cycles). */
#define SFL_BOARD_CPU_HZ 25000000u
#define SFL_BOARD_INSNS_PER_TICK (1000000000u / SFL_BOARD_CPU_HZ)
void sfl_board_clock_start(void);
uint64_t sfl_board_ticks(void);
#endif
