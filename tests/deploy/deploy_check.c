/* deploy_check.c - a C99 program, built against a header written by sfl-export, that
 * runs the model image by image with static memory only (as firmware would) and
 * compares the outputs with the C++ network's, bit for bit.
 *
 *   deploy_check INPUTS.f32 EXPECTED.f32
 *
 * Built with -DDEPLOY_HEADER="x.h" -DDEPLOY_NAME=x -DDEPLOY_UP=X (the --name given to
 * sfl-export and its upper case). Exit status 0 when every output matches, 1 otherwise.
 */
#include <sfl/sfl.h>

#include <stdio.h>
#include <string.h>

#include DEPLOY_HEADER

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define M_MODEL CAT(DEPLOY_NAME, _model)
#define M_IN_SIZE CAT(DEPLOY_UP, _IN_SIZE)
#define M_OUT_SIZE CAT(DEPLOY_UP, _OUT_SIZE)
#define M_N_LAYERS CAT(DEPLOY_UP, _N_LAYERS)
#define M_WORKSPACE_BYTES CAT(DEPLOY_UP, _WORKSPACE_BYTES)
#define M_PLAN_BYTES CAT(DEPLOY_UP, _PLAN_BYTES)
#define M_CONST_BYTES CAT(DEPLOY_UP, _CONST_BYTES)

#define MAX_IMAGES 64

static unsigned char workspace[M_WORKSPACE_BYTES] __attribute__((aligned(64)));
#if M_PLAN_BYTES > 0
static unsigned char plan_mem[M_PLAN_BYTES] __attribute__((aligned(64)));
#endif
static float inputs[MAX_IMAGES * M_IN_SIZE];
static float expected[MAX_IMAGES * M_OUT_SIZE];
static float out[M_OUT_SIZE];

/* Floats of the file into buf (at most cap); -1 on error. */
static long read_floats(const char *path, float *buf, long cap) {
    FILE *f = fopen(path, "rb");
    long n;
    if (!f) {
        fprintf(stderr, "deploy_check: cannot open %s\n", path);
        return -1;
    }
    n = (long)fread(buf, sizeof(float), (size_t)cap, f);
    if (ferror(f) || fgetc(f) != EOF) {
        fprintf(stderr, "deploy_check: cannot read %s (or more than %ld floats)\n", path, cap);
        n = -1;
    }
    fclose(f);
    return n;
}

int main(int argc, char **argv) {
    sfl_model model = M_MODEL;
    sfl_workspace ws;
    size_t bytes = 0;
    long n_in, n_out, images, i, mismatches = 0;
    sfl_status st;

    if (argc != 3) {
        fprintf(stderr, "usage: deploy_check INPUTS.f32 EXPECTED.f32\n");
        return 1;
    }
    n_in = read_floats(argv[1], inputs, MAX_IMAGES * (long)M_IN_SIZE);
    n_out = read_floats(argv[2], expected, MAX_IMAGES * (long)M_OUT_SIZE);
    if (n_in < 0 || n_out < 0) return 1;
    images = n_in / M_IN_SIZE;
    if (images < 1 || n_in != images * M_IN_SIZE || n_out != images * M_OUT_SIZE) {
        fprintf(stderr, "deploy_check: %ld input and %ld expected floats do not make whole images\n", n_in, n_out);
        return 1;
    }
    /* The header's sizes are the library's. */
    if (model.n_layers != M_N_LAYERS) {
        fprintf(stderr, "deploy_check: N_LAYERS %d, the model has %d\n", (int)M_N_LAYERS, (int)model.n_layers);
        return 1;
    }
    if (sfl_model_forward_workspace_size(&model, 1, &bytes) != SFL_OK || bytes != M_WORKSPACE_BYTES) {
        fprintf(stderr, "deploy_check: WORKSPACE_BYTES %lu, the library says %lu\n", (unsigned long)M_WORKSPACE_BYTES,
                (unsigned long)bytes);
        return 1;
    }
    if (sfl_model_plans_size(&model, &bytes) != SFL_OK || bytes != M_PLAN_BYTES) {
        fprintf(stderr, "deploy_check: PLAN_BYTES %lu, the library says %lu\n", (unsigned long)M_PLAN_BYTES,
                (unsigned long)bytes);
        return 1;
    }
#if M_PLAN_BYTES > 0
    st = sfl_model_build_plans(&model, plan_mem, sizeof plan_mem);
    if (st != SFL_OK) {
        fprintf(stderr, "deploy_check: sfl_model_build_plans: %s\n", sfl_status_string(st));
        return 1;
    }
#endif
    st = sfl_model_check(&model);
    if (st != SFL_OK) {
        fprintf(stderr, "deploy_check: sfl_model_check: %s\n", sfl_status_string(st));
        return 1;
    }
    ws.buf = workspace;
    ws.size = sizeof workspace;
    for (i = 0; i < images; ++i) {
        st = sfl_model_forward(&ws, &model, 1, inputs + i * M_IN_SIZE, out);
        if (st < 0) {
            fprintf(stderr, "deploy_check: image %ld: sfl_model_forward: %s\n", i, sfl_status_string(st));
            return 1;
        }
        if (memcmp(out, expected + i * M_OUT_SIZE, sizeof out) != 0) {
            fprintf(stderr, "deploy_check: image %ld: the outputs differ from the C++ network's\n", i);
            ++mismatches;
        }
    }
    printf("%ld images, %ld bit-exact, const %lu bytes, workspace %lu bytes, plans built %lu bytes\n", images,
           images - mismatches, (unsigned long)M_CONST_BYTES, (unsigned long)M_WORKSPACE_BYTES,
           (unsigned long)M_PLAN_BYTES);
    return mismatches ? 1 : 0;
}
