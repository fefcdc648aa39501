// libFuzzer target: the elastic-net solvers (sfl_enet.h) on arbitrary
// (P, x, l1, l2). The input decodes as
//   byte 0: m = 1 + b % 16       byte 1: K = 1 + b % 16
//   byte 2: flags - bit 0: P and x as raw float bits (else one byte each, int8 / 8);
//                   bit 1: l1 and l2 as raw float bits (else one byte each, / 32);
//                   bits 2-3: max_iter 0 (default), 1, 3, 50;  bit 4: CD tol 1e-3 (else 1e-6);
//                   bit 5: non-negative codes (params.positive = 1; every code entry >= 0)
//   then l1, l2, P (m x K row-major), x (m); missing bytes read as zero.
// Raw bits reach NaN, inf, denormals, negative zero and huge magnitudes.
//
// Properties (a violation aborts):
//  - sfl_enet_plan_init fails exactly with the documented status for an invalid
//    l2 or a non-finite P, and otherwise returns OK, ZERO_ATOM or NOT_FINITE;
//  - sfl_enet_encode and sfl_enet_solve (c = P^T x in double), with LARS and
//    with CD, return a documented status; on an argument error (bad l1, non-finite
//    x or c) the code is untouched; otherwise the code is finite, and a row status
//    SFL_ERR_NOT_FINITE (call status SFL_WARN_ROWS_FAILED, code set to zero) only
//    where the numbers may leave float range (may_overflow);
//  - on a well-conditioned problem (l2 >= 1e-3, every P and x value 0 or of
//    magnitude in [1e-3, 1e3], l1 <= 1e3) where both solvers return SFL_OK, their
//    objectives agree up to the duality gap each reports: f(a) - f* <= gap(a),
//    so f_LARS - f_CD <= gap_LARS and f_CD - f_LARS <= gap_CD, plus a rounding
//    slack for the float G (1e-5 of |x|^2 + sum |c_j a_j| + |a|^T |G| |a|).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include <sfl/sfl.h>

#include "fuzz_util.hpp"

