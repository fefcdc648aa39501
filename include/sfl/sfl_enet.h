/* sfl_enet.h - elastic-net sparse coding over a dictionary.
 *
 * Problem (docs/design.md section 2), for a signal x (length m) and a dictionary
 * P (m x K, atoms are the columns):
 *
 *     a* = argmin_a  1/2 ||x - P a||^2 + l1 ||a||_1 + l2/2 ||a||^2
 *
 * Every solver works from the Gram form G = P^T P + l2 I (K x K) and
 * c = P^T x (length K): the objective is 1/2 a^T G a - c^T a + l1 ||a||_1 + 1/2 ||x||^2.
 * Optimality (KKT) with r = c - G a:  r_j = l1 sign(a_j) where a_j != 0,
 * |r_j| <= l1 where a_j == 0.
 *
 * Usage:
 *   1. sfl_enet_plan_size() / SFL_ENET_PLAN_BYTES(K), then sfl_enet_plan_init()
 *      once per (dictionary, l2): computes G into caller memory.
 *   2. sfl_enet_encode() for a batch of signals (c = P^T X as one GEMM), or
 *      sfl_enet_solve() from a precomputed c; each with a workspace sized by
 *      its *_workspace_size() query or the matching compile-time macro.
 *
 * Layouts: P is m x K row-major (P[i*K + k] is row i of atom k); X is n x m
 * row-major (one signal per row); A is n x K row-major (one code per row).
 * float32 throughout; the solvers accumulate in double where it matters.
 *
 * Stack: calls that run the GEMM use up to SFL_MAX_STACK_BYTES (sfl_types.h) of the
 * caller's stack in SIMD builds (a 12 KiB packed panel); size thread stacks for it.
 */
#ifndef SFL_ENET_H
#define SFL_ENET_H

#include "sfl_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Which algorithm solves the problem. Both reach the same minimiser.
 *  CD sweeps the coordinates (covariance updates) and, after each round of sweeps
 *  over the non-zero ones, takes a Newton step on its support S: a Cholesky solve
 *  of G[S,S] (plus 2e-6 of its diagonal) in double with an exact line search, kept
 *  only if it lowers the objective; for l1 < 0.3 max|c| it first passes through a
 *  few larger l1. So CD also converges where G is singular and l1 small (l2 = 0,
 *  K > m), and when it stops (see tol) its code is exact on the support it found.
 *  32 bits wide on every ABI, -fshort-enums included (the sentinel is not a solver). */
typedef enum sfl_enet_solver {
    SFL_ENET_LARS = 0, /**< LARS-EN homotopy (exact support, Cholesky of G[L,L] kept) */
    SFL_ENET_CD = 1,   /**< coordinate descent with covariance updates and Newton steps on the support,
                            duality-gap stop */
    SFL_ENET_SOLVER_FORCE_32BIT = 0x7FFFFFFF /**< not a solver: keeps the enum 32 bits wide */
} sfl_enet_solver;

