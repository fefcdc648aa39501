/* cmsis_nn_cost.c - CMSIS-NN's convolution and sfl's layers of the same shape, measured in
 * the same run on the device: emulated instructions per image (qemu -icount shift=0;
 * board.h: SysTick ticks x 40), not cycles. Built only when SFL_CMSIS_NN_DIR names a
 * CMSIS-NN source tree (apps/board-mps2/CMakeLists.txt; bench/compare_cmsis_nn.sh).
 *
 *   cmsis_nn_cost IMAGES COUNT
 *
 * The shape: a 28x28x1 MNIST image -> 24x24x20, 5x5 kernel, stride 1, no padding (the
 * exported model's CSF layer, layer 0 of sfl_demo_model.h). Its dictionary P (25 x 20,
 * unit-norm atoms) is the convolution's filters (one atom per output channel). For each
 * of the first COUNT test images (read through semihosting) the program times
 *   (a) arm_convolve_wrapper_s8: int8 input (pixel - 128, scale 1/255, zero point -128),
 *       int8 filters quantized per channel (symmetric, scale max|atom| / 127), zero int32
 *       bias, int8 output (scale: the largest L1 norm of an atom / 127, so nothing
 *       saturates; zero point 0), per-channel multiplier and shift; its scratch buffer
 *       from arm_convolve_wrapper_s8_get_buffer_size();
 *   (b) arm_convolve_wrapper_f32, float in/out (scratch from its buffer size query);
 *   (c) sfl_conv2d_forward, sfl's float convolution (im2col + GEMM), no bias;
 *   (d) sfl_csf_forward, the CSF layer (elastic net per patch) with LARS and with CD
 *       (cost_common.c, as cost.c).
 * Only the calls themselves are timed (not the input conversion). Checks (after the
 * timed calls, every image): (b) against (c), max abs difference <= 1e-4; (a) against
 * the same requantization done in 64-bit integers and doubles here, at most 1 output
 * step apart, and at least one nonzero output per image. Prints one line per measure
 * (instructions per image, ratio to (a)) and the checks; exit status 0 when every call
 * succeeds and every check holds.
 */
#include <sfl/sfl.h>

#include <arm_nnfunctions.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "board.h"
#include "cost_common.h"
#include "sfl_demo_model.h"

#if SFL_DEMO_PLAN_BYTES > 0
#error "cmsis_nn_cost.c expects the plans in the header (sfl-export without --no-plans)"
#endif
#if !ARM_NN_ENABLE_F32
#error "cmsis_nn_cost.c needs CMSIS-NN built with ARM_NN_ENABLE_F32=1"
#endif

#define CONV_WS_BYTES SFL_CONV2D_FORWARD_WORKSPACE_BYTES_FOR(SFL_COST_M, SFL_COST_OUT_H * SFL_COST_OUT_W)
#define WS_BYTES (CONV_WS_BYTES > SFL_COST_CSF_WS_BYTES ? CONV_WS_BYTES : SFL_COST_CSF_WS_BYTES)
#define CMSIS_BUF_BYTES 4096 /* at least what either buffer size query asks for (checked) */
#define F32_LIMIT 1e-4f

static unsigned char workspace[WS_BYTES] __attribute__((aligned(SFL_WORKSPACE_ALIGN)));
static int32_t cmsis_buf[CMSIS_BUF_BYTES / 4]; /* 4-byte aligned */
static unsigned char pixels[SFL_COST_PIXELS];
static float image[SFL_COST_PIXELS];
static int8_t image_s8[SFL_COST_PIXELS];
static float filter_f32[SFL_COST_K * SFL_COST_M]; /* [C_OUT][5][5][1] */
static int8_t filter_s8[SFL_COST_K * SFL_COST_M];
static int32_t bias_s32[SFL_COST_K];
static int32_t mult[SFL_COST_K], shift[SFL_COST_K];
static double req_scale[SFL_COST_K]; /* what mult and shift stand for: mult * 2^(shift - 31) */
static int8_t out_s8[SFL_COST_CODES];
static float out_f32[SFL_COST_CODES], out_sfl[SFL_COST_CODES], codes[SFL_COST_CODES];

