// Dense Cholesky factors in double, row-major lower triangles with a leading
// dimension ld (row i of L starts at L + i*ld): grown one atom at a time (LARS,
// the lanes' final solve), shrunk by Givens rotations (LARS drops), or built
// from scratch on a support (the layers' backward). Solves by substitution.
//
// Singularity policy (the one rule of the library, docs/design.md section 6):
// a new pivot d = G_jj - g^T G[A,A]^-1 g is accepted iff d > kPivotRel * G_jj.
// G is float (relative rounding ~6e-8 per entry, more after P^T P sums), so a
// Schur complement below 1e-6 of its diagonal entry is indistinguishable from 0:
// the atom is (numerically) in the span of the others. With l2 > 0 every pivot
// is at least l2, so the rule only bites when l2 / G_jj < 1e-6.
#pragma once

#include <cstdint>

namespace sfl {
namespace linalg {

constexpr double kPivotRel = 1e-6;

inline bool pivot_ok(double d, double gjj) { return d > kPivotRel * gjj; }

// y = L^-1 b on the leading n x n block; y may alias b.
void forward_sub(const double *L, int32_t ld, int32_t n, const double *b, double *y);

// The same for rows i0 .. n-1 only, y[:i0] already solved (the leading rows of L and
// b unchanged since): after rows were appended to L, the floats forward_sub gives.
void forward_sub_from(const double *L, int32_t ld, int32_t i0, int32_t n, const double *b, double *y);

// x = L^-T y on the leading n x n block; x may alias y.
void backward_sub(const double *L, int32_t ld, int32_t n, const double *y, double *x);

// v <- (L L^T)^-1 v on the leading n x n block, in place.
void chol_solve(const double *L, int32_t ld, int32_t n, double *v);

// Grows the factor of an s x s matrix by one row and column. On entry row s of L
// holds g_k = G[a_k, j] for k < s (the new column against the old atoms); gjj is
// G_jj. On success row s holds [L^-1 g, sqrt(gjj - |L^-1 g|^2)]. Returns false,
// leaving the first s rows as they were, when the pivot fails pivot_ok.
bool chol_append(double *L, int32_t ld, int32_t s, double gjj);

// Factor of the s - 1 atoms left when position p of s leaves: row p is dropped,
// then Givens rotations on column pairs (k, k+1) restore the lower-triangular
// shape (L Q is still a factor, Q orthogonal).
void chol_remove(double *L, int32_t ld, int32_t s, int32_t p);

// L L^T = G[S,S] from scratch (G: K x K row-major float, S: s atom indices),
// by chol_append row after row. Returns false when a pivot fails pivot_ok.
bool chol_factor_gathered(const float *G, int32_t K, const int32_t *S, int32_t s, double *L, int32_t ld);

} // namespace linalg
} // namespace sfl
