/* cost_common.c - see cost_common.h. */
#include "cost_common.h"

#include <stdlib.h>

#include "board.h"

FILE *sfl_cost_open(int argc, char **argv, const sfl_model_layer *csf, long *count, int *status)
{
    const char *prog = argc > 0 ? argv[0] : "cost";
    FILE *f;
    *status = 2;
    if (argc != 3 || (*count = strtol(argv[2], NULL, 10)) < 1) {
        fprintf(stderr, "usage: %s IMAGES COUNT\n", prog);
        return NULL;
    }
    *status = 1;
    if (csf->kind != SFL_MODEL_CSF || csf->in.h != SFL_COST_IN_H || csf->in.w != SFL_COST_IN_W || csf->in.c != 1 ||
        csf->out.c != SFL_COST_K || csf->geom.kernel.h != SFL_COST_KH || csf->geom.kernel.w != SFL_COST_KW ||
        csf->geom.stride.h != 1 || csf->geom.stride.w != 1 || csf->geom.padding.h != 0 || csf->geom.padding.w != 0) {
        fprintf(stderr, "%s: layer 0 is not a 5x5, K = 20 CSF layer on a 28x28x1 image\n", prog);
        return NULL;
    }
    if (!(f = fopen(argv[1], "rb")) || fseek(f, 16, SEEK_SET) != 0) { /* idx header: 16 bytes */
        fprintf(stderr, "%s: cannot read %s\n", prog, argv[1]);
        if (f) fclose(f);
        return NULL;
    }
    *status = 0;
    return f;
}

int sfl_cost_read_image(FILE *f, unsigned char *pixels, float *image)
{
    unsigned char buf[SFL_COST_PIXELS];
    int k;
    if (fread(buf, 1, sizeof buf, f) != sizeof buf) return fprintf(stderr, "cost: short read\n"), 1;
    for (k = 0; k < SFL_COST_PIXELS; ++k) {
        if (pixels) pixels[k] = buf[k];
        image[k] = (float)buf[k] * (1.0f / 255.0f);
    }
    return 0;
}

int sfl_cost_csf(const sfl_workspace *ws, const sfl_model_layer *csf, const float *image, float *codes,
                 uint64_t ticks[2])
{
    const sfl_range all = {0, 1};
    int s;
    for (s = 0; s < 2; ++s) {
        sfl_enet_params params = csf->enet;
        uint64_t t0;
        sfl_status st;
        params.solver = s == 0 ? SFL_ENET_LARS : SFL_ENET_CD;
        t0 = sfl_board_ticks();
        st = sfl_csf_forward(ws, &params, &csf->geom, csf->plan, csf->weight, &csf->in, all, image, codes, NULL,
                             NULL, NULL);
        ticks[s] += sfl_board_ticks() - t0;
        if (st < 0) return fprintf(stderr, "sfl_csf_forward: %s\n", sfl_status_string(st)), 1;
    }
    return 0;
}

double sfl_cost_insns(uint64_t ticks, long images)
{
    return (double)ticks * SFL_BOARD_INSNS_PER_TICK / (double)images;
}
