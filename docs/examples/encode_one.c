/* encode_one.c - encode one signal with the sfl C API; all memory static, no heap.
 *
 * The dictionary is 8 cosine atoms of length 16 (orthonormal columns), so the
 * elastic-net code has a closed form to check against:
 *     a_k = sign(c_k) max(|c_k| - l1, 0) / (1 + l2),   c = P^T x.
 * Build: cc -std=c99 encode_one.c $(pkg-config --cflags --libs sfl) -lm
 */
#include <sfl/sfl.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>

#define M 16 /* signal length (rows of P) */
#define K 8  /* atoms (columns of P) */

/* Caller memory sized by the compile-time macros, plus room to align it. */
static unsigned char plan_mem[SFL_ENET_PLAN_BYTES(K) + SFL_WORKSPACE_ALIGN];
static unsigned char work_mem[SFL_ENET_ENCODE_WORKSPACE_BYTES(K, SFL_ENET_LARS_WORKSPACE_BYTES(K)) +
                              SFL_WORKSPACE_ALIGN];

static unsigned char *align64(unsigned char *p)
{
    return p + (SFL_WORKSPACE_ALIGN - (uintptr_t)p % SFL_WORKSPACE_ALIGN) % SFL_WORKSPACE_ALIGN;
}

int main(void)
{
    const double pi = 3.14159265358979323846;
    const sfl_enet_dims dims = {M, K};
    sfl_enet_params params = SFL_ENET_PARAMS_INIT; /* l1 0.1, l2 0.01, LARS */
    float P[M * K], x[M], a[K];
    sfl_enet_plan *plan = NULL;
    sfl_enet_info info;
    sfl_workspace ws;
    size_t plan_bytes = 0, ws_bytes = 0;
    sfl_status st;
    int i, k, bad = 0;

    for (i = 0; i < M; ++i) /* P[i][k]: DCT-II atom k, unit norm */
        for (k = 0; k < K; ++k)
            P[i * K + k] = (float)(sqrt((k == 0 ? 1.0 : 2.0) / M) * cos(pi * (i + 0.5) * k / M));
    for (i = 0; i < M; ++i) /* x = 1.0 atom 1 + 0.5 atom 4 - 0.05 atom 6 */
        x[i] = P[i * K + 1] + 0.5f * P[i * K + 4] - 0.05f * P[i * K + 6];

    /* 1. Plan (G = P^T P + l2 I) in caller memory, once per dictionary. */
    st = sfl_enet_plan_size(&dims, &plan_bytes);
    if (st != SFL_OK || plan_bytes > sizeof plan_mem - SFL_WORKSPACE_ALIGN) return 1;
    st = sfl_enet_plan_init(align64(plan_mem), plan_bytes, &params, &dims, P, &plan);
    if (st != SFL_OK) {
        printf("plan_init: %s\n", sfl_status_string(st));
        return 1;
    }

    /* 2. Workspace: the query gives the same number as the macro used above. */
    st = sfl_enet_encode_workspace_size(&params, plan, &ws_bytes);
    if (st != SFL_OK || ws_bytes > sizeof work_mem - SFL_WORKSPACE_ALIGN) return 1;
    ws.buf = align64(work_mem);
    ws.size = ws_bytes;

    /* 3. Encode (n = 1 signal here; X may hold any number of rows). */
    st = sfl_enet_encode(&ws, &params, plan, P, 1, x, a, &info);
    printf("status: %s, support %d, objective %.6f, kkt %.2e\n", sfl_status_string(st),
           (int)info.support, info.objective, info.kkt);
    if (st != SFL_OK) return 1;

    for (k = 0; k < K; ++k) {
        double c = 0.0, expect;
        for (i = 0; i < M; ++i) c += (double)P[i * K + k] * x[i];
        expect = fabs(c) <= params.l1 ? 0.0 : (c - (c > 0 ? params.l1 : -params.l1)) / (1.0 + params.l2);
        printf("a[%d] = %9.6f (closed form %9.6f)\n", k, a[k], expect);
        bad |= fabs(a[k] - expect) > 1e-4;
    }
    return bad;
}