/** Solver parameters. Initialise with SFL_ENET_PARAMS_INIT or sfl_enet_default_params(). */
typedef struct sfl_enet_params {
    float l1;               /**< L1 weight, >= 0, finite */
    float l2;               /**< L2 weight, >= 0, finite; must equal the plan's l2 */
    float tol;              /**< CD: stop when duality gap <= tol * 1/2 ||x||^2 (relative) or the KKT
                                 violation <= tol * max_j |c_j|, in (0, 1); LARS: unused */
    int32_t max_iter;       /**< bound on LARS steps / CD iterations; 0 = default
                                 (LARS: 4*K + 16 steps, CD: 10000 iterations: full sweeps, active-set
                                 sweeps and Newton steps each count one); < 0 is an error */
    sfl_enet_solver solver; /**< SFL_ENET_LARS or SFL_ENET_CD (a library built with CMake
                                 SFL_WITH_CD=OFF, for LARS-only firmware, refuses SFL_ENET_CD with
                                 SFL_ERR_UNSUPPORTED wherever it refuses bad parameters) */
    int32_t lanes;          /**< batch calls (sfl_enet_encode, sfl_sf_forward, sfl_csf_forward):
                                 1 = with LARS and K <= SFL_ENET_LANES_MAX_K, solve the rows several
                                 at a time, one per SIMD lane (16 with AVX-512, 4 with SSE2 or NEON;
                                 one at a time in a scalar build); their size queries then include
                                 SFL_ENET_LANES_BYTES(K). 0 = one row at a time (the default: the
                                 smallest workspace, for firmware). Other values are an error.
                                 Single solves (sfl_enet_solve) ignore it. With positive = 1 the
                                 lanes do not run yet (one row at a time; the sizes are the same). */
    int32_t positive;       /**< 1 = non-negative codes: a* = argmin over a >= 0 of the same objective
                                 (SPAMS pos=True, scikit-learn positive=True). KKT then reads
                                 r_j = l1 where a_j > 0, r_j <= l1 where a_j == 0 (r = c - G a).
                                 LARS: atoms join only with a positive correlation and leave at
                                 zero; CD: projected updates a_j = max(0, .). info->gap uses the
                                 one-sided dual. The layers' backward (sfl_layers.h) holds as is:
                                 the code is again affine in (x, P) on a fixed support.
                                 0 = signed codes (the default). Other values are an error. (0.5) */
} sfl_enet_params;

/** l1 = 0.1, l2 = 0.01, tol = 1e-6, default iteration bound, LARS, one row at a time, signed codes. */
#define SFL_ENET_PARAMS_INIT { 0.1f, 0.01f, 1e-6f, 0, SFL_ENET_LARS, 0, 0 }

/** Shape of the dictionary P. */
typedef struct sfl_enet_dims {
    int32_t m; /**< signal length (rows of P), 1 .. SFL_ENET_MAX_DIM */
    int32_t K; /**< number of atoms (columns of P), 1 .. SFL_ENET_MAX_DIM */
} sfl_enet_dims;

/** Largest m or K accepted (keeps every byte size far from overflow). */
#define SFL_ENET_MAX_DIM 16384

/** Diagnostics of one solve. Filled by every solve that got past argument
 *  checking (then status is that solve's own status); untouched otherwise. */
typedef struct sfl_enet_info {
    int32_t status;         /**< sfl_status of this signal's solve */
    int32_t iterations;     /**< LARS steps (atoms added or dropped) or CD iterations (sweeps and Newton steps) done */
    int32_t support;        /**< number of non-zero entries of the code */
    int32_t hit_iter_limit; /**< 1 if max_iter was reached (status is then SFL_WARN_NOT_CONVERGED) */
    float objective;        /**< 1/2||x - Pa||^2 + l1||a||_1 + l2/2||a||^2, from (G, c, ||x||^2), in double */
    float gap;              /**< duality gap of the returned code, >= 0, same units as objective */
    float kkt;              /**< max_j KKT violation: |r_j - l1 sign(a_j)| on the support,
                                 max(0, |r_j| - l1) off it; units of c (absolute) */
} sfl_enet_info;

/** Opaque plan: G = P^T P + l2 I and per-dictionary data, living in caller memory. */
typedef struct sfl_enet_plan sfl_enet_plan;

/* ---- compile-time sizes (bytes), equal to what the size queries return ---- */

/** Bytes of a plan for K atoms. */
/** Row block of the plan's Gram: sfl_enet_plan_init_rows() ranges start at multiples of it. */
#define SFL_ENET_PLAN_ROW_BLOCK 64

#define SFL_ENET_PLAN_BYTES(K) \
    (SFL_ALIGN_UP(256) + SFL_ALIGN_UP(4 * (size_t)(K) * (size_t)(K)) + SFL_ALIGN_UP(4 * (size_t)(K)))

