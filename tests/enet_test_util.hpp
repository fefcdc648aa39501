// enet_test_util.hpp - helpers for the elastic-net solver tests: seeded random
// problems, the objective and the KKT violation recomputed in double from
// (P, x, a) (independent of the library's own G and c), and
// thin wrappers over the plan / solve / encode calls that throw on errors.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sfl/sfl_enet.h"
#include "support/aligned_buffer.hpp"
#ifdef SFL_TESTS_HAVE_CPP
#include "sfl/npy.hpp" // fixture loading needs the C++ wrapper (sflpp)
#endif

namespace sfl_test {

inline void check_status(sfl_status st, const char *what) {
    if (st < 0) throw std::runtime_error(std::string(what) + ": " + sfl_status_string(st));
}

// ---- problems ----

// Row-major float matrix.
struct Matrix {
    int32_t rows = 0;
    int32_t cols = 0;
    std::vector<float> data;
    const float *row(int32_t i) const { return data.data() + static_cast<size_t>(i) * static_cast<size_t>(cols); }
    float *row(int32_t i) { return data.data() + static_cast<size_t>(i) * static_cast<size_t>(cols); }
};

// rows x cols of i.i.d. N(0, 1), drawn with the given engine (row-major order).
inline Matrix gaussian(int32_t rows, int32_t cols, std::mt19937 &rng) {
    std::normal_distribution<double> nd(0.0, 1.0);
    Matrix M{rows, cols, std::vector<float>(static_cast<size_t>(rows) * static_cast<size_t>(cols))};
    for (auto &v : M.data) v = static_cast<float>(nd(rng));
    return M;
}

// Scales every column to unit Euclidean norm (norm computed in double).
inline void normalize_columns(Matrix &M) {
    for (int32_t k = 0; k < M.cols; ++k) {
        double s = 0;
        for (int32_t i = 0; i < M.rows; ++i) s += double(M.row(i)[k]) * M.row(i)[k];
        const double inv = s > 0 ? 1.0 / std::sqrt(s) : 0.0;
        for (int32_t i = 0; i < M.rows; ++i) M.row(i)[k] = static_cast<float>(M.row(i)[k] * inv);
    }
}

// Scales every row to unit Euclidean norm (all-zero rows stay zero).
inline void normalize_rows(Matrix &M) {
    for (int32_t i = 0; i < M.rows; ++i) {
        double s = 0;
        for (int32_t k = 0; k < M.cols; ++k) s += double(M.row(i)[k]) * M.row(i)[k];
        const double inv = s > 0 ? 1.0 / std::sqrt(s) : 0.0;
        for (int32_t k = 0; k < M.cols; ++k) M.row(i)[k] = static_cast<float>(M.row(i)[k] * inv);
    }
}

// A dictionary P (m x K, unit-norm Gaussian columns) and signals X (n x m,
// unit-norm Gaussian rows), reproducible from seed.
struct RandomProblem {
    int32_t m, K, n;
    Matrix P, X;
};

inline RandomProblem random_problem(int32_t m, int32_t K, int32_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    RandomProblem pb{m, K, n, gaussian(m, K, rng), gaussian(n, m, rng)};
    normalize_columns(pb.P);
    normalize_rows(pb.X);
    return pb;
}

// ---- mathematics in double, from P and x ----

// c = P^T x (K doubles).
inline std::vector<double> correlations(const Matrix &P, const float *x) {
    std::vector<double> c(static_cast<size_t>(P.cols), 0.0);
    for (int32_t i = 0; i < P.rows; ++i) {
        const float *p = P.row(i);
        for (int32_t k = 0; k < P.cols; ++k) c[static_cast<size_t>(k)] += double(p[k]) * x[i];
    }
    return c;
}

inline double max_abs_correlation(const Matrix &P, const float *x) {
    double mx = 0;
    for (double v : correlations(P, x)) mx = std::max(mx, std::fabs(v));
    return mx;
}

// 1/2 ||x - P a||^2 + l1 ||a||_1 + l2/2 ||a||^2.
inline double objective(const Matrix &P, const float *x, const float *a, double l1, double l2) {
    double res2 = 0;
    for (int32_t i = 0; i < P.rows; ++i) {
        double pa = 0;
        const float *p = P.row(i);
        for (int32_t k = 0; k < P.cols; ++k) pa += double(p[k]) * a[k];
        const double d = double(x[i]) - pa;
        res2 += d * d;
    }
    double n1 = 0, n2 = 0;
    for (int32_t k = 0; k < P.cols; ++k) {
        n1 += std::fabs(double(a[k]));
        n2 += double(a[k]) * a[k];
    }
    return 0.5 * res2 + l1 * n1 + 0.5 * l2 * n2;
}

// r = c - G a = P^T (x - P a) - l2 a.
inline std::vector<double> kkt_residual(const Matrix &P, const float *x, const float *a, double l2) {
    std::vector<double> res(static_cast<size_t>(P.rows));
    for (int32_t i = 0; i < P.rows; ++i) {
        double pa = 0;
        const float *p = P.row(i);
        for (int32_t k = 0; k < P.cols; ++k) pa += double(p[k]) * a[k];
        res[static_cast<size_t>(i)] = double(x[i]) - pa;
    }
    std::vector<double> r(static_cast<size_t>(P.cols), 0.0);
    for (int32_t i = 0; i < P.rows; ++i) {
        const float *p = P.row(i);
        for (int32_t k = 0; k < P.cols; ++k) r[static_cast<size_t>(k)] += double(p[k]) * res[static_cast<size_t>(i)];
    }
    for (int32_t k = 0; k < P.cols; ++k) r[static_cast<size_t>(k)] -= l2 * a[k];
    return r;
}

// max_j of |r_j - l1 sign(a_j)| (a_j != 0) and max(0, |r_j| - l1) (a_j == 0); for
// non-negative codes (positive) max(0, r_j - l1) off the support, and +inf for a
// negative entry (infeasible).
inline double kkt_violation(const Matrix &P, const float *x, const float *a, double l1, double l2,
                            bool positive = false) {
    const std::vector<double> r = kkt_residual(P, x, a, l2);
    double v = 0;
    for (int32_t k = 0; k < P.cols; ++k) {
        const double rk = r[static_cast<size_t>(k)];
        if (positive && a[k] < 0.0f) return INFINITY;
        if (a[k] != 0.0f)
            v = std::max(v, std::fabs(rk - (a[k] > 0 ? l1 : -l1)));
        else
            v = std::max(v, (positive ? rk : std::fabs(rk)) - l1);
    }
    return v;
}

inline double max_abs(const float *v, int32_t n) {
    double mx = 0;
    for (int32_t i = 0; i < n; ++i) mx = std::max(mx, std::fabs(double(v[i])));
    return mx;
}

inline int32_t count_nonzero(const float *v, int32_t n) {
    return static_cast<int32_t>(std::count_if(v, v + n, [](float f) { return f != 0.0f; }));
}

// Number of atoms where one code is clearly active and the other is not, or the
// signs differ. An atom counts as "clearly active" when |a_j| >= rel * max|a|;
// atoms below that in either code are ties and are ignored.
inline int32_t support_mismatches(const float *a, const float *b, int32_t K, double rel) {
    const double ta = rel * max_abs(a, K), tb = rel * max_abs(b, K);
    int32_t bad = 0;
    for (int32_t k = 0; k < K; ++k) {
        const bool sa = std::fabs(double(a[k])) >= ta && a[k] != 0.0f;
        const bool sb = std::fabs(double(b[k])) >= tb && b[k] != 0.0f;
        const bool tie_a = a[k] != 0.0f && !sa, tie_b = b[k] != 0.0f && !sb;
        if (tie_a || tie_b) continue;
        if (sa != sb || (sa && ((a[k] > 0) != (b[k] > 0)))) ++bad;
    }
    return bad;
}

// ---- library wrappers ----

// Library defaults for tol (when tol <= 0) and max_iter (when 0).
inline sfl_enet_params make_params(sfl_enet_solver solver, float l1, float l2, float tol = 0.0f,
                                   int32_t max_iter = 0, bool positive = false) {
    sfl_enet_params p = sfl_enet_default_params();
    p.positive = positive ? 1 : 0;
    p.solver = solver;
    p.l1 = l1;
    p.l2 = l2;
    if (tol > 0.0f) p.tol = tol;
    p.max_iter = max_iter;
    return p;
}

inline const char *solver_name(sfl_enet_solver s) { return s == SFL_ENET_LARS ? "LARS" : "CD"; }

// A plan built in its own aligned buffer. Movable (a moved std::vector keeps its
// storage, so plan stays valid), not copyable (a copy would point into the original).
struct Plan {
    AlignedBuffer mem;
    sfl_enet_plan *plan = nullptr;
    Plan() = default;
    Plan(Plan &&) = default;
    Plan &operator=(Plan &&) = default;
    Plan(const Plan &) = delete;
    Plan &operator=(const Plan &) = delete;
};

inline Plan make_plan(const Matrix &P, float l2) {
    const sfl_enet_dims dims{P.rows, P.cols};
    size_t bytes = 0;
    check_status(sfl_enet_plan_size(&dims, &bytes), "sfl_enet_plan_size");
    Plan pl;
    pl.mem.resize(bytes);
    sfl_enet_params params = sfl_enet_default_params();
    params.l2 = l2;
    check_status(sfl_enet_plan_init(pl.mem.data(), pl.mem.size(), &params, &dims, P.data.data(), &pl.plan),
                 "sfl_enet_plan_init");
    return pl;
}

struct EncodeResult {
    sfl_status status = SFL_OK;
    std::vector<float> A;              // n x K
    std::vector<sfl_enet_info> info;   // n
};

// sfl_enet_encode on all rows of X with the queried workspace plus extra_bytes;
// throws on an argument/memory error.
inline EncodeResult encode(const Plan &pl, const sfl_enet_params &params, const Matrix &P, const Matrix &X,
                           size_t extra_bytes = 0) {
    size_t bytes = 0;
    check_status(sfl_enet_encode_workspace_size(&params, pl.plan, &bytes), "sfl_enet_encode_workspace_size");
    AlignedBuffer ws(bytes + extra_bytes);
    const sfl_workspace w = ws.workspace();
    EncodeResult r;
    r.A.assign(static_cast<size_t>(X.rows) * static_cast<size_t>(P.cols), 0.0f);
    r.info.assign(static_cast<size_t>(X.rows), sfl_enet_info{});
    r.status = sfl_enet_encode(&w, &params, pl.plan, P.data.data(), X.rows, X.data.data(), r.A.data(),
                               r.info.data());
    if (r.status < 0 && r.status != SFL_ERR_SINGULAR) check_status(r.status, "sfl_enet_encode");
    return r;
}

struct SolveResult {
    sfl_status status = SFL_OK;
    std::vector<float> a;
    sfl_enet_info info{};
};

// sfl_enet_solve for one signal x (c = P^T x computed here in double, then rounded).
inline SolveResult solve(const Plan &pl, const sfl_enet_params &params, const Matrix &P, const float *x) {
    size_t bytes = 0;
    check_status(sfl_enet_solve_workspace_size(&params, pl.plan, &bytes), "sfl_enet_solve_workspace_size");
    AlignedBuffer ws(bytes);
    const sfl_workspace w = ws.workspace();
    const std::vector<double> cd = correlations(P, x);
    std::vector<float> c(cd.begin(), cd.end());
    double xsq = 0;
    for (int32_t i = 0; i < P.rows; ++i) xsq += double(x[i]) * x[i];
    SolveResult r;
    r.a.assign(static_cast<size_t>(P.cols), 0.0f);
    r.status = sfl_enet_solve(&w, &params, pl.plan, c.data(), xsq, r.a.data(), &r.info);
    if (r.status < 0 && r.status != SFL_ERR_SINGULAR) check_status(r.status, "sfl_enet_solve");
    return r;
}

// ---- committed fixtures (tests/data/enet, written by scripts/make_fixtures.py) ----
#ifdef SFL_TESTS_HAVE_CPP

#ifdef SFL_TEST_DATA_DIR
inline std::string enet_data_path(const std::string &file) { return std::string(SFL_TEST_DATA_DIR) + "/enet/" + file; }
#endif

// A .npy file as a matrix: 2-D arrays as they are, 1-D arrays as one column.
inline Matrix load_matrix(const std::string &path) {
    sfl::npy::Array arr = sfl::npy::load_f32(path);
    Matrix M;
    if (arr.shape.size() == 2) {
        M.rows = static_cast<int32_t>(arr.shape[0]);
        M.cols = static_cast<int32_t>(arr.shape[1]);
    } else if (arr.shape.size() == 1) {
        M.rows = static_cast<int32_t>(arr.shape[0]);
        M.cols = 1;
    } else {
        throw std::runtime_error(path + ": expected a 1-D or 2-D array");
    }
    M.data = std::move(arr.data);
    return M;
}

// One line of manifest.txt: a reference solution of every row of X over P.
struct ReferenceCase {
    std::string name, P_file, X_file, A_file, obj_file;
    std::string l1_text, l2_text; // decimals as written (float of them = the solver's l1, l2)
    float l1 = 0, l2 = 0;
    bool compare_codes = true;    // false where the minimiser need not be unique
    bool positive = false;        // a reference of non-negative codes (sfl_enet_params.positive)
};

inline std::vector<ReferenceCase> load_manifest(const std::string &path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(path + ": cannot open");
    std::vector<ReferenceCase> cases;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ls(line);
        ReferenceCase rc;
        int cmp = 1, pos = 0;
        if (!(ls >> rc.name >> rc.P_file >> rc.X_file >> rc.l1_text >> rc.l2_text >> rc.A_file >> rc.obj_file >> cmp >>
              pos) ||
            (pos != 0 && pos != 1))
            throw std::runtime_error(path + ": malformed line: " + line);
        rc.positive = pos == 1;
        rc.l1 = std::stof(rc.l1_text);
        rc.l2 = std::stof(rc.l2_text);
        rc.compare_codes = cmp != 0;
        cases.push_back(rc);
    }
    return cases;
}

#endif // SFL_TESTS_HAVE_CPP

} // namespace sfl_test