namespace {

using sfl_fuzz::all_finite;

struct Problem {
    int32_t m = 1, K = 1;
    float l1 = 0.0f, l2 = 0.0f, tol = 1e-6f;
    int32_t max_iter = 0;
    int32_t positive = 0; // non-negative codes
    std::vector<float> P, x;
};

Problem decode(const uint8_t *data, size_t size) {
    sfl_fuzz::Bytes in(data, size);
    Problem p;
    p.m = 1 + in.u8() % 16;
    p.K = 1 + in.u8() % 16;
    const uint8_t flags = in.u8();
    const bool raw_values = flags & 1u, raw_params = flags & 2u;
    static const int32_t kIters[4] = {0, 1, 3, 50};
    p.max_iter = kIters[(flags >> 2) & 3u];
    p.tol = (flags & 16u) ? 1e-3f : 1e-6f;
    p.positive = (flags & 32u) ? 1 : 0;
    if (raw_params) {
        p.l1 = in.f32_bits();
        p.l2 = in.f32_bits();
    } else {
        p.l1 = float(in.u8()) / 32.0f;
        p.l2 = float(in.u8()) / 32.0f;
    }
    auto value = [&]() { return raw_values ? in.f32_bits() : float(int8_t(in.u8())) / 8.0f; };
    p.P.resize(size_t(p.m) * size_t(p.K));
    for (float &v : p.P) v = value();
    p.x.resize(size_t(p.m));
    for (float &v : p.x) v = value();
    return p;
}

bool in_range(float v) { return v == 0.0f || (std::fabs(v) >= 1e-3f && std::fabs(v) <= 1e3f); }

bool well_conditioned(const Problem &p) {
    if (!(p.l2 >= 1e-3f && p.l2 <= 1e3f && p.l1 >= 0.0f && p.l1 <= 1e3f)) return false;
    for (float v : p.P)
        if (!in_range(v)) return false;
    for (float v : p.x)
        if (!in_range(v)) return false;
    return true;
}

struct Result {
    sfl_status st = SFL_ERR_NULL_ARG;
    std::vector<float> a;
    sfl_enet_info info{};
};

const float kSentinel = -7777.0f;

bool untouched(const std::vector<float> &a) {
    for (float v : a)
        if (std::memcmp(&v, &kSentinel, 4) != 0) return false;
    return true;
}

// Row statuses after the arguments passed (the per-signal outcomes in info).
bool solved(sfl_status row, sfl_enet_solver solver) {
    return row == SFL_OK || row == SFL_WARN_NOT_CONVERGED || (solver == SFL_ENET_LARS && row == SFL_ERR_SINGULAR);
}

// The call status that goes with one row's status (sfl_status.h: a row error makes
// the call SFL_WARN_ROWS_FAILED, everything written).
sfl_status call_status(sfl_status row) { return row < 0 ? SFL_WARN_ROWS_FAILED : row; }

void check_result(const Result &r, sfl_enet_solver solver, bool positive, bool l1_ok, bool input_finite,
                  bool overflow_ok) {
    if (!l1_ok) {
        SFL_FUZZ_REQUIRE(r.st == SFL_ERR_BAD_PARAM && untouched(r.a));
        return;
    }
    if (!input_finite) {
        SFL_FUZZ_REQUIRE(r.st == SFL_ERR_NOT_FINITE && untouched(r.a));
        return;
    }
    SFL_FUZZ_REQUIRE(all_finite(r.a.data(), r.a.size()));
    SFL_FUZZ_REQUIRE(r.st == call_status(static_cast<sfl_status>(r.info.status)));
    if (r.info.status == SFL_ERR_NOT_FINITE) { // the numbers left float range: allowed only where they can
        SFL_FUZZ_REQUIRE(overflow_ok);
        for (float v : r.a) SFL_FUZZ_REQUIRE(v == 0.0f);
        return;
    }
    SFL_FUZZ_REQUIRE(solved(static_cast<sfl_status>(r.info.status), solver));
    SFL_FUZZ_REQUIRE(!(r.info.gap < 0.0f) && r.info.support >= 0 && r.info.support <= int32_t(r.a.size()));
    if (positive)
        for (float v : r.a) SFL_FUZZ_REQUIRE(!(v < 0.0f));
}

Result encode(const sfl_enet_plan *plan, const sfl_enet_params &params, const Problem &p) {
    Result r;
    r.a.assign(size_t(p.K), kSentinel);
    size_t bytes = 0;
    const sfl_status qs = sfl_enet_encode_workspace_size(&params, plan, &bytes);
    if (qs != SFL_OK) {
        r.st = qs;
        return r;
    }
    sfl_test::AlignedBuffer mem(bytes);
    const sfl_workspace ws = {mem.data(), bytes};
    r.st = sfl_enet_encode(&ws, &params, plan, p.P.data(), 1, p.x.data(), r.a.data(), &r.info);
    return r;
}

Result solve(const sfl_enet_plan *plan, const sfl_enet_params &params, const float *c, double x2, int32_t K) {
    Result r;
    r.a.assign(size_t(K), kSentinel);
    size_t bytes = 0;
    const sfl_status qs = sfl_enet_solve_workspace_size(&params, plan, &bytes);
    if (qs != SFL_OK) {
        r.st = qs;
        return r;
    }
    sfl_test::AlignedBuffer mem(bytes);
    const sfl_workspace ws = {mem.data(), bytes};
    r.st = sfl_enet_solve(&ws, &params, plan, c, x2, r.a.data(), &r.info);
    return r;
}

// Whether c, the code, or CD's residuals r = c - G a may leave float range (then
// SFL_ERR_NOT_FINITE is a correct answer). Every iterate of both solvers has an
// objective at most that of a = 0, 1/2 ||x||^2, so ||a||_2 <= ||x|| / sqrt(l2) and
// ||a||_1 <= ||x||^2 / (2 l1); |r_j| <= |c_j| + max|G| ||a||_1. The float GEMM of
// c = P^T x (encode) stays in range if sum_i |P_ij x_i| does.
bool may_overflow(const Problem &p, const float *G, double x2) {
    double cmax = 0.0, gmax = 0.0;
    for (int32_t j = 0; j < p.K; ++j) {
        double s = 0.0;
        for (int32_t i = 0; i < p.m; ++i) s += std::fabs(double(p.P[size_t(i) * p.K + j]) * p.x[i]);
        cmax = std::fmax(cmax, s);
    }
    for (int32_t j = 0; j < p.K * p.K; ++j) gmax = std::fmax(gmax, std::fabs(double(G[j])));
    double a1 = INFINITY; // bound of ||a||_1
    if (p.l2 > 0.0f) a1 = std::sqrt(double(p.K) * x2 / double(p.l2));
    if (p.l1 > 0.0f) a1 = std::fmin(a1, x2 / (2.0 * double(p.l1)));
    return !(a1 < 1e30 && cmax + gmax * a1 < 1e30);
}

// 1e-5 of the magnitudes that make up the objective (float G rounding).
double slack(const float *G, const std::vector<float> &c, double x2, const std::vector<float> &a) {
    const size_t K = a.size();
    double s = x2;
    for (size_t j = 0; j < K; ++j) {
        s += std::fabs(double(c[j]) * a[j]);
        for (size_t k = 0; k < K; ++k) s += std::fabs(double(a[j]) * G[j * K + k] * a[k]);
    }
    return 1e-5 * s;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const Problem p = decode(data, size);
    const sfl_enet_dims dims = {p.m, p.K};
    sfl_test::AlignedBuffer plan_mem(SFL_ENET_PLAN_BYTES(p.K));
    sfl_enet_params params = {p.l1, p.l2, p.tol, p.max_iter, SFL_ENET_LARS, 0, p.positive};
    sfl_enet_plan *plan = nullptr;
    const sfl_status ps = sfl_enet_plan_init(plan_mem.data(), plan_mem.size(), &params, &dims, p.P.data(), &plan);
    const bool l2_ok = std::isfinite(p.l2) && p.l2 >= 0.0f;
    if (!l2_ok) SFL_FUZZ_REQUIRE(ps == SFL_ERR_BAD_PARAM);
    else if (!all_finite(p.P.data(), p.P.size())) SFL_FUZZ_REQUIRE(ps == SFL_ERR_NOT_FINITE);
    else SFL_FUZZ_REQUIRE(ps == SFL_OK || ps == SFL_ERR_ZERO_ATOM || ps == SFL_ERR_NOT_FINITE);
    SFL_FUZZ_REQUIRE((ps == SFL_OK) == (plan != nullptr));
    if (ps != SFL_OK) return 0;

    // c = P^T x and ||x||^2 in double, as a caller of sfl_enet_solve would.
    std::vector<float> c(size_t(p.K));
    double x2 = 0.0;
    for (int32_t i = 0; i < p.m; ++i) x2 += double(p.x[i]) * p.x[i];
    for (int32_t j = 0; j < p.K; ++j) {
        double s = 0.0;
        for (int32_t i = 0; i < p.m; ++i) s += double(p.P[size_t(i) * p.K + j]) * p.x[i];
        c[j] = float(s);
    }
    const bool l1_ok = std::isfinite(p.l1) && p.l1 >= 0.0f;
    const bool x_finite = all_finite(p.x.data(), p.x.size());
    const bool c_finite = x_finite && std::isfinite(x2) && all_finite(c.data(), c.size());

    const bool overflow = may_overflow(p, sfl_enet_plan_gram(plan), x2);

    Result by_solve[2];
    const sfl_enet_solver solvers[2] = {SFL_ENET_LARS, SFL_ENET_CD};
    for (int s = 0; s < 2; ++s) {
        params.solver = solvers[s];
        check_result(encode(plan, params, p), solvers[s], p.positive, l1_ok, x_finite, overflow);
        by_solve[s] = solve(plan, params, c.data(), x2, p.K);
        check_result(by_solve[s], solvers[s], p.positive, l1_ok, c_finite, overflow);
    }

    const Result &lars = by_solve[0], &cd = by_solve[1];
    if (lars.st == SFL_OK && cd.st == SFL_OK && well_conditioned(p)) {
        const float *G = sfl_enet_plan_gram(plan);
        const double fl = lars.info.objective, fc = cd.info.objective;
        SFL_FUZZ_REQUIRE(fl - fc <= double(lars.info.gap) + slack(G, c, x2, lars.a));
        SFL_FUZZ_REQUIRE(fc - fl <= double(cd.info.gap) + slack(G, c, x2, cd.a));
    }
    return 0;
}
