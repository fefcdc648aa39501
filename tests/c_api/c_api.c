/* c_api.c - the public headers as a C99 program sees them (oneDNN tests/api.c).
 *
 * Compiled with -std=c99 -pedantic -Wall -Wextra -Werror: the headers must be
 * plain C99, the compile-time size macros must be integer constant expressions
 * (usable as static array bounds), and the values the library returns through
 * the C ABI (structs by value, size_t out-params, status codes) must match the
 * headers' macros and pinned enum values.
 */
#include <sfl/sfl.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "c_expect.h"

/* The pinned status values (sfl_status.h: "pinned forever") and their groups. */
typedef char check_ok[(SFL_OK == 0) ? 1 : -1];
typedef char check_args[(SFL_ERR_NULL_ARG == -1 && SFL_ERR_BAD_DIMS == -2 && SFL_ERR_BAD_PARAM == -3 &&
                         SFL_ERR_BAD_PLAN == -4) ? 1 : -1];
typedef char check_memory[(SFL_ERR_WORKSPACE_TOO_SMALL == -10 && SFL_ERR_MISALIGNED == -11) ? 1 : -1];
typedef char check_numerics[(SFL_ERR_NOT_FINITE == -20 && SFL_ERR_SINGULAR == -21 && SFL_ERR_ZERO_ATOM == -22)
                                ? 1 : -1];
typedef char check_capability[(SFL_ERR_UNSUPPORTED == -30) ? 1 : -1];
typedef char check_warnings[(SFL_WARN_NOT_CONVERGED == 1 && SFL_WARN_ROWS_FAILED == 2) ? 1 : -1];
/* Every public enum is 32 bits wide (a sentinel pins it; tests/c_api also compiles
 * this file with -fshort-enums, arm-none-eabi's default, so this checks that ABI too). */
typedef char check_enum_sizes[(sizeof(sfl_status) == 4 && sizeof(sfl_enet_solver) == 4 &&
                               sizeof(sfl_model_kind) == 4) ? 1 : -1];
typedef char check_model_codes[(SFL_ERR_MODEL_TRUNCATED == -40 && SFL_ERR_MODEL_MAGIC == -41 &&
                                SFL_ERR_MODEL_ENDIAN == -42 && SFL_ERR_MODEL_VERSION == -43 &&
                                SFL_ERR_MODEL_CRC == -44 && SFL_ERR_MODEL_INVALID == -45) ? 1 : -1];
/* The model blob's pinned numbers (sfl_model.h, docs/model-format.md). */
typedef char check_model_kinds[(SFL_MODEL_CONV2D == 1 && SFL_MODEL_CSF == 2 && SFL_MODEL_MAXPOOL2D == 3 &&
                                SFL_MODEL_RELU == 4 && SFL_MODEL_LINEAR == 5 && SFL_MODEL_SF == 6 && SFL_MODEL_L2NORM == 7) ? 1 : -1];
typedef char check_model_sizes[(SFL_MODEL_HEADER_BYTES == 64 && SFL_MODEL_RECORD_BYTES == 128 &&
                                SFL_MODEL_FORMAT_MAJOR == 1 && SFL_MODEL_MAX_LAYERS == 16) ? 1 : -1];
typedef char check_align[(SFL_WORKSPACE_ALIGN == 64 && SFL_ALIGN_UP(1) == 64 && SFL_ALIGN_UP(64) == 64 &&
                          SFL_ALIGN_UP(65) == 128 && SFL_ALIGN_UP(0) == 0) ? 1 : -1];
typedef char check_version[(SFL_VERSION_NUMBER ==
                            SFL_VERSION_MAJOR * 10000 + SFL_VERSION_MINOR * 100 + SFL_VERSION_PATCH) ? 1 : -1];

