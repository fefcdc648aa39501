// Test helpers for the SF/CSF layers: the random cases, the library runner and
// the double-precision finite-difference reference are shared with
// apps/sfl-gradcheck (no copy here), plus small checks used by several tests.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include <doctest/doctest.h>
#include <sfl/sfl.h>

#include "../apps/sfl-gradcheck/fd_reference.hpp"
#include "../apps/sfl-gradcheck/layer_case.hpp"
#include "support/aligned_buffer.hpp"

namespace sfl_test {

using sfl_gradcheck::Case;
using sfl_gradcheck::GradCheck;

// Relative tolerance of float32 analytic gradients against double differences.
constexpr double kGradTol = 1e-4; // observed ~1e-6; a wrong term gives O(1)

inline Case sf_case(int32_t n, int32_t m, int32_t K, float l1, float l2, unsigned seed) {
    return sfl_gradcheck::random_case(false, n, m, K, sfl_dims4{n, 1, 1, 1}, SFL_PATCH_PARAMS_INIT(1, 1), l1, l2, seed);
}

inline Case csf_case(int32_t n, sfl_dims4 image, sfl_patch_params patch, int32_t K, float l1, float l2,
                     unsigned seed) {
    return sfl_gradcheck::random_case(true, n, 0, K, image, patch, l1, l2, seed);
}

// Runs the check and asserts every part of it, with the numbers in the log.
inline void expect_gradients(const Case &c, unsigned seed, int64_t max_entries = 400) {
    const GradCheck g = sfl_gradcheck::check_gradients(c, max_entries, seed);
    CAPTURE(g.lib.forward);
    CAPTURE(g.lib.backward);
    CAPTURE(g.margin);
    CAPTURE(g.unstable);
    CAPTURE(g.err_lu);
    REQUIRE(g.lib.ok());
    REQUIRE(g.margin > 0.0);      // the library's supports satisfy KKT in double
    CHECK(g.unstable == 0);       // no perturbation changed a support
    CHECK(g.err_dX <= kGradTol);
    CHECK(g.err_dP <= kGradTol);
    CHECK(g.err_lu <= 1e-4);
    MESSAGE("dX err " << g.err_dX << ", dP err " << g.err_dP << ", lU err " << g.err_lu << ", margin " << g.margin);
}

// Entries below zero in the library's codes of the case.
inline int64_t negative_codes(const Case &c) {
    const auto r = sfl_gradcheck::run_library(c);
    REQUIRE(r.ok());
    int64_t neg = 0;
    for (float v : r.A) neg += v < 0.0f ? 1 : 0;
    return neg;
}

// Non-negative codes: the gradients against finite differences, every code entry >= 0,
// and the same case with signed codes has negative entries (the constraint binds).
inline void expect_positive_gradients(Case c, unsigned seed) {
    c.positive = false;
    CHECK(negative_codes(c) > 0);
    c.positive = true;
    CHECK(negative_codes(c) == 0);
    expect_gradients(c, seed);
}

// One scalar loss T = sup_weight Lsup + mu lU for dX and dP alike.
inline sfl_loss_mix mix(float mu, float sup_weight) { return sfl_loss_mix{mu, sup_weight, sup_weight, mu}; }

// The case's elastic-net parameters (l1, l2, LARS, `lanes`) and the plan of its P, in
// owned memory (plan points into mem; moving keeps it valid).
struct CasePlan {
    sfl_enet_params params = sfl_enet_default_params();
    AlignedBuffer mem;
    sfl_enet_plan *plan = nullptr;
};

inline CasePlan case_plan(const Case &c, int32_t lanes = 0) {
    CasePlan p;
    p.params.l1 = c.l1;
    p.params.l2 = c.l2;
    p.params.lanes = lanes;
    p.params.positive = c.positive ? 1 : 0;
    const sfl_enet_dims dims = {c.m, c.K};
    p.mem = AlignedBuffer(SFL_ENET_PLAN_BYTES(c.K));
    REQUIRE(sfl_enet_plan_init(p.mem.data(), p.mem.size(), &p.params, &dims, c.P.data(), &p.plan) == SFL_OK);
    return p;
}

} // namespace sfl_test
