// Test fixture: a dictionary with its plan, encoding batches through the C API
// with a workspace of exactly the queried size; objective and KKT in double come
// from enet_test_util.hpp (independent of the library's G and c).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <utility>
#include <vector>

#include <doctest/doctest.h>
#include <sfl/sfl.h>

#include "enet_test_util.hpp"

namespace sfl_test {

// n signals of length m, Gaussian, each scaled to unit norm; row-major n x m.
inline std::vector<float> unit_signals(int32_t m, int32_t n, unsigned seed) {
    std::mt19937 rng(seed);
    Matrix X = gaussian(n, m, rng);
    normalize_rows(X);
    return X.data;
}

// A problem shape and its weights, for tables of cases.
struct SolverCase {
    int32_t m, K;
    float l1, l2;
};

struct Encoded {
    sfl_status status = SFL_OK;
    std::vector<float> A;
    std::vector<sfl_enet_info> info;
};

// A dictionary (unit-norm Gaussian atoms unless given) and its plan.
class Dictionary {
public:
    int32_t m, K;
    float l2;

private:
    Matrix mat_; // P, m x K row-major

public:
    std::vector<float> &P = mat_.data; // the dictionary's floats, m x K row-major

    Dictionary(int32_t m_, int32_t K_, float l2_, unsigned seed, std::pair<int32_t, int32_t> duplicate = {-1, -1})
        : m(m_), K(K_), l2(l2_), mat_{m_, K_, std::vector<float>(size_t(m_) * size_t(K_))},
          plan_mem_(SFL_ENET_PLAN_BYTES(K_)) {
        std::mt19937 rng(seed);
        std::normal_distribution<float> N(0.0f, 1.0f);
        for (auto &v : P) v = N(rng);
        if (duplicate.first >= 0)
            for (int32_t r = 0; r < m; ++r) P[size_t(r) * K + duplicate.second] = P[size_t(r) * K + duplicate.first];
        normalise();
        build();
    }
    Dictionary(int32_t m_, int32_t K_, float l2_, std::vector<float> P_)
        : m(m_), K(K_), l2(l2_), mat_{m_, K_, std::move(P_)}, plan_mem_(SFL_ENET_PLAN_BYTES(K_)) {
        build();
    }

    const sfl_enet_plan *plan() const { return plan_; }

    sfl_enet_params params(sfl_enet_solver solver, float l1, int32_t max_iter = 0, bool positive = false,
                           int32_t lanes = 0) const {
        sfl_enet_params p = SFL_ENET_PARAMS_INIT;
        p.l1 = l1;
        p.l2 = l2;
        p.solver = solver;
        p.max_iter = max_iter;
        p.positive = positive ? 1 : 0;
        p.lanes = lanes;
        return p;
    }

    // Encode n rows of X through the C API, with a workspace of exactly the queried size.
    Encoded encode(sfl_enet_solver solver, float l1, const std::vector<float> &X, int32_t n, int32_t max_iter = 0,
                   bool positive = false, int32_t lanes = 0) const {
        const sfl_enet_params p = params(solver, l1, max_iter, positive, lanes);
        size_t bytes = 0;
        REQUIRE(sfl_enet_encode_workspace_size(&p, plan_, &bytes) == SFL_OK);
        AlignedBuffer ws(bytes);
        sfl_workspace w = ws.workspace();
        Encoded e;
        e.A.assign(size_t(n) * size_t(K), -1.0f);
        e.info.resize(size_t(n));
        e.status = sfl_enet_encode(&w, &p, plan_, P.data(), n, X.data(), e.A.data(), e.info.data());
        return e;
    }

    // c = P^T x and ||x||^2 (double accumulation, rounded to float like the library's inputs).
    void correlations(const float *x, float *c, double *xx) const {
        double s = 0.0;
        for (int32_t r = 0; r < m; ++r) s += double(x[r]) * x[r];
        *xx = s;
        for (int32_t k = 0; k < K; ++k) {
            double v = 0.0;
            for (int32_t r = 0; r < m; ++r) v += double(P[size_t(r) * K + k]) * x[r];
            c[k] = float(v);
        }
    }

    // 1/2||x - P a||^2 + l1||a||_1 + l2/2||a||^2 in double, straight from the definition.
    double objective(float l1, const float *x, const float *a) const { return sfl_test::objective(mat_, x, a, l1, l2); }

    // KKT violation in double from P directly: r = P^T (x - P a) - l2 a (one-sided off the
    // support for non-negative codes).
    double kkt(float l1, const float *x, const float *a, bool positive = false) const {
        return kkt_violation(mat_, x, a, l1, l2, positive);
    }

private:
    AlignedBuffer plan_mem_;
    sfl_enet_plan *plan_ = nullptr;

    void normalise() { normalize_columns(mat_); }
    void build() {
        sfl_enet_params p = SFL_ENET_PARAMS_INIT;
        p.l2 = l2;
        const sfl_enet_dims dims = {m, K};
        REQUIRE(sfl_enet_plan_init(plan_mem_.data(), plan_mem_.size(), &p, &dims, P.data(), &plan_) == SFL_OK);
    }
};

} // namespace sfl_test