/* The CSF layer's problem (5x5 patches, K = 20) and a bigger one, sized at compile time. */
#define M_SMALL 25
#define K_SMALL 20
static unsigned char plan_mem[SFL_ENET_PLAN_BYTES(K_SMALL) + SFL_WORKSPACE_ALIGN];
static unsigned char lars_ws[SFL_ENET_LARS_WORKSPACE_BYTES(K_SMALL) + SFL_WORKSPACE_ALIGN];
static unsigned char cd_ws[SFL_ENET_CD_WORKSPACE_BYTES(K_SMALL) + SFL_WORKSPACE_ALIGN];
static unsigned char encode_ws[SFL_ENET_ENCODE_WORKSPACE_BYTES(K_SMALL, SFL_ENET_LARS_WORKSPACE_BYTES(K_SMALL)) +
                               SFL_WORKSPACE_ALIGN];
static unsigned char big_plan[SFL_ENET_PLAN_BYTES(500)];
static const size_t const_sizes[] = {
    SFL_ENET_PLAN_BYTES(1), SFL_ENET_LARS_WORKSPACE_BYTES(1), SFL_ENET_CD_WORKSPACE_BYTES(1),
    SFL_ENET_ENCODE_WORKSPACE_BYTES(1, 0), SFL_ENET_PLAN_BYTES(SFL_ENET_MAX_DIM)};


/* Round a pointer up to SFL_WORKSPACE_ALIGN: the C99 way to align a static buffer. */
static void *align_up(unsigned char *p)
{
    uintptr_t u = (uintptr_t)p;
    return p + ((SFL_WORKSPACE_ALIGN - (u % SFL_WORKSPACE_ALIGN)) % SFL_WORKSPACE_ALIGN);
}

static void test_status_strings(void)
{
    static const sfl_status all[] = {SFL_OK,
                                      SFL_ERR_NULL_ARG,
                                      SFL_ERR_BAD_DIMS,
                                      SFL_ERR_BAD_PARAM,
                                      SFL_ERR_BAD_PLAN,
                                      SFL_ERR_WORKSPACE_TOO_SMALL,
                                      SFL_ERR_MISALIGNED,
                                      SFL_ERR_NOT_FINITE,
                                      SFL_ERR_SINGULAR,
                                      SFL_ERR_ZERO_ATOM,
                                      SFL_ERR_UNSUPPORTED,
                                      SFL_ERR_MODEL_TRUNCATED,
                                      SFL_ERR_MODEL_MAGIC,
                                      SFL_ERR_MODEL_ENDIAN,
                                      SFL_ERR_MODEL_VERSION,
                                      SFL_ERR_MODEL_CRC,
                                      SFL_ERR_MODEL_INVALID,
                                      SFL_WARN_NOT_CONVERGED,
                                      SFL_WARN_ROWS_FAILED};
    const size_t n = sizeof all / sizeof all[0];
    const char *unknown = sfl_status_string((sfl_status)-1000);
    int v;
    size_t i, j;
    EXPECT(unknown != NULL);
    EXPECT(sfl_status_string((sfl_status)1000) != NULL);
#ifndef SFL_TEST_STRIPPED_STRINGS
    EXPECT(strcmp(unknown, "unknown status") == 0);
#endif
    for (i = 0; i < n; ++i) {
        const char *s = sfl_status_string(all[i]);
        EXPECT(s != NULL);
        if (s == NULL) continue;
#ifdef SFL_TEST_STRIPPED_STRINGS
        EXPECT(s[0] == '\0');
#else
        EXPECT(s[0] != '\0');
        EXPECT(strcmp(s, unknown) != 0);
        for (j = 0; j < i; ++j) EXPECT(strcmp(s, sfl_status_string(all[j])) != 0);
#endif
    }
    /* Every value that is not a status reads as unknown: a status added to the
     * table but not to the list above (and to the pinned checks) fails here. */
    for (v = -64; v <= 64; ++v) {
        int known = 0;
        for (i = 0; i < n; ++i) known |= (all[i] == (sfl_status)v);
        if (!known) EXPECT(strcmp(sfl_status_string((sfl_status)v), unknown) == 0);
    }
    (void)j;
}