enum { T_S8, T_F32, T_SFL_CONV, T_CSF_LARS, T_CSF_CD, T_COUNT };
static uint64_t ticks[T_COUNT];

static const cmsis_nn_dims in_dims = {1, SFL_COST_IN_H, SFL_COST_IN_W, 1};
static const cmsis_nn_dims filter_dims = {SFL_COST_K, SFL_COST_KH, SFL_COST_KW, 1};
static const cmsis_nn_dims bias_dims = {1, 1, 1, SFL_COST_K};
static const cmsis_nn_dims out_dims = {1, SFL_COST_OUT_H, SFL_COST_OUT_W, SFL_COST_K};

/* int8 input: q = pixel - 128 with scale 1/255 and zero point -128 (input_offset 128), so
 * q stands for exactly pixel / 255, the float input. */
static const cmsis_nn_conv_params conv_s8 = {128, 0, {1, 1}, {0, 0}, {1, 1}, {-128, 127}};
static cmsis_nn_conv_params_f32 conv_f32;

/* Filters from the dictionary P (m x K, row-major: atom k is column k). The s8 scales:
 * filters per channel, output per tensor; each channel's real multiplier
 * (1/255) * filter scale / output scale as a Q31 multiplier and a shift (TFLite's rule). */
static double make_filters(const float *P)
{
    double out_scale = 0.0;
    int k, r;
    for (k = 0; k < SFL_COST_K; ++k) {
        double l1 = 0.0;
        for (r = 0; r < SFL_COST_M; ++r) l1 += fabs((double)P[r * SFL_COST_K + k]);
        if (l1 > out_scale) out_scale = l1;
    }
    out_scale /= 127.0;
    for (k = 0; k < SFL_COST_K; ++k) {
        double amax = 0.0, w_scale, real, q;
        int e;
        int64_t m;
        for (r = 0; r < SFL_COST_M; ++r) {
            const double a = fabs((double)P[r * SFL_COST_K + k]);
            if (a > amax) amax = a;
        }
        w_scale = amax > 0.0 ? amax / 127.0 : 1.0;
        for (r = 0; r < SFL_COST_M; ++r) {
            const float p = P[r * SFL_COST_K + k];
            filter_f32[k * SFL_COST_M + r] = p;
            filter_s8[k * SFL_COST_M + r] = (int8_t)lround((double)p / w_scale);
        }
        real = (1.0 / 255.0) * w_scale / out_scale;
        q = frexp(real, &e); /* real = q 2^e, q in [0.5, 1) */
        m = (int64_t)llround(ldexp(q, 31));
        if (m == ((int64_t)1 << 31)) m /= 2, ++e;
        mult[k] = (int32_t)m;
        shift[k] = e;
        req_scale[k] = ldexp((double)m, e - 31);
        bias_s32[k] = 0;
    }
    conv_f32.stride.w = conv_f32.stride.h = 1;
    conv_f32.padding.w = conv_f32.padding.h = 0;
    conv_f32.dilation.w = conv_f32.dilation.h = 1;
    conv_f32.activation.min = -FLT_MAX;
    conv_f32.activation.max = FLT_MAX;
    conv_f32.weight_format = ARM_NN_WEIGHT_FORMAT_STANDARD;
    return out_scale;
}

/* The s8 output recomputed here: exact int32 sums, the requantization in double with
 * rounding to nearest. Returns the largest difference from CMSIS-NN's output, in steps. */
