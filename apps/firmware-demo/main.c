/* firmware-demo/main.c - run a network exported by sfl-export on the MNIST test set,
 * the way firmware would: C99, the model compiled in as const arrays, every other
 * byte in static buffers whose sizes are compile-time constants of the header.
 *
 *   firmware-demo IMAGES LABELS [COUNT [PREDICTIONS]]
 *
 * IMAGES, LABELS: idx files (t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte); COUNT
 * limits the images read (default: all); PREDICTIONS, a file that gets each image's
 * predicted class, one a line (the PC's and the Cortex-M boards' are compared:
 * apps/board-mps2/compare_predictions.cmake). Prints `accuracy: <percent>`, the count,
 * and the static memory used. Exit status 0 on success, 1 on an error (message on
 * stderr). The images are read one at a time: the program never holds the data set.
 *
 * The header is "sfl_demo_model.h", written by
 *     sfl-export --model MODEL.sflm --header DIR/sfl_demo_model.h --name sfl_demo
 * (docs/deploy.md); add DIR to the include path. Pixels are scaled as sfl-train
 * does, p * (1/255) in float, so the inputs, and with them the outputs, are the
 * ones the C++ model saw; the predicted class is the first largest logit, as in
 * sfl-train's accuracy.
 */
#include <sfl/sfl.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sfl_demo_model.h"

#if defined(__GNUC__)
#define DEMO_ALIGNED __attribute__((aligned(SFL_WORKSPACE_ALIGN)))
#else
#error "DEMO_ALIGNED: give the static buffers SFL_WORKSPACE_ALIGN alignment for this compiler"
#endif

#if SFL_DEMO_IN_C != 1
#error "firmware-demo reads MNIST: the model must take one-channel images"
#endif
#if SFL_DEMO_OUT_SIZE < 2
#error "firmware-demo needs a classifier: the model's output must hold at least 2 logits"
#endif

/* ---- all the memory, static ---- */
static unsigned char demo_workspace[SFL_DEMO_WORKSPACE_BYTES] DEMO_ALIGNED; /* sfl_model_forward scratch */
#if SFL_DEMO_PLAN_BYTES > 0
/* The header was exported with --no-plans: G = P^T P + l2 I is built here at start-up. */
static unsigned char demo_plans[SFL_DEMO_PLAN_BYTES] DEMO_ALIGNED;
static sfl_model demo_model; /* sfl_demo_model with the plan pointers set */
#endif
static unsigned char demo_pixels[SFL_DEMO_IN_SIZE]; /* one idx image, uint8 */
static float demo_input[SFL_DEMO_IN_SIZE];          /* the same, scaled to [0, 1] */
static float demo_logits[SFL_DEMO_OUT_SIZE];        /* network output */

#define DEMO_STATIC_BYTES                                                                            \
    (sizeof demo_workspace + sizeof demo_pixels + sizeof demo_input + sizeof demo_logits + DEMO_PLAN_RAM)
#if SFL_DEMO_PLAN_BYTES > 0
#define DEMO_PLAN_RAM (sizeof demo_plans + sizeof demo_model)
#else
#define DEMO_PLAN_RAM 0
#endif