static void test_version(void)
{
    char buf[32];
    EXPECT(sfl_version() == SFL_VERSION_NUMBER);
    EXPECT(strcmp(sfl_version_string(), SFL_VERSION_STRING) == 0);
    sprintf(buf, "%d.%d.%d", SFL_VERSION_MAJOR, SFL_VERSION_MINOR, SFL_VERSION_PATCH);
    EXPECT(strcmp(buf, SFL_VERSION_STRING) == 0);
    EXPECT(sfl_simd_arch() != NULL && sfl_simd_arch()[0] != '\0');
}

static void test_params(void)
{
    const sfl_enet_params init = SFL_ENET_PARAMS_INIT;
    const sfl_enet_params def = sfl_enet_default_params(); /* struct returned by value */
    EXPECT(def.l1 == init.l1 && def.l2 == init.l2 && def.tol == init.tol);
    EXPECT(def.max_iter == init.max_iter && def.solver == init.solver);
    EXPECT(def.lanes == 0 && init.lanes == 0);
    EXPECT(def.positive == 0 && init.positive == 0);
}

/* A deterministic 25 x 20 dictionary with unit-norm columns, and a signal. */
static void make_problem(float *P, float *x)
{
    int i, k;
    for (k = 0; k < K_SMALL; ++k) {
        double norm = 0.0;
        for (i = 0; i < M_SMALL; ++i) {
            float v = (float)sin(0.37 * (double)(i + 1) * (double)(k + 1) + 0.11 * (double)k);
            P[i * K_SMALL + k] = v;
            norm += (double)v * (double)v;
        }
        for (i = 0; i < M_SMALL; ++i) P[i * K_SMALL + k] = (float)(P[i * K_SMALL + k] / sqrt(norm));
    }
    for (i = 0; i < M_SMALL; ++i) x[i] = 0.9f * P[i * K_SMALL + 3] - 0.6f * P[i * K_SMALL + 11];
}