static long check_s8(long *nonzero)
{
    long worst = 0;
    int y, x, k, dy, dx;
    for (y = 0; y < SFL_COST_OUT_H; ++y)
        for (x = 0; x < SFL_COST_OUT_W; ++x)
            for (k = 0; k < SFL_COST_K; ++k) {
                const int8_t got = out_s8[(y * SFL_COST_OUT_W + x) * SFL_COST_K + k];
                int32_t acc = bias_s32[k];
                long want, d;
                for (dy = 0; dy < SFL_COST_KH; ++dy)
                    for (dx = 0; dx < SFL_COST_KW; ++dx)
                        acc += (int32_t)filter_s8[k * SFL_COST_M + dy * SFL_COST_KW + dx] *
                               ((int32_t)image_s8[(y + dy) * SFL_COST_IN_W + x + dx] + conv_s8.input_offset);
                want = lround((double)acc * req_scale[k]) + conv_s8.output_offset;
                if (want < conv_s8.activation.min) want = conv_s8.activation.min;
                if (want > conv_s8.activation.max) want = conv_s8.activation.max;
                d = labs(want - (long)got);
                if (d > worst) worst = d;
                if (got != 0) ++*nonzero;
            }
    return worst;
}

static float max_abs_diff(const float *a, const float *b, long n, float scale_b)
{
    float worst = 0.0f;
    long i;
    for (i = 0; i < n; ++i) {
        const float d = fabsf(a[i] - scale_b * b[i]);
        if (!(d <= worst)) worst = d; /* NaN counts as worst */
    }
    return worst;
}

static void report(const char *what, uint64_t t, long images)
{
    const double insns = sfl_cost_insns(t, images);
    printf("%-44s : %12.0f instructions/image : %8.2f x CMSIS-NN s8\n", what, insns,
           insns / sfl_cost_insns(ticks[T_S8], images));
}