/** Workspace bytes of sfl_enet_solve() with the LARS solver, K atoms. */
#define SFL_ENET_LARS_WORKSPACE_BYTES(K) \
    (SFL_ALIGN_UP(8 * (size_t)(K) * (size_t)(K)) + 6 * SFL_ALIGN_UP(8 * (size_t)(K)) + 2 * SFL_ALIGN_UP(4 * (size_t)(K)))

/** Workspace bytes of sfl_enet_solve() with the CD solver, K atoms (a K x K double
 *  Cholesky factor for its Newton steps, as LARS has; never more than LARS's bytes). */
#define SFL_ENET_CD_WORKSPACE_BYTES(K) \
    (SFL_ALIGN_UP(8 * (size_t)(K) * (size_t)(K)) + 4 * SFL_ALIGN_UP(8 * (size_t)(K)) + 4 * SFL_ALIGN_UP(4 * (size_t)(K)))

/** Signals whose correlations c = P^T x sfl_enet_encode() computes per GEMM block. */
#define SFL_ENET_ENCODE_BLOCK 64

/** Workspace bytes of sfl_enet_encode() (any n) for the given solver workspace bytes. */
#define SFL_ENET_ENCODE_WORKSPACE_BYTES(K, solver_bytes) \
    (SFL_ALIGN_UP(4 * (size_t)SFL_ENET_ENCODE_BLOCK * (size_t)(K)) + \
     SFL_ALIGN_UP(8 * (size_t)SFL_ENET_ENCODE_BLOCK) + (size_t)(solver_bytes))

/** Largest K for which the batch calls can solve LARS problems several at a time,
 *  one per SIMD lane (16 with AVX-512, 8 with AVX2, 4 with SSE2 or NEON). */
#define SFL_ENET_LANES_MAX_K 32

/** Rows the lanes take per block (their correlations are computed into the lanes'
 *  own part of the workspace): the block of sfl_enet_encode() and of the SF and CSF
 *  forward when params->lanes is set. */
#define SFL_ENET_LANES_BLOCK 256

/** Workspace bytes that params->lanes = 1 adds to a batch call with LARS and
 *  K <= SFL_ENET_LANES_MAX_K (0 for larger K): the lanes' solver state, sized for 16
 *  lanes so the number is the same on every target (a scalar build carves the bytes
 *  and solves one row at a time), and one block of SFL_ENET_LANES_BLOCK rows'
 *  correlations, norms and flags. */
#define SFL_ENET_LANES_BYTES(K) \
    ((K) <= SFL_ENET_LANES_MAX_K \
         ? (2 * SFL_ALIGN_UP(64 * (size_t)(K) * (size_t)(K)) + 12 * SFL_ALIGN_UP(64 * (size_t)(K)) + \
            19 * SFL_ALIGN_UP(64) + SFL_ENET_LARS_WORKSPACE_BYTES(K) + \
            SFL_ALIGN_UP(4 * (size_t)SFL_ENET_LANES_BLOCK * (size_t)(K)) + \
            SFL_ALIGN_UP(8 * (size_t)SFL_ENET_LANES_BLOCK) + SFL_ALIGN_UP((size_t)SFL_ENET_LANES_BLOCK) + \
            SFL_ALIGN_UP(4 * (size_t)SFL_ENET_LANES_BLOCK)) \
         : (size_t)0)

/** The names of version 0.2's opt-in, kept for existing callers. (Extra workspace bytes no
 *  longer switch the lanes on: set params->lanes = 1.) */
#define SFL_ENET_ENCODE_LANES_MAX_K SFL_ENET_LANES_MAX_K
#define SFL_ENET_ENCODE_LANES_BLOCK SFL_ENET_LANES_BLOCK
#define SFL_ENET_ENCODE_LANES_BYTES(K) SFL_ENET_LANES_BYTES(K)

