/* cost.c - what the exported CSF network costs per image on the device, in emulated
 * instructions (qemu -icount shift=0; board.h: SysTick ticks x 40). Not cycles: qemu
 * counts instructions and models no pipeline, cache or wait states.
 *
 *   cost IMAGES COUNT
 *
 * For each of the first COUNT MNIST test images (read through semihosting): the whole
 * network (sfl_model_forward) and its CSF layer alone (sfl_csf_forward on the 24x24
 * patches) with the model's solver and with the other one (LARS, CD). Prints one line
 * per measure, instructions per image and per patch (averaged over the images), for
 * docs/embedded.md's table. Exit status 0 when every call returns SFL_OK.
 */
#include <sfl/sfl.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "board.h"
#include "sfl_demo_model.h"

#if SFL_DEMO_PLAN_BYTES > 0
#error "cost.c expects the plans in the header (sfl-export without --no-plans)"
#endif

#define CSF_M 25
#define CSF_K 20
#define CSF_WS_BYTES SFL_CSF_FORWARD_WORKSPACE_BYTES(CSF_M, CSF_K, SFL_ENET_LARS_WORKSPACE_BYTES(CSF_K))
#define WS_BYTES (SFL_DEMO_WORKSPACE_BYTES > CSF_WS_BYTES ? SFL_DEMO_WORKSPACE_BYTES : CSF_WS_BYTES)

static unsigned char workspace[WS_BYTES] __attribute__((aligned(SFL_WORKSPACE_ALIGN)));
static unsigned char pixels[SFL_DEMO_IN_SIZE];
static float image[SFL_DEMO_IN_SIZE];
static float logits[SFL_DEMO_OUT_SIZE];
static float codes[24 * 24 * CSF_K];

static uint64_t model_ticks, csf_ticks[2];

static int run_one(const sfl_workspace *ws, const sfl_model_layer *csf)
{
    const sfl_range all = {0, 1};
    uint64_t t0;
    sfl_status st;
    int s;
    t0 = sfl_board_ticks();
    st = sfl_model_forward(ws, &sfl_demo_model, 1, image, logits);
    model_ticks += sfl_board_ticks() - t0;
    if (st < 0) return fprintf(stderr, "sfl_model_forward: %s\n", sfl_status_string(st)), 1;
    for (s = 0; s < 2; ++s) {
        sfl_enet_params params = csf->enet;
        params.solver = s == 0 ? SFL_ENET_LARS : SFL_ENET_CD;
        t0 = sfl_board_ticks();
        st = sfl_csf_forward(ws, &params, &csf->geom, csf->plan, csf->weight, &csf->in, all, image, codes, NULL,
                             NULL, NULL);
        csf_ticks[s] += sfl_board_ticks() - t0;
        if (st < 0) return fprintf(stderr, "sfl_csf_forward: %s\n", sfl_status_string(st)), 1;
    }
    return 0;
}

static void report(const char *what, uint64_t ticks, long images, long patches)
{
    const double insns = (double)ticks * SFL_BOARD_INSNS_PER_TICK / (double)images;
    printf("%-34s %12.0f instructions/image", what, insns);
    if (patches) printf("  %9.0f instructions/patch", insns / (double)patches);
    printf("\n");
}

int main(int argc, char **argv)
{
    const sfl_model_layer *csf = &sfl_demo_model.layers[0];
    const sfl_workspace ws = {workspace, sizeof workspace};
    long count, i, patches;
    FILE *f;
    int k;

    if (argc != 3 || (count = strtol(argv[2], NULL, 10)) < 1) {
        fprintf(stderr, "usage: cost IMAGES COUNT\n");
        return 2;
    }
    if (csf->kind != SFL_MODEL_CSF || csf->in.c != 1 || csf->out.c != CSF_K ||
        csf->geom.kernel.h * csf->geom.kernel.w != CSF_M) {
        fprintf(stderr, "cost: layer 0 is not a 5x5, K = 20 CSF layer on one channel\n");
        return 1;
    }
    patches = (long)csf->out.h * csf->out.w;
    if (!(f = fopen(argv[1], "rb")) || fseek(f, 16, SEEK_SET) != 0) { /* idx header: 16 bytes */
        fprintf(stderr, "cost: cannot read %s\n", argv[1]);
        return 1;
    }
    sfl_board_clock_start();
    for (i = 0; i < count; ++i) {
        if (fread(pixels, 1, sizeof pixels, f) != sizeof pixels) return fprintf(stderr, "cost: short read\n"), 1;
        for (k = 0; k < SFL_DEMO_IN_SIZE; ++k) image[k] = (float)pixels[k] * (1.0f / 255.0f);
        if (run_one(&ws, csf) != 0) return 1;
    }
    fclose(f);
    printf("cost over %ld MNIST test images (%ld patches each; model solver %s, l1 %g, l2 %g):\n", count, patches,
           csf->enet.solver == SFL_ENET_LARS ? "LARS" : "CD", (double)csf->enet.l1, (double)csf->enet.l2);
    report("whole network (sfl_model_forward)", model_ticks, count, 0);
    report("CSF layer, LARS (sfl_csf_forward)", csf_ticks[0], count, patches);
    report("CSF layer, CD (sfl_csf_forward)", csf_ticks[1], count, patches);
    return 0;
}
