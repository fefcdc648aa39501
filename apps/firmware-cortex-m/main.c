/* firmware-cortex-m/main.c - a bare-metal firmware main() using sfl with static memory only.
 *
 * What a Cortex-M device running the paper's first CSF layer does (docs/embedded.md):
 *   1. build the plan of a 25 x 20 dictionary (5 x 5 patches, K = 20 atoms),
 *   2. encode a few patches (sfl_enet_encode) and check each code's optimality (KKT),
 *   3. run the CSF layer forward on a 28 x 28 image (sfl_csf_forward: 24 x 24 x 20 codes)
 *      and check it gives the same codes at the patches of step 2.
 * Every buffer is a static array sized by sfl's compile-time macros: no heap, no
 * stack arrays beyond a few floats. The RAM the CSF extractor needs is the sum of
 * the sfl_fw_* arrays (arm-none-eabi-nm -S, see size_report.cmake).
 *
 * Bare metal: linked with newlib-nano and --specs=nosys.specs; the outcome is left
 * in `sfl_fw_result` for a debugger and returned by main(). Hosted builds (Linux,
 * native or under qemu-user) compile the same file with SFL_FW_PRINT and run it as
 * a test. C99.
 */
#include <sfl/sfl.h>

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#ifdef SFL_FW_PRINT
#include <stdio.h>
#endif

#define FW_KH 5                      /* patch rows */
#define FW_KW 5                      /* patch columns */
#define FW_M (FW_KH * FW_KW)         /* patch length: 25 */
#define FW_K 20                      /* atoms */
#define FW_H 28                      /* image rows */
#define FW_W 28                      /* image columns */
#define FW_OH SFL_PATCH_OUT_EXTENT(FW_H, FW_KH, 1, 0) /* 24 */
#define FW_OW SFL_PATCH_OUT_EXTENT(FW_W, FW_KW, 1, 0) /* 24 */
#define FW_NPATCH 4                  /* patches encoded one by one in step 2 */

#define FW_SOLVER_BYTES SFL_ENET_LARS_WORKSPACE_BYTES(FW_K)
#define FW_ENCODE_WS SFL_ENET_ENCODE_WORKSPACE_BYTES(FW_K, FW_SOLVER_BYTES)
#define FW_CSF_WS SFL_CSF_FORWARD_WORKSPACE_BYTES(FW_M, FW_K, FW_SOLVER_BYTES)
/* One workspace serves both calls (they run one after the other). */
#define FW_WS_BYTES (FW_CSF_WS > FW_ENCODE_WS ? FW_CSF_WS : FW_ENCODE_WS)

#if defined(__GNUC__)
#define FW_ALIGNED __attribute__((aligned(SFL_WORKSPACE_ALIGN)))
#else
#error "FW_ALIGNED: give the static buffers SFL_WORKSPACE_ALIGN alignment for this compiler"
#endif

/* ---- all the memory, static ---- */
static float sfl_fw_dict[FW_M * FW_K];                              /* P, 25 x 20 (const in flash once trained) */
static float sfl_fw_image[FW_H * FW_W];                             /* input, 28 x 28 x 1 */
static unsigned char sfl_fw_plan[SFL_ENET_PLAN_BYTES(FW_K)] FW_ALIGNED; /* G = P^T P + l2 I, 1/G_jj */
static unsigned char sfl_fw_workspace[FW_WS_BYTES] FW_ALIGNED;      /* scratch of encode / csf_forward */
static float sfl_fw_codes[FW_OH * FW_OW * FW_K];                    /* CSF output, 24 x 24 x 20 */
static float sfl_fw_patches[FW_NPATCH * FW_M];                      /* step 2 inputs */
static float sfl_fw_patch_codes[FW_NPATCH * FW_K];                  /* step 2 outputs */