static void test_sizes_and_solve(void)
{
    float P[M_SMALL * K_SMALL], x[M_SMALL], c[K_SMALL], a[K_SMALL], a_cd[K_SMALL], a_enc[K_SMALL], a_pos[K_SMALL];
    const sfl_enet_dims dims = {M_SMALL, K_SMALL};
    sfl_enet_params params = SFL_ENET_PARAMS_INIT;
    sfl_enet_plan *plan = NULL;
    sfl_enet_dims got_dims = {0, 0};
    sfl_enet_info info, info_pos;
    sfl_workspace ws;
    size_t bytes = 0;
    double xx = 0.0;
    float kkt = -1.0f;
    int i, k;

    (void)big_plan;
    for (i = 0; i < (int)(sizeof const_sizes / sizeof const_sizes[0]); ++i)
        EXPECT(const_sizes[i] % SFL_WORKSPACE_ALIGN == 0);

    make_problem(P, x);
    params.l1 = 0.05f;
    EXPECT(sfl_enet_plan_size(&dims, &bytes) == SFL_OK);
    EXPECT(bytes == SFL_ENET_PLAN_BYTES(K_SMALL));
    EXPECT(sfl_enet_plan_init(align_up(plan_mem), SFL_ENET_PLAN_BYTES(K_SMALL), &params, &dims, P, &plan) ==
           SFL_OK);
    EXPECT(plan != NULL);
    if (plan == NULL) return;
    EXPECT(sfl_enet_plan_dims(plan, &got_dims) == SFL_OK && got_dims.m == M_SMALL && got_dims.K == K_SMALL);
    EXPECT(sfl_enet_plan_gram(plan) != NULL);

    EXPECT(sfl_enet_solve_workspace_size(&params, plan, &bytes) == SFL_OK);
    EXPECT(bytes == SFL_ENET_LARS_WORKSPACE_BYTES(K_SMALL));
    EXPECT(sfl_enet_encode_workspace_size(&params, plan, &bytes) == SFL_OK);
    EXPECT(bytes == SFL_ENET_ENCODE_WORKSPACE_BYTES(K_SMALL, SFL_ENET_LARS_WORKSPACE_BYTES(K_SMALL)));
    params.solver = SFL_ENET_CD;
    EXPECT(sfl_enet_solve_workspace_size(&params, plan, &bytes) == SFL_OK);
    EXPECT(bytes == SFL_ENET_CD_WORKSPACE_BYTES(K_SMALL));
    EXPECT(sfl_enet_encode_workspace_size(&params, plan, &bytes) == SFL_OK);
    EXPECT(bytes == SFL_ENET_ENCODE_WORKSPACE_BYTES(K_SMALL, SFL_ENET_CD_WORKSPACE_BYTES(K_SMALL)));
    params.solver = SFL_ENET_LARS;
    params.lanes = 1;
    EXPECT(sfl_enet_encode_workspace_size(&params, plan, &bytes) == SFL_OK);
    EXPECT(bytes == SFL_ENET_ENCODE_LANES_WORKSPACE_BYTES(K_SMALL));
    params.positive = 1; /* the sizes do not depend on the sign rule */
    EXPECT(sfl_enet_encode_workspace_size(&params, plan, &bytes) == SFL_OK);
    EXPECT(bytes == SFL_ENET_ENCODE_LANES_WORKSPACE_BYTES(K_SMALL));
    params.positive = 0;
    params.lanes = 2;
    EXPECT(sfl_enet_encode_workspace_size(&params, plan, &bytes) == SFL_ERR_BAD_PARAM);
    params.lanes = 0;
    params.solver = SFL_ENET_CD;

    /* c = P^T x in double, then both solvers from the static workspaces. */
    for (k = 0; k < K_SMALL; ++k) {
        double s = 0.0;
        for (i = 0; i < M_SMALL; ++i) s += (double)P[i * K_SMALL + k] * (double)x[i];
        c[k] = (float)s;
    }
    for (i = 0; i < M_SMALL; ++i) xx += (double)x[i] * (double)x[i];

    params.solver = SFL_ENET_LARS;
    ws.buf = align_up(lars_ws);
    ws.size = SFL_ENET_LARS_WORKSPACE_BYTES(K_SMALL);
    EXPECT(sfl_enet_solve(&ws, &params, plan, c, xx, a, &info) == SFL_OK);
    EXPECT(info.status == SFL_OK && info.support >= 1 && info.support <= K_SMALL);
    EXPECT(sfl_enet_kkt_violation(plan, params.l1, c, a, &kkt) == SFL_OK);
    EXPECT(kkt >= 0.0f && kkt < 1e-4f);
    /* Non-negative codes: x = 0.9 p3 - 0.6 p11 has a negative signed coefficient on atom 11,
       the non-negative code none; sfl_enet_evaluate checks it with the one-sided KKT. */
    EXPECT(a[11] < 0.0f);
    params.positive = 1;
    EXPECT(sfl_enet_solve(&ws, &params, plan, c, xx, a_pos, &info) == SFL_OK);
    for (k = 0; k < K_SMALL; ++k) EXPECT(a_pos[k] >= 0.0f);
    EXPECT(a_pos[3] > 0.0f && a_pos[11] == 0.0f);
    EXPECT(sfl_enet_evaluate(plan, &params, c, xx, a_pos, &info_pos) == SFL_OK);
    EXPECT(info_pos.kkt >= 0.0f && info_pos.kkt < 1e-4f && info_pos.support == info.support);
    EXPECT(info_pos.objective > 0.0f && info_pos.gap >= 0.0f);
    params.positive = 0;
    /* One byte short must be refused, not overrun. */
    ws.size -= 1;
    EXPECT(sfl_enet_solve(&ws, &params, plan, c, xx, a, NULL) == SFL_ERR_WORKSPACE_TOO_SMALL);

    params.solver = SFL_ENET_CD;
    params.tol = 1e-7f;
    ws.buf = align_up(cd_ws);
    ws.size = SFL_ENET_CD_WORKSPACE_BYTES(K_SMALL);
    EXPECT(sfl_enet_solve(&ws, &params, plan, c, xx, a_cd, NULL) == SFL_OK);
    for (k = 0; k < K_SMALL; ++k) EXPECT(fabs((double)a[k] - (double)a_cd[k]) < 1e-3);

    params.solver = SFL_ENET_LARS;
    ws.buf = align_up(encode_ws);
    ws.size = SFL_ENET_ENCODE_WORKSPACE_BYTES(K_SMALL, SFL_ENET_LARS_WORKSPACE_BYTES(K_SMALL));
    EXPECT(sfl_enet_encode(&ws, &params, plan, P, 1, x, a_enc, NULL) == SFL_OK);
    for (k = 0; k < K_SMALL; ++k) EXPECT(fabs((double)a[k] - (double)a_enc[k]) < 1e-4);
}

