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
 * docs/embedded.md's table. Exit status 0 when every call returns SFL_OK. The image reading
 * and the CSF timing are cost_common.c's, shared with cmsis_nn_cost.c.
 */
#include <sfl/sfl.h>

#include <stdint.h>
#include <stdio.h>

#include "board.h"
#include "cost_common.h"
#include "sfl_demo_model.h"

#if SFL_DEMO_PLAN_BYTES > 0
#error "cost.c expects the plans in the header (sfl-export without --no-plans)"
#endif
#if SFL_DEMO_IN_SIZE != SFL_COST_PIXELS
#error "cost.c expects a 28x28x1 model input"
#endif

#define WS_BYTES (SFL_DEMO_WORKSPACE_BYTES > SFL_COST_CSF_WS_BYTES ? SFL_DEMO_WORKSPACE_BYTES : SFL_COST_CSF_WS_BYTES)

static unsigned char workspace[WS_BYTES] __attribute__((aligned(SFL_WORKSPACE_ALIGN)));
static float image[SFL_DEMO_IN_SIZE];
static float logits[SFL_DEMO_OUT_SIZE];
static float codes[SFL_COST_CODES];

static uint64_t model_ticks, csf_ticks[2];

static void report(const char *what, uint64_t ticks, long images, long patches)
{
    const double insns = sfl_cost_insns(ticks, images);
    printf("%-34s %12.0f instructions/image", what, insns);
    if (patches) printf("  %9.0f instructions/patch", insns / (double)patches);
    printf("\n");
}

int main(int argc, char **argv)
{
    const sfl_model_layer *csf = &sfl_demo_model.layers[0];
    const sfl_workspace ws = {workspace, sizeof workspace};
    const long patches = (long)SFL_COST_OUT_H * SFL_COST_OUT_W;
    long count = 0, i;
    int status;
    FILE *f = sfl_cost_open(argc, argv, csf, &count, &status);

    if (!f) return status;
    sfl_board_clock_start();
    for (i = 0; i < count; ++i) {
        uint64_t t0;
        sfl_status st;
        if (sfl_cost_read_image(f, NULL, image) != 0) return 1;
        t0 = sfl_board_ticks();
        st = sfl_model_forward(&ws, &sfl_demo_model, 1, image, logits);
        model_ticks += sfl_board_ticks() - t0;
        if (st < 0) return fprintf(stderr, "sfl_model_forward: %s\n", sfl_status_string(st)), 1;
        if (sfl_cost_csf(&ws, csf, image, codes, csf_ticks) != 0) return 1;
    }
    fclose(f);
    printf("cost over %ld MNIST test images (%ld patches each; model solver %s, l1 %g, l2 %g):\n", count, patches,
           csf->enet.solver == SFL_ENET_LARS ? "LARS" : "CD", (double)csf->enet.l1, (double)csf->enet.l2);
    report("whole network (sfl_model_forward)", model_ticks, count, 0);
    report("CSF layer, LARS (sfl_csf_forward)", csf_ticks[0], count, patches);
    report("CSF layer, CD (sfl_csf_forward)", csf_ticks[1], count, patches);
    return 0;
}