/* Outcome, readable from a debugger: step that failed (0 = none), its status, checks. */
struct sfl_fw_outcome {
    int32_t failed_step;
    int32_t status;
    int32_t support;  /* nonzeros over the CSF output */
    float worst_kkt;  /* step 2, relative to max |c| */
    float worst_diff; /* step 3 vs step 2 */
};
volatile struct sfl_fw_outcome sfl_fw_result;

static const int32_t fw_positions[FW_NPATCH][2] = {{0, 0}, {5, 11}, {12, 12}, {23, 17}};

/* Deterministic pseudo-random numbers in [-1, 1) (xorshift32). */
static uint32_t fw_rng = 2463534242u;
static float fw_uniform(void)
{
    fw_rng ^= fw_rng << 13;
    fw_rng ^= fw_rng >> 17;
    fw_rng ^= fw_rng << 5;
    return (float)(fw_rng >> 8) * (2.0f / 16777216.0f) - 1.0f;
}

/* A dictionary with unit-norm columns, standing in for a trained one. */
static void fw_make_dictionary(void)
{
    int32_t i, k;
    for (i = 0; i < FW_M * FW_K; ++i) sfl_fw_dict[i] = fw_uniform();
    for (k = 0; k < FW_K; ++k) {
        float norm = 0.0f;
        for (i = 0; i < FW_M; ++i) norm += sfl_fw_dict[i * FW_K + k] * sfl_fw_dict[i * FW_K + k];
        norm = sqrtf(norm);
        for (i = 0; i < FW_M; ++i) sfl_fw_dict[i * FW_K + k] /= norm;
    }
}

/* A digit-like image: a ring of radius 8 and a diagonal stroke, values in [0, 1]. */
static void fw_make_image(void)
{
    int32_t y, x;
    for (y = 0; y < FW_H; ++y)
        for (x = 0; x < FW_W; ++x) {
            const float dy = (float)y - 13.5f, dx = (float)x - 13.5f;
            const float ring = 1.0f - fabsf(sqrtf(dy * dy + dx * dx) - 8.0f) * 0.5f;
            const float stroke = 1.0f - fabsf((float)(y - x)) * 0.5f;
            const float v = ring > stroke ? ring : stroke;
            sfl_fw_image[y * FW_W + x] = v > 0.0f ? v : 0.0f;
        }
}

static const float *fw_patch(int32_t p) { return sfl_fw_patches + p * FW_M; }

static int fw_fail(int32_t step, sfl_status st)
{
    sfl_fw_result.failed_step = step;
    sfl_fw_result.status = (int32_t)st;
    return (int)step;
}