static int fail(const char *what, const char *detail) {
    fprintf(stderr, "firmware-demo: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    return 1;
}

/* Big-endian 32-bit word of an idx header. */
static int read_be32(FILE *f, uint32_t *v) {
    unsigned char b[4];
    if (fread(b, 1, 4, f) != 4) return 0;
    *v = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | (uint32_t)b[3];
    return 1;
}

/* Open an idx file and check its header: magic 0x00000800 | ndim (unsigned bytes), then
 * the dims. Returns the count of items, or -1 with a message. */
static long open_idx(FILE **f, const char *path, uint32_t ndim, uint32_t rows, uint32_t cols) {
    uint32_t magic, n, r, c;
    *f = fopen(path, "rb");
    if (!*f) {
        fail("cannot open", path);
        return -1;
    }
    if (!read_be32(*f, &magic) || magic != (0x800u | ndim) || !read_be32(*f, &n)) {
        fail("not an idx file of unsigned bytes with the expected rank", path);
        return -1;
    }
    if (ndim == 3) {
        if (!read_be32(*f, &r) || !read_be32(*f, &c)) {
            fail("truncated idx header", path);
            return -1;
        }
        if (r != rows || c != cols) {
            fprintf(stderr, "firmware-demo: %s holds %lux%lu images, the model takes %lux%lu\n", path,
                    (unsigned long)r, (unsigned long)c, (unsigned long)rows, (unsigned long)cols);
            return -1;
        }
    }
    return (long)n;
}

int main(int argc, char **argv) {
    const sfl_model *model = &sfl_demo_model;
    sfl_workspace ws;
    size_t need = 0;
    FILE *images = NULL, *labels = NULL, *predictions = NULL;
    long n_images, n_labels, count, i, correct = 0;
    int status = 1;
    sfl_status st;

    if (argc < 3 || argc > 5) {
        fprintf(stderr, "usage: firmware-demo IMAGES LABELS [COUNT [PREDICTIONS]]\n");
        return 2;
    }

#if SFL_DEMO_PLAN_BYTES > 0
    demo_model = sfl_demo_model;
    st = sfl_model_build_plans(&demo_model, demo_plans, sizeof demo_plans);
    if (st != SFL_OK) return fail("sfl_model_build_plans", sfl_status_string(st));
    model = &demo_model;
#endif
    /* The header's sizes are compile-time constants; check them against the library. */
    st = sfl_model_forward_workspace_size(model, 1, &need);
    if (st != SFL_OK) return fail("sfl_model_forward_workspace_size", sfl_status_string(st));
    if (need > sizeof demo_workspace) return fail("the header's SFL_DEMO_WORKSPACE_BYTES is too small", NULL);
    ws.buf = demo_workspace;
    ws.size = sizeof demo_workspace;

    n_images = open_idx(&images, argv[1], 3, SFL_DEMO_IN_H, SFL_DEMO_IN_W);
    if (n_images < 0) goto done;
    n_labels = open_idx(&labels, argv[2], 1, 0, 0);
    if (n_labels < 0) goto done;
    if (n_labels != n_images) {
        fail("the image and label files hold different counts", NULL);
        goto done;
    }
    count = n_images;
    if (argc >= 4) {
        char *end = NULL;
        const long want = strtol(argv[3], &end, 10);
        if (!end || *end != '\0' || want < 1) {
            fail("COUNT must be a positive integer", argv[3]);
            goto done;
        }
        if (want < count) count = want;
    }
    if (argc == 5 && !(predictions = fopen(argv[4], "w"))) {
        fail("cannot write", argv[4]);
        goto done;
    }

    for (i = 0; i < count; ++i) {
        int label, k, best = 0;
        if (fread(demo_pixels, 1, sizeof demo_pixels, images) != sizeof demo_pixels ||
            (label = fgetc(labels)) == EOF) {
            fail("truncated idx data", argv[1]);
            goto done;
        }
        for (k = 0; k < SFL_DEMO_IN_SIZE; ++k) demo_input[k] = (float)demo_pixels[k] * (1.0f / 255.0f);
        st = sfl_model_forward(&ws, model, 1, demo_input, demo_logits);
        if (st < 0) { /* nothing written; SFL_WARN_* still give logits */
            fail("sfl_model_forward", sfl_status_string(st));
            goto done;
        }
        for (k = 1; k < SFL_DEMO_OUT_SIZE; ++k)
            if (demo_logits[k] > demo_logits[best]) best = k;
        if (best == label) ++correct;
        if (predictions && fprintf(predictions, "%d\n", best) < 0) {
            fail("cannot write", argv[4]);
            goto done;
        }
    }

    printf("accuracy: %.2f\n", count ? 100.0 * (double)correct / (double)count : 0.0);
    printf("correct: %ld of %ld test images\n", correct, count);
    printf("static memory: %lu bytes RAM (workspace %lu, plans %lu, image and logits %lu), "
           "%lu bytes const (the model)\n",
           (unsigned long)DEMO_STATIC_BYTES, (unsigned long)sizeof demo_workspace, (unsigned long)DEMO_PLAN_RAM,
           (unsigned long)(sizeof demo_pixels + sizeof demo_input + sizeof demo_logits),
           (unsigned long)SFL_DEMO_CONST_BYTES);
    status = 0;
done:
    if (images) fclose(images);
    if (labels) fclose(labels);
    if (predictions && fclose(predictions) != 0 && status == 0) status = fail("cannot write", argv[4]);
    return status;
}
