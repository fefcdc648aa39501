// The backward pass's linear solve b[S] = (P[:,S]^T P[:,S] + l2 I)^-1 g[S]:
// G[S,S] is gathered from the plan's G and factored in double (Cholesky),
// instead of keeping the LARS factor from forward (see sfl_layers.h: memory).
#pragma once

#include <cstdint>

namespace sfl {
namespace layers {

// L (s x s, row-major, lower triangle) with L L^T = G[S,S]. Returns false when
// a pivot is not positive (G[S,S] numerically singular).
bool factor_gram(const float *G, int32_t K, const int32_t *S, int32_t s, double *L);

// v <- (L L^T)^-1 v, in place.
void solve_factored(const double *L, int32_t s, double *v);

} // namespace layers
} // namespace sfl