int main(void)
{
    const sfl_enet_dims dims = {FW_M, FW_K};
    const sfl_patch_params patch = SFL_PATCH_PARAMS_INIT(FW_KH, FW_KW);
    const sfl_dims4 image = {1, FW_H, FW_W, 1};
    const sfl_range all = {0, 1};
    const sfl_enet_params params = SFL_ENET_PARAMS_INIT; /* l1 0.1, l2 0.01, LARS */
    sfl_enet_plan *plan = NULL;
    sfl_workspace ws;
    size_t bytes = 0;
    sfl_status st;
    int32_t p, i, k, dy, dx, support = 0;
    float worst_kkt = 0.0f, worst_diff = 0.0f;

    fw_make_dictionary();
    fw_make_image();

    /* 1. Plan, in the static buffer sized by SFL_ENET_PLAN_BYTES(K). */
    st = sfl_enet_plan_size(&dims, &bytes);
    if (st != SFL_OK || bytes != sizeof sfl_fw_plan) return fw_fail(1, st);
    st = sfl_enet_plan_init(sfl_fw_plan, sizeof sfl_fw_plan, &params, &dims, sfl_fw_dict, &plan);
    if (st != SFL_OK) return fw_fail(1, st);

    /* 2. Encode a few patches; the size query equals the compile-time macro. */
    st = sfl_enet_encode_workspace_size(&params, plan, &bytes);
    if (st != SFL_OK || bytes != FW_ENCODE_WS) return fw_fail(2, st);
    for (p = 0; p < FW_NPATCH; ++p)
        for (dy = 0; dy < FW_KH; ++dy)
            for (dx = 0; dx < FW_KW; ++dx)
                sfl_fw_patches[p * FW_M + dy * FW_KW + dx] =
                    sfl_fw_image[(fw_positions[p][0] + dy) * FW_W + fw_positions[p][1] + dx];
    ws.buf = sfl_fw_workspace;
    ws.size = FW_ENCODE_WS;
    st = sfl_enet_encode(&ws, &params, plan, sfl_fw_dict, FW_NPATCH, sfl_fw_patches, sfl_fw_patch_codes, NULL);
    if (st != SFL_OK) return fw_fail(2, st);
    for (p = 0; p < FW_NPATCH; ++p) { /* optimality: r = P^T x - G a within l1 (KKT) */
        float c[FW_K], kkt = 0.0f, cmax = 0.0f;
        for (k = 0; k < FW_K; ++k) {
            c[k] = 0.0f;
            for (i = 0; i < FW_M; ++i) c[k] += sfl_fw_dict[i * FW_K + k] * fw_patch(p)[i];
            cmax = fabsf(c[k]) > cmax ? fabsf(c[k]) : cmax;
        }
        st = sfl_enet_kkt_violation(plan, params.l1, c, sfl_fw_patch_codes + p * FW_K, &kkt);
        if (st != SFL_OK) return fw_fail(2, st);
        kkt /= 1.0f + cmax;
        worst_kkt = kkt > worst_kkt ? kkt : worst_kkt;
    }
    sfl_fw_result.worst_kkt = worst_kkt;
    if (!(worst_kkt <= 1e-4f)) return fw_fail(2, SFL_OK);

    /* 3. CSF forward on the whole image (no cache: inference only). */
    st = sfl_csf_forward_workspace_size(&params, plan, &bytes);
    if (st != SFL_OK || bytes != FW_CSF_WS) return fw_fail(3, st);
    ws.size = FW_CSF_WS;
    st = sfl_csf_forward(&ws, &params, &patch, plan, sfl_fw_dict, &image, all, sfl_fw_image, sfl_fw_codes, NULL,
                         NULL, NULL);
    if (st != SFL_OK) return fw_fail(3, st);
    for (i = 0; i < FW_OH * FW_OW * FW_K; ++i) support += sfl_fw_codes[i] != 0.0f;
    for (p = 0; p < FW_NPATCH; ++p) {
        const float *a = sfl_fw_codes + (fw_positions[p][0] * FW_OW + fw_positions[p][1]) * FW_K;
        for (k = 0; k < FW_K; ++k) {
            const float d = fabsf(a[k] - sfl_fw_patch_codes[p * FW_K + k]) / (1.0f + fabsf(a[k]));
            worst_diff = d > worst_diff ? d : worst_diff;
        }
    }
    sfl_fw_result.support = support;
    sfl_fw_result.worst_diff = worst_diff;
    if (support == 0 || !(worst_diff <= 1e-5f)) return fw_fail(3, SFL_OK);

#ifdef SFL_FW_PRINT
    printf("sfl %s (%s): 25x20 plan %lu B, workspace %lu B (encode %lu, csf %lu), CSF output %lu B, image %lu B\n",
           sfl_version_string(), sfl_simd_arch(), (unsigned long)sizeof sfl_fw_plan,
           (unsigned long)sizeof sfl_fw_workspace, (unsigned long)FW_ENCODE_WS, (unsigned long)FW_CSF_WS,
           (unsigned long)sizeof sfl_fw_codes, (unsigned long)sizeof sfl_fw_image);
    printf("encode: %d patches, worst relative KKT %.2e; csf: %d nonzeros of %d, worst diff to encode %.2e\n",
           FW_NPATCH, (double)worst_kkt, (int)support, FW_OH * FW_OW * FW_K, (double)worst_diff);
#endif
    return 0;
}