/** Workspace bytes of sfl_enet_encode() with LARS and params->lanes = 1 (== the size query). */
#define SFL_ENET_ENCODE_LANES_WORKSPACE_BYTES(K) \
    (SFL_ENET_ENCODE_WORKSPACE_BYTES(K, SFL_ENET_LARS_WORKSPACE_BYTES(K)) + SFL_ENET_LANES_BYTES(K))

/* ---- functions ---- */

/** Default parameters (the values of SFL_ENET_PARAMS_INIT). */
SFL_API sfl_enet_params sfl_enet_default_params(void);

/** Bytes a plan for dims needs (== SFL_ENET_PLAN_BYTES(dims->K)).
 *  @param dims   dictionary shape
 *  @param bytes  out: the size
 *  @return SFL_OK, SFL_ERR_NULL_ARG, SFL_ERR_BAD_DIMS */
SFL_API sfl_status sfl_enet_plan_size(const sfl_enet_dims *dims, size_t *bytes);

/** Build a plan in caller memory: G = P^T P + l2 I (float, computed by a SIMD GEMM)
 *  and the reciprocals 1/G_jj. The plan does not keep a pointer to P.
 *  @param mem     caller memory, SFL_WORKSPACE_ALIGN-aligned, at least the plan size;
 *                 owned by the caller, must outlive every use of the plan; no free needed
 *  @param size    bytes at mem
 *  @param params  only params->l2 is used here (>= 0, finite)
 *  @param dims    shape of P
 *  @param P       m x K row-major dictionary, finite, no zero-norm column
 *  @param out     out: the plan (points into mem); set to NULL on error
 *  @return SFL_OK; SFL_ERR_NULL_ARG; SFL_ERR_BAD_DIMS; SFL_ERR_BAD_PARAM (l2);
 *          SFL_ERR_WORKSPACE_TOO_SMALL; SFL_ERR_MISALIGNED; SFL_ERR_NOT_FINITE (P);
 *          SFL_ERR_ZERO_ATOM (a column of P has zero norm) */
SFL_API sfl_status sfl_enet_plan_init(void *mem, size_t size, const sfl_enet_params *params,
                                      const sfl_enet_dims *dims, const float *P, sfl_enet_plan **out);

/** Build a plan in two phases, so that several threads share its O(m K^2) Gram: each
 *  thread calls sfl_enet_plan_init_rows() for its own rows of G (disjoint ranges that
 *  cover [0, K) between them; the calls may run concurrently), then one thread calls
 *  sfl_enet_plan_init_finish(). The plan is the one sfl_enet_plan_init() builds, float
 *  for float. A call computes, for each SFL_ENET_PLAN_ROW_BLOCK rows of its range, the
 *  entries from that block's diagonal on (G is symmetric; the finish copies the rest),
 *  so early rows cost more than late ones: to share the work evenly, give each thread
 *  every T-th block rather than one contiguous range (several calls per thread). From
 *  the call with row_begin = 0 until a successful finish, mem holds no valid plan (a
 *  plan previously built there must not be in use meanwhile).
 *  @param mem, size  as sfl_enet_plan_init(), the same for every call of one build
 *  @param dims       shape of P
 *  @param P          m x K row-major dictionary, finite (each call checks all of it)
 *  @param row_begin  first row of G: a multiple of SFL_ENET_PLAN_ROW_BLOCK, below K
 *  @param row_end    one past the last row: above row_begin, a multiple of
 *                    SFL_ENET_PLAN_ROW_BLOCK or K, at most K
 *  @return SFL_OK; SFL_ERR_NULL_ARG; SFL_ERR_BAD_DIMS (dims, or the row range);
 *          SFL_ERR_WORKSPACE_TOO_SMALL; SFL_ERR_MISALIGNED; SFL_ERR_NOT_FINITE (P) */
SFL_API sfl_status sfl_enet_plan_init_rows(void *mem, size_t size, const sfl_enet_dims *dims, const float *P,
                                           int32_t row_begin, int32_t row_end);

