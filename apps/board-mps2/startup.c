/* startup.c - reset and faults for the emulated MPS2 boards (mps2-an386: Cortex-M4F,
 * mps2-an500: Cortex-M7; docs/embedded.md "Running on emulated boards").
 *
 * Reset_Handler enables the FPU, copies .data from its load address, clears .bss,
 * opens newlib's semihosting handles (librdimon), builds argv from the semihosting
 * command line and calls exit(main(argc, argv)): newlib's exit flushes stdio and its
 * librdimon _exit reports the status to the host (qemu exits with it).
 * Then it runs the constructors of .init_array (none in the C programs: the library has
 * none, apps/firmware-cortex-m/check_runtime.cmake; the doctest suite registers its test
 * cases and libstdc++ its streams there) and calls exit(main(argc, argv)).
 * Written for sfl; the symbols come from mps2-common.ld.
 */
#include <stdint.h>
#include <stdlib.h>

#include "board.h"

extern uint32_t __data_load__[], __data_start__[], __data_end__[], __bss_start__[], __bss_end__[];
extern uint32_t __stack_top__[];
typedef void (*sfl_board_ctor)(void);
extern sfl_board_ctor __init_array_start[], __init_array_end[];
extern void initialise_monitor_handles(void); /* librdimon */
extern int main(int argc, char **argv);

void Reset_Handler(void);
void sfl_board_fault_handler(void);
void sfl_board_systick_handler(void); /* board_clock.c */

#define CPACR (*(volatile uint32_t *)0xE000ED88u)

/* Semihosting call: BKPT 0xAB on M-profile (qemu: -semihosting-config enable=on). */
int sfl_board_semihost(int op, void *arg)
{
    register int r0 __asm__("r0") = op;
    register void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

#define SYS_WRITE0 0x04
#define SYS_GET_CMDLINE 0x15
#define SYS_EXIT 0x18
#define ADP_STOPPED_RUNTIME_ERROR 0x20023 /* qemu exits with status 1 */

/* argv from SYS_GET_CMDLINE: the runner passes the arguments with
 * -semihosting-config arg=...; they are split at spaces (the runner rejects spaces). */
#define MAX_ARGS 16
static char cmdline[1024];
static char *argv_buf[MAX_ARGS + 1];

static int build_argv(void)
{
    struct {
        char *buf;
        int len;
    } block = {cmdline, (int)sizeof cmdline - 1};
    int argc = 0;
    char *p = cmdline;
    if (sfl_board_semihost(SYS_GET_CMDLINE, &block) != 0) return 0;
    cmdline[block.len] = '\0';
    while (*p && argc < MAX_ARGS) {
        while (*p == ' ') *p++ = '\0';
        if (!*p) break;
        argv_buf[argc++] = p;
        while (*p && *p != ' ') ++p;
    }
    argv_buf[argc] = 0;
    return argc;
}

void Reset_Handler(void)
{
    uint32_t *src = __data_load__, *dst = __data_start__;
    /* CP10 and CP11 full access before any floating-point instruction runs. */
    CPACR |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    while (dst < __data_end__) *dst++ = *src++;
    for (dst = __bss_start__; dst < __bss_end__;) *dst++ = 0;
    initialise_monitor_handles();
    {
        sfl_board_ctor *ctor;
        int argc;
        for (ctor = __init_array_start; ctor < __init_array_end; ++ctor) (*ctor)();
        argc = build_argv();
        exit(main(argc, argv_buf));
    }
}

/* Any fault or unexpected interrupt: say so and stop with a failing status, without
 * touching stdio (its state may be what broke). */
void sfl_board_fault_handler(void)
{
    sfl_board_semihost(SYS_WRITE0, (void *)"sfl board: fault or unexpected exception\n");
    sfl_board_semihost(SYS_EXIT, (void *)ADP_STOPPED_RUNTIME_ERROR);
    for (;;) {
    }
}

/* The vector table: initial stack pointer, the 15 system exceptions, 32 interrupts
 * (unused: they all fault). */
typedef void (*sfl_vector)(void);
__attribute__((section(".vectors"), used)) static const sfl_vector vectors[16 + 32] = {
    (sfl_vector)(uintptr_t)__stack_top__,
    Reset_Handler,
    sfl_board_fault_handler, /* NMI */
    sfl_board_fault_handler, /* HardFault */
    sfl_board_fault_handler, /* MemManage */
    sfl_board_fault_handler, /* BusFault */
    sfl_board_fault_handler, /* UsageFault */
    0, 0, 0, 0,
    sfl_board_fault_handler, /* SVCall */
    sfl_board_fault_handler, /* DebugMonitor */
    0,
    sfl_board_fault_handler, /* PendSV */
    sfl_board_systick_handler,
    [16 ... 47] = sfl_board_fault_handler,
};
