// One elastic-net problem in Gram form (docs/design.md section 2):
//   min_a 1/2 a^T G a - c^T a + l1 ||a||_1 + 1/2 ||x||^2,   G = P^T P + l2 I,
// over every a, or over a >= 0 (positive: non-negative codes).
#pragma once

#include <cstdint>

#include "sfl/sfl_enet.h"

namespace sfl {
namespace enet {

struct Problem {
    const float *G;        // K x K row-major (symmetric)
    const float *inv_diag; // 1 / G_jj
    int32_t K;
    float l1;
    double x_sqnorm;       // ||x||^2
    const float *c;        // P^T x
    bool positive;         // a >= 0: an atom is active only with a positive coefficient
};

// The one builder of a Problem (inv_diag may be null where no CD runs).
inline Problem gram_problem(const float *G, const float *inv_diag, int32_t K, float l1, const float *c,
                            double x_sqnorm, bool positive) {
    return Problem{G, inv_diag, K, l1, x_sqnorm, c, positive};
}

// Objective, duality gap and KKT violation of a code, in double (fills info's
// objective, gap, kkt and support). r_out (K doubles, may be nullptr) receives
// r = c - G a. The dual point is the scaled residual of the augmented lasso
// [P; sqrt(l2) I], [x; 0]: theta = s * rho, s = min(1, l1 / ||r||_inf); for
// non-negative codes the dual constraint is one-sided (r_j <= l1), so
// s = min(1, l1 / max_j r_j), and KKT reads r_j = l1 on the support, r_j <= l1
// off it. A negative entry under positive is infeasible: gap and kkt are +inf.
// Returns the gap and KKT violation in double too: stopping rules must compare
// these, not info's floats (tiny signals: a gap of 1e-80 is 0 as a float).
struct Quality {
    double gap;
    double kkt;
};
Quality evaluate(const Problem &pb, const float *a, double *r_out, sfl_enet_info *info);

// The objective alone, bit for bit evaluate()'s (the same sums in the same order, the
// terms of the zero entries left out: adding +0.0 changes no double), in O(nnz^2 + K)
// instead of O(K nnz): the layers' training forward needs lU, not the gap and KKT.
// (Codes with more than 64 non-zeros go through evaluate(); the result is a double
// that equals evaluate()'s objective once rounded to float.)
double objective(const Problem &pb, const float *a);

// Largest |c_j| (signed codes) or largest c_j, at least 0 (non-negative codes): the
// code is exactly zero iff this is <= l1.
float max_correlation(const float *c, int32_t K, bool positive);

} // namespace enet
} // namespace sfl