/** Second phase of a two-phase build (sfl_enet_plan_init_rows()): the entries left of
 *  each row block's diagonal block copied from the rows above (G is symmetric), l2 on
 *  the diagonal, 1/G_jj, the checks, the plan header. Call it once every row range has
 *  been written.
 *  @param mem, size, params, dims  as sfl_enet_plan_init()
 *  @param out  out: the plan (points into mem); set to NULL on error
 *  @return SFL_OK; SFL_ERR_NULL_ARG; SFL_ERR_BAD_DIMS; SFL_ERR_BAD_PARAM (l2);
 *          SFL_ERR_WORKSPACE_TOO_SMALL; SFL_ERR_MISALIGNED; SFL_ERR_ZERO_ATOM (a column
 *          of P has zero norm); SFL_ERR_NOT_FINITE (P^T P overflowed float) */
SFL_API sfl_status sfl_enet_plan_init_finish(void *mem, size_t size, const sfl_enet_params *params,
                                             const sfl_enet_dims *dims, sfl_enet_plan **out);

/** Check that P is the dictionary the plan was built from, as far as its column norms
 *  tell: P finite, no zero column, and each squared column norm equal to the plan's
 *  G_jj - l2 within 1e-3 relative (a cheap guard against a stale plan, not a proof).
 *  O(m K): the layer and model calls do not repeat it per call (sfl_layers.h); call it
 *  once after building a plan from a P that you then keep, or after changing P in place
 *  (then rebuild the plan with sfl_enet_plan_init()).
 *  @param plan  a plan
 *  @param P     m x K row-major, the plan's shape
 *  @return SFL_OK; SFL_ERR_NULL_ARG; SFL_ERR_BAD_PLAN (not a plan, or a column norm that does
 *          not match it); SFL_ERR_NOT_FINITE (P); SFL_ERR_ZERO_ATOM (a zero column of P) */
SFL_API sfl_status sfl_enet_plan_check_dictionary(const sfl_enet_plan *plan, const float *P);

/** Shape the plan was built for. @return SFL_OK, SFL_ERR_NULL_ARG, SFL_ERR_BAD_PLAN */
SFL_API sfl_status sfl_enet_plan_dims(const sfl_enet_plan *plan, sfl_enet_dims *dims);

/** Read-only view of the plan's G (K x K row-major, includes + l2 on the diagonal).
 *  @return the pointer, or NULL if plan is NULL or not a plan */
SFL_API const float *sfl_enet_plan_gram(const sfl_enet_plan *plan);

/** Workspace bytes of sfl_enet_solve() for params->solver (== SFL_ENET_LARS_WORKSPACE_BYTES(K)
 *  or SFL_ENET_CD_WORKSPACE_BYTES(K)).
 *  @return SFL_OK, SFL_ERR_NULL_ARG, SFL_ERR_BAD_PLAN, SFL_ERR_BAD_PARAM (unknown solver) */
SFL_API sfl_status sfl_enet_solve_workspace_size(const sfl_enet_params *params, const sfl_enet_plan *plan,
                                                 size_t *bytes);