/* A model defined statically, as the header of apps/sfl-export does: linear 3 -> 2, ReLU. */
static const float tiny_w[6] = {0.5f, -1.0f, 0.25f, 2.0f, -0.75f, 0.125f}; /* 3 x 2 */
static const float tiny_b[2] = {0.0625f, -3.0f};
static const sfl_model tiny_model = {
    2, {1, 1, 1, 3}, {1, 1, 1, 2},
    {{SFL_MODEL_LINEAR, {1, 1, 1, 3}, {1, 1, 1, 2}, {{0, 0}, {0, 0}, {0, 0}}, {0.0f, 0.0f, 0.0f, 0, SFL_ENET_LARS, 0, 0},
      tiny_w, tiny_b, NULL, {0.0f, 0.0f}},
     {SFL_MODEL_RELU, {1, 1, 1, 2}, {1, 1, 1, 2}, {{0, 0}, {0, 0}, {0, 0}}, {0.0f, 0.0f, 0.0f, 0, SFL_ENET_LARS, 0, 0},
      NULL, NULL, NULL, {0.0f, 0.0f}}}};
static unsigned char model_blob[1024 + SFL_WORKSPACE_ALIGN];
static unsigned char model_ws[1024 + SFL_WORKSPACE_ALIGN];

static void test_model(void)
{
    static const float x[3] = {1.0f, 2.0f, -4.0f};
    float y[2] = {-1.0f, -1.0f};
    unsigned char *blob = (unsigned char *)align_up(model_blob);
    sfl_model loaded;
    sfl_workspace ws;
    size_t bytes = 0, written = 0;

    EXPECT(sfl_crc32(0, "123456789", 9) == 0xCBF43926u);
    EXPECT(sfl_model_check(&tiny_model) == SFL_OK);
    EXPECT(sfl_model_blob_size(&tiny_model, 0, &bytes) == SFL_OK);
    EXPECT(bytes > 0 && bytes <= 1024 && bytes % SFL_WORKSPACE_ALIGN == 0);
    EXPECT(sfl_model_write(&tiny_model, 0, blob, 1024, &written) == SFL_OK && written == bytes);
    EXPECT(memcmp(blob, "SFLM", 4) == 0);
    EXPECT(sfl_model_load(blob, written, &loaded) == SFL_OK);
    EXPECT(loaded.n_layers == 2 && loaded.layers[0].kind == SFL_MODEL_LINEAR);
    EXPECT(sfl_model_plans_size(&loaded, &bytes) == SFL_OK && bytes == 0);
    EXPECT(sfl_model_forward_workspace_size(&loaded, 1, &bytes) == SFL_OK && bytes <= 1024);
    ws.buf = align_up(model_ws);
    ws.size = bytes;
    EXPECT(sfl_model_forward(&ws, &loaded, 1, x, y) == SFL_OK);
    /* y = relu(x W + b) = relu(0.5 + 0.5 + 3 + 0.0625, -1 + 4 - 0.5 - 3) = (4.0625, 0), exact in float */
    EXPECT(y[0] == 4.0625f && y[1] == 0.0f);
}

int main(void)
{
    test_status_strings();
    test_version();
    test_params();
    test_sizes_and_solve();
    test_model();
    printf("c_api: %d failures\n", failures);
    return failures == 0 ? 0 : 1;
}
