// The LARS step's search for the next atom to join (lib/kernels/enet/lars.cpp): over the
// inactive atoms j (pos[j] == -1), the smallest step g >= 0 at which |r_j - g u_j| meets
// lambda - g (r_j - g u_j for non-negative codes), below the step bound *gamma. The atom
// last dropped may only come back with the sign it did not have (last_sign: its old one).
// Ties go to the lowest j, the "+" crossing before the "-" one: the serial loop's order.
// The SIMD version gives the serial loop's result exactly (the same divisions, the same
// first minimum); it was a tenth of the SF layer's LARS time and a fifth of 64x256's.
#pragma once

#include <cstdint>

namespace sfl {
namespace enet {

struct JoinSearch {
    const double *r;    // correlations, K
    const double *u;    // G[:,A] w, K
    const int32_t *pos; // -1: inactive
    int32_t K;
    double lambda;
    bool positive;
    int32_t last_dropped; // -1: none
    double last_sign;
};

// The atom that joins first (or -1); lowers *gamma to its step.
int32_t next_join(const JoinSearch &q, double *gamma);

// The serial loop itself, over atoms [j0, K) (the reference of the tests and the tail).
int32_t next_join_serial(const JoinSearch &q, int32_t j0, double *gamma, int32_t best);

} // namespace enet
} // namespace sfl