/** Solve one problem from its correlations c = P^T x.
 *  @param ws        workspace of at least sfl_enet_solve_workspace_size() bytes
 *  @param params    l1 >= 0, l2 == plan's l2, tol in (0,1) for CD, max_iter >= 0, solver
 *  @param plan      plan of the dictionary
 *  @param c         K floats, c = P^T x, finite
 *  @param x_sqnorm  ||x||^2 (>= 0, finite); used for the objective and the duality gap only
 *  @param a         out: K floats, the code (dense, zeros off the support)
 *  @param info      out, may be NULL: diagnostics
 *  @return SFL_OK; SFL_WARN_NOT_CONVERGED (a holds the last iterate, finite);
 *          SFL_WARN_ROWS_FAILED: the solve failed on its own, a is written and info->status
 *          says why -
 *            SFL_ERR_SINGULAR (LARS only): an atom whose Cholesky pivot is at most 1e-6 G_jj
 *            (in the span of the active atoms: duplicate or collinear atoms with l2 = 0) is
 *            left out of the path; that is harmless, and SFL_OK is returned, when the final
 *            code still satisfies KKT for it (e.g. an exact duplicate); if it does not, a
 *            holds the finite end of the path without that atom. CD handles such dictionaries.
 *            SFL_ERR_NOT_FINITE: finite c whose code leaves float range (or whose CD iterates
 *            overflow float, on a badly scaled G); a is set to zero;
 *          with a untouched: SFL_ERR_NULL_ARG; SFL_ERR_BAD_PLAN; SFL_ERR_BAD_PARAM;
 *          SFL_ERR_WORKSPACE_TOO_SMALL; SFL_ERR_MISALIGNED; SFL_ERR_NOT_FINITE (c or x_sqnorm) */
SFL_API sfl_status sfl_enet_solve(const sfl_workspace *ws, const sfl_enet_params *params,
                                  const sfl_enet_plan *plan, const float *c, double x_sqnorm, float *a,
                                  sfl_enet_info *info);

/** LARS solve that also returns the support and the Cholesky factor the SF
 *  backward pass reuses. params->solver is ignored (always LARS); the workspace
 *  is sized as for LARS.
 *  @param support  out: K int32; support[0..s-1] = the active atoms, in factor order
 *                  (s = info->support); entries s..K-1 set to -1
 *  @param chol     out: K x K floats row-major; its leading s x s lower triangle is L
 *                  with L L^T = G[S,S] (S = support[0..s-1]); every other entry is 0
 *  Other arguments and statuses as sfl_enet_solve(). */
SFL_API sfl_status sfl_enet_solve_lars_factor(const sfl_workspace *ws, const sfl_enet_params *params,
                                              const sfl_enet_plan *plan, const float *c, double x_sqnorm,
                                              float *a, int32_t *support, float *chol, sfl_enet_info *info);

/** Workspace bytes of sfl_enet_encode() for params->solver (== SFL_ENET_ENCODE_WORKSPACE_BYTES(K,
 *  SFL_ENET_LARS_WORKSPACE_BYTES(K) or SFL_ENET_CD_WORKSPACE_BYTES(K))), plus SFL_ENET_LANES_BYTES(K)
 *  with params->lanes = 1 and LARS (== SFL_ENET_ENCODE_LANES_WORKSPACE_BYTES(K)); independent of n.
 *  @return as sfl_enet_solve_workspace_size() (SFL_ERR_BAD_PARAM also for lanes not 0 or 1) */
SFL_API sfl_status sfl_enet_encode_workspace_size(const sfl_enet_params *params, const sfl_enet_plan *plan,
                                                  size_t *bytes);