int main(int argc, char **argv)
{
    const sfl_model_layer *csf = &sfl_demo_model.layers[0];
    const sfl_workspace ws = {workspace, sizeof workspace};
    const sfl_patch_params patch = SFL_PATCH_PARAMS_INIT(SFL_COST_KH, SFL_COST_KW);
    const sfl_dims4 sfl_in = {1, SFL_COST_IN_H, SFL_COST_IN_W, 1};
    const sfl_range all = {0, 1};
    cmsis_nn_context ctx_s8, ctx_f32;
    int32_t buf_s8, buf_f32;
    double out_scale;
    long count = 0, i, worst_s8 = 0, nonzero_total = 0;
    float worst_f32 = 0.0f, worst_deq = 0.0f;
    int status, k;
    FILE *f = sfl_cost_open(argc, argv, csf, &count, &status);

    if (!f) return status;
    out_scale = make_filters(csf->weight);
    buf_s8 = arm_convolve_wrapper_s8_get_buffer_size(&conv_s8, &in_dims, &filter_dims, &out_dims);
    buf_f32 = arm_convolve_wrapper_f32_get_buffer_size(&conv_f32, &in_dims, &filter_dims, &out_dims);
    if (buf_s8 < 0 || buf_s8 > CMSIS_BUF_BYTES || buf_f32 < 0 || buf_f32 > CMSIS_BUF_BYTES) {
        fprintf(stderr, "cmsis_nn_cost: buffer sizes %ld (s8), %ld (f32) bytes: more than %d\n", (long)buf_s8,
                (long)buf_f32, CMSIS_BUF_BYTES);
        return 1;
    }
    ctx_s8.buf = buf_s8 > 0 ? cmsis_buf : NULL;
    ctx_s8.size = buf_s8;
    ctx_f32.buf = buf_f32 > 0 ? cmsis_buf : NULL;
    ctx_f32.size = buf_f32;

    sfl_board_clock_start();
    for (i = 0; i < count; ++i) {
        const cmsis_nn_per_channel_quant_params quant = {mult, shift};
        arm_cmsis_nn_status cst;
        sfl_status st;
        uint64_t t0;
        long nonzero = 0, d;
        float df;

        if (sfl_cost_read_image(f, pixels, image) != 0) return 1;
        for (k = 0; k < SFL_COST_PIXELS; ++k) image_s8[k] = (int8_t)((int)pixels[k] - 128);

        t0 = sfl_board_ticks();
        cst = arm_convolve_wrapper_s8(&ctx_s8, &conv_s8, &quant, &in_dims, image_s8, &filter_dims, filter_s8,
                                      &bias_dims, bias_s32, &out_dims, out_s8);
        ticks[T_S8] += sfl_board_ticks() - t0;
        if (cst != ARM_CMSIS_NN_SUCCESS) return fprintf(stderr, "arm_convolve_wrapper_s8: status %d\n", (int)cst), 1;

        t0 = sfl_board_ticks();
        cst = arm_convolve_wrapper_f32(&ctx_f32, &conv_f32, &in_dims, image, &filter_dims, filter_f32, &bias_dims,
                                       NULL, &out_dims, out_f32);
        ticks[T_F32] += sfl_board_ticks() - t0;
        if (cst != ARM_CMSIS_NN_SUCCESS) return fprintf(stderr, "arm_convolve_wrapper_f32: status %d\n", (int)cst), 1;

        t0 = sfl_board_ticks();
        st = sfl_conv2d_forward(&ws, &patch, &sfl_in, all, image, SFL_COST_K, csf->weight, NULL, out_sfl);
        ticks[T_SFL_CONV] += sfl_board_ticks() - t0;
        if (st < 0) return fprintf(stderr, "sfl_conv2d_forward: %s\n", sfl_status_string(st)), 1;

        if (sfl_cost_csf(&ws, csf, image, codes, &ticks[T_CSF_LARS]) != 0) return 1;

        d = check_s8(&nonzero);
        if (d > worst_s8) worst_s8 = d;
        if (nonzero == 0) return fprintf(stderr, "cmsis_nn_cost: image %ld: every s8 output is 0\n", i), 1;
        nonzero_total += nonzero;
        df = max_abs_diff(out_f32, out_sfl, SFL_COST_CODES, 1.0f);
        if (!(df <= worst_f32)) worst_f32 = df;
        for (k = 0; k < SFL_COST_CODES; ++k) out_f32[k] = (float)out_s8[k]; /* dequantized below */
        df = max_abs_diff(out_sfl, out_f32, SFL_COST_CODES, (float)out_scale);
        if (!(df <= worst_deq)) worst_deq = df;
    }
    fclose(f);

    printf("cmsis_nn_cost over %ld MNIST test images: 28x28x1 -> 24x24x20, 5x5, stride 1, no padding\n", count);
#if defined(ARM_MATH_MVEI)
    printf("CMSIS-NN code path: MVE (Helium)\n");
#elif defined(ARM_MATH_DSP)
    printf("CMSIS-NN code path: DSP extension (ARM_MATH_DSP), no MVE\n");
#else
    printf("CMSIS-NN code path: plain C (no DSP extension, no MVE)\n");
#endif
    printf("CMSIS-NN scratch: s8 wrapper %ld bytes, f32 wrapper %ld bytes (buffer size queries)\n", (long)buf_s8,
           (long)buf_f32);
    report("CMSIS-NN arm_convolve_wrapper_s8 (int8)", ticks[T_S8], count);
    report("CMSIS-NN arm_convolve_wrapper_f32 (float)", ticks[T_F32], count);
    report("sfl sfl_conv2d_forward (float conv)", ticks[T_SFL_CONV], count);
    report("sfl CSF layer, LARS (sfl_csf_forward)", ticks[T_CSF_LARS], count);
    report("sfl CSF layer, CD (sfl_csf_forward)", ticks[T_CSF_CD], count);
    printf("check f32: CMSIS-NN vs sfl_conv2d_forward max abs diff %.3g (limit %g)\n", (double)worst_f32,
           (double)F32_LIMIT);
    printf("check s8: vs the requantization recomputed here max diff %ld step(s) (limit 1); nonzero outputs %.1f %%; "
           "dequantized vs float conv max abs diff %.3g (output step %.3g)\n",
           worst_s8, 100.0 * (double)nonzero_total / ((double)count * SFL_COST_CODES), (double)worst_deq, out_scale);
    if (!(worst_f32 <= F32_LIMIT) || worst_s8 > 1) {
        fprintf(stderr, "cmsis_nn_cost: check failed\n");
        return 1;
    }
    return 0;
}
