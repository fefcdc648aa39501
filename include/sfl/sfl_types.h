/* sfl_types.h - types shared by every sfl module.
 *
 * Conventions (see docs/c-api.md):
 *  - matrices are dense, row-major (C order), float32, with no padding between rows;
 *  - dimensions are int32_t (> 0 unless documented), byte sizes are size_t;
 *  - every buffer is owned by the caller; sfl never allocates, never frees,
 *    keeps no global state and is reentrant (distinct calls may run on distinct
 *    threads as long as they do not share output or workspace buffers).
 */
#ifndef SFL_TYPES_H
#define SFL_TYPES_H

#include <stddef.h>
#include <stdint.h>

#include "sfl_export.h"
#include "sfl_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Alignment in bytes required of every workspace and plan buffer. */
#define SFL_WORKSPACE_ALIGN 64

/** Round a byte count up to a multiple of SFL_WORKSPACE_ALIGN (used by the
 *  compile-time size macros; every region sfl carves is rounded this way). */
#define SFL_ALIGN_UP(bytes) ((((size_t)(bytes)) + (SFL_WORKSPACE_ALIGN - 1)) & ~(size_t)(SFL_WORKSPACE_ALIGN - 1))

/** Stack: the most bytes of the caller's stack any sfl call uses (frames included), on
 *  every target. In SIMD builds the GEMM behind sfl_enet_plan_init(), sfl_enet_encode(),
 *  the layers of sfl_layers.h and sfl_nn.h and sfl_model_forward() packs a 12 KiB panel
 *  of its right operand on the stack (a thread needs this much on top of its own use);
 *  the scalar build (Cortex-M, SFL_SIMD=OFF) packs nothing and uses far less.
 *  tests/test_stack.cpp measures the high-water mark of each kind of call (about 16 KiB
 *  on x86-64 with AVX-512, GCC -O3); the bound leaves room for other compilers and targets. */
#define SFL_MAX_STACK_BYTES 20480

/** Scratch memory handed to a call. buf must be SFL_WORKSPACE_ALIGN aligned
 *  and hold at least the bytes the matching *_workspace_size() query gives.
 *  sfl writes into it freely; its content after the call is unspecified. */
typedef struct sfl_workspace {
    void *buf;   /**< caller-owned, SFL_WORKSPACE_ALIGN-aligned; may be NULL only if size == 0 */
    size_t size; /**< bytes available at buf */
} sfl_workspace;

#ifdef __cplusplus
}
#endif

#endif /* SFL_TYPES_H */