/** Encode n signals: C = X P by blocked SIMD GEMM (SFL_ENET_ENCODE_BLOCK rows at a time),
 *  then one solve per row. To split a batch over threads, call it on row ranges
 *  (X + i0*m, A + i0*K, info + i0) with one workspace per thread.
 *  Lanes (params->lanes = 1, LARS, K <= SFL_ENET_LANES_MAX_K, a SIMD build, signed codes): blocks of
 *  SFL_ENET_LANES_BLOCK rows, solved several at a time, one per SIMD lane (16 with AVX-512,
 *  4 with SSE2 or NEON): the same homotopy run in float finds each row's support and signs, then
 *  the code is solved on that support in double, as the one-row LARS ends. A row whose lane
 *  fails a check (pivot, step bound, non-finite value, KKT, a sign flip in the final solve)
 *  is solved again by the one-row LARS. So the codes are the one-row LARS's up to double
 *  rounding wherever both find the same support. Rows with max_j |c_j| <= l1 get the zero
 *  code without a solve (iterations 0).
 *  @param ws      workspace of at least sfl_enet_encode_workspace_size() bytes
 *  @param params  as sfl_enet_solve(); lanes 0 or 1
 *  @param plan    plan built from P
 *  @param P       m x K row-major, the same dictionary the plan was built from
 *  @param n       number of signals, >= 1
 *  @param X       n x m row-major signals, finite
 *  @param A       out: n x K row-major codes
 *  @param info    out, may be NULL: n diagnostics
 *  @return SFL_OK; SFL_WARN_NOT_CONVERGED if a signal hit its bound (and none failed);
 *          SFL_WARN_ROWS_FAILED if some signals failed on their own (every row is still solved
 *          and written; info[i].status says which and why: SFL_ERR_SINGULAR as sfl_enet_solve(),
 *          SFL_ERR_NOT_FINITE when c = P^T x or the code of a row leaves float range, that row
 *          set to zero);
 *          with A and info untouched: SFL_ERR_NULL_ARG, SFL_ERR_BAD_DIMS, SFL_ERR_BAD_PLAN,
 *          SFL_ERR_BAD_PARAM, SFL_ERR_WORKSPACE_TOO_SMALL, SFL_ERR_MISALIGNED, SFL_ERR_NOT_FINITE (X) */
SFL_API sfl_status sfl_enet_encode(const sfl_workspace *ws, const sfl_enet_params *params,
                                   const sfl_enet_plan *plan, const float *P, int32_t n, const float *X,
                                   float *A, sfl_enet_info *info);

/** KKT violation of a signed code: max_j |r_j - l1 sign(a_j)| (a_j != 0), max(0, |r_j| - l1) (a_j == 0),
 *  r = c - G a, accumulated in double. Needs no workspace. (For non-negative codes, whose
 *  condition off the support is one-sided, use sfl_enet_evaluate().)
 *  @param l1   >= 0
 *  @param c    K floats, P^T x
 *  @param a    K floats, the code
 *  @param kkt  out: the violation (absolute, units of c)
 *  @return SFL_OK, SFL_ERR_NULL_ARG, SFL_ERR_BAD_PLAN, SFL_ERR_BAD_PARAM */
SFL_API sfl_status sfl_enet_kkt_violation(const sfl_enet_plan *plan, float l1, const float *c, const float *a,
                                          float *kkt);

/** Objective, duality gap, KKT violation and support of any code (one from another solver,
 *  say) under params->l1 and params->positive: the numbers a solve writes to its info,
 *  computed the same way, in double, with r = c - G a. Signed codes: KKT as
 *  sfl_enet_kkt_violation(). Non-negative codes: |r_j - l1| where a_j > 0, max(0, r_j - l1)
 *  where a_j == 0; a code with a negative entry is infeasible and gets gap = kkt = +inf.
 *  Needs no workspace. (0.5)
 *  @param plan      plan of the dictionary
 *  @param params    valid parameters (as sfl_enet_solve(): l2 == the plan's); l1 and positive are used
 *  @param c         K floats, c = P^T x, finite
 *  @param x_sqnorm  ||x||^2, >= 0, finite (the objective's constant term)
 *  @param a         K floats, the code, finite
 *  @param info      out: objective, gap, kkt, support; status SFL_OK, iterations 0, hit_iter_limit 0
 *  @return SFL_OK; SFL_ERR_NULL_ARG; SFL_ERR_BAD_PLAN; SFL_ERR_BAD_PARAM;
 *          SFL_ERR_NOT_FINITE (c, x_sqnorm or a); info untouched on error */
SFL_API sfl_status sfl_enet_evaluate(const sfl_enet_plan *plan, const sfl_enet_params *params, const float *c,
                                     double x_sqnorm, const float *a, sfl_enet_info *info);

#ifdef __cplusplus
}
#endif

#endif /* SFL_ENET_H */
