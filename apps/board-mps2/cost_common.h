/* cost_common.h - what the device cost programs share (cost.c, cmsis_nn_cost.c;
 * docs/embedded.md "Cost per image on the device"): the command line, the MNIST test
 * images read through semihosting, the exported model's CSF layer timed with LARS and
 * with CD, and ticks turned into emulated instructions per image. */
#ifndef SFL_COST_COMMON_H
#define SFL_COST_COMMON_H
#include <sfl/sfl.h>

#include <stdint.h>
#include <stdio.h>

/* The CSF layer both programs measure: 5x5 patches of a 28x28x1 image, K = 20 atoms. */
#define SFL_COST_IN_H 28
#define SFL_COST_IN_W 28
#define SFL_COST_KH 5
#define SFL_COST_KW 5
#define SFL_COST_M (SFL_COST_KH * SFL_COST_KW)
#define SFL_COST_K 20
#define SFL_COST_OUT_H (SFL_COST_IN_H - SFL_COST_KH + 1)
#define SFL_COST_OUT_W (SFL_COST_IN_W - SFL_COST_KW + 1)
#define SFL_COST_PIXELS (SFL_COST_IN_H * SFL_COST_IN_W)
#define SFL_COST_CODES (SFL_COST_OUT_H * SFL_COST_OUT_W * SFL_COST_K)
/* sfl_csf_forward's workspace for either solver (LARS needs the larger scratch). */
#define SFL_COST_CSF_WS_BYTES \
    SFL_CSF_FORWARD_WORKSPACE_BYTES(SFL_COST_M, SFL_COST_K, SFL_ENET_LARS_WORKSPACE_BYTES(SFL_COST_K))

/* Parse "PROG IMAGES COUNT", open IMAGES (an idx3 file) past its header and check that
 * csf is a 5x5, K = 20 CSF layer on a 28x28x1 image. Returns the file, or NULL after
 * printing why (*status: 2 usage, 1 otherwise). */
FILE *sfl_cost_open(int argc, char **argv, const sfl_model_layer *csf, long *count, int *status);

/* Read the next image: its bytes into pixels (may be NULL) and pixel / 255 into image
 * (SFL_COST_PIXELS each, HWC). Returns 0, or 1 after printing an error. */
int sfl_cost_read_image(FILE *f, unsigned char *pixels, float *image);

/* sfl_csf_forward of image with csf's parameters, once with LARS (ticks[0] += its ticks)
 * and once with CD (ticks[1]); codes gets the CD codes. ws: SFL_COST_CSF_WS_BYTES at least.
 * Returns 0, or 1 after printing the failing status. */
int sfl_cost_csf(const sfl_workspace *ws, const sfl_model_layer *csf, const float *image, float *codes,
                 uint64_t ticks[2]);

/* Emulated instructions per image of ticks summed over images (board.h). */
double sfl_cost_insns(uint64_t ticks, long images);
#endif
