// Solvers on the problem sizes of the paper's networks: optimality (KKT,
// recomputed in double from P and x), LARS/CD agreement, and the all-zero code
// when l1 >= max|P^T x|. Data: the committed MNIST-patch fixtures (25x20 and
// 64x256, tests/data/enet) and a generated 800x500 problem (unit-norm Gaussian
// atoms and signals, seeded).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "enet_test_util.hpp"

using namespace sfl_test;

namespace {

// Tolerances (per signal).
// KKT: the solver works from a float32 G and c; their rounding alone moves r =
// c - G a by ~eps32 * (|c| + |G| |a|), so 1e-4 * max|c| leaves a margin of
// about 100 for the sizes here while catching any wrong support or sign.
constexpr double kKktRel = 1e-4;
constexpr double kObjRel = 1e-5; // LARS vs CD objectives
constexpr double kTieRel = 1e-4; // atoms below this fraction of max|a| are ties
// Solver parameters other than l1, l2 are the library defaults (CD tol 1e-6,
// default iteration bounds): these tests check what a caller gets by default.

struct DataSet {
    std::string name;
    Matrix P, X;
};

struct Pair {
    float l1, l2;
};

#ifndef SFL_TESTS_SHORT
#  define SFL_TESTS_SHORT 0 // set by tests/CMakeLists.txt under emulators, valgrind, sanitizers
#endif

// 24 signals (8 under valgrind, qemu and the sanitizers: SFL_TESTS_SHORT).
DataSet generated_800x500() {
    RandomProblem pb = random_problem(800, 500, SFL_TESTS_SHORT ? 8 : 24, 800500u);
    return DataSet{"gauss800x500", std::move(pb.P), std::move(pb.X)};
}

// Unique minimiser: G = P^T P + l2 I positive definite (l2 > 0), or K <= m
// with atoms in general position.
bool unique_minimiser(const DataSet &d, const Pair &p) { return p.l2 > 0 || d.P.cols <= d.P.rows; }

struct Solved {
    EncodeResult res;
    std::vector<double> obj;
};

// Encodes every signal, checks statuses, the info fields and KKT.
Solved solve_and_check_kkt(const DataSet &d, const Pair &p, sfl_enet_solver solver) {
    const Plan pl = make_plan(d.P, p.l2);
    const sfl_enet_params params = make_params(solver, p.l1, p.l2);
    Solved s{encode(pl, params, d.P, d.X), {}};
    const int32_t K = d.P.cols;
    double worst_kkt = 0;
    int32_t worst_sig = -1, status_bad = 0, info_bad = 0, total_support = 0, max_iters = 0;
    std::string bad_list; // "signal:status:iterations:gap" of the signals not SFL_OK
    for (int32_t i = 0; i < d.X.rows; ++i) {
        const float *a = s.res.A.data() + static_cast<size_t>(i) * static_cast<size_t>(K);
        const sfl_enet_info &inf = s.res.info[static_cast<size_t>(i)];
        const double scale = std::max(max_abs_correlation(d.P, d.X.row(i)), 1e-30);
        const double v = kkt_violation(d.P, d.X.row(i), a, p.l1, p.l2) / scale;
        if (v > worst_kkt) {
            worst_kkt = v;
            worst_sig = i;
        }
        max_iters = std::max(max_iters, inf.iterations);
        if (inf.status != SFL_OK) {
            ++status_bad;
            std::ostringstream os;
            os << ' ' << i << ':' << inf.status << ':' << inf.iterations << ':' << inf.gap;
            bad_list += os.str();
        }
        if (inf.support != count_nonzero(a, K)) ++info_bad;
        total_support += count_nonzero(a, K);
        s.obj.push_back(objective(d.P, d.X.row(i), a, p.l1, p.l2));
    }
    INFO(d.name, " l1=", p.l1, " l2=", p.l2, " ", std::string(solver_name(solver)), ": worst KKT/max|c| ", worst_kkt,
         " (signal ", worst_sig, "), mean support ", double(total_support) / d.X.rows,
         ", max iterations ", max_iters, "; not OK (signal:status:iterations:gap):", bad_list);
    CHECK(s.res.status == SFL_OK);
    CHECK(status_bad == 0);
    CHECK(info_bad == 0);
    CHECK(worst_kkt <= kKktRel);
    // The problems must not be trivial: some atoms are active.
    CHECK(total_support > 0);
    return s;
}

void check_agreement(const DataSet &d, const Pair &p, const Solved &lars, const Solved &cd) {
    const int32_t K = d.P.cols;
    double worst_obj = 0;
    int32_t support_bad = 0;
    for (int32_t i = 0; i < d.X.rows; ++i) {
        const double f1 = lars.obj[static_cast<size_t>(i)], f2 = cd.obj[static_cast<size_t>(i)];
        worst_obj = std::max(worst_obj, std::fabs(f1 - f2) / std::max(std::min(f1, f2), 1e-30));
        if (unique_minimiser(d, p)) {
            const size_t off = static_cast<size_t>(i) * static_cast<size_t>(K);
            if (support_mismatches(lars.res.A.data() + off, cd.res.A.data() + off, K, kTieRel) != 0)
                ++support_bad;
        }
    }
    INFO(d.name, " l1=", p.l1, " l2=", p.l2, ": worst LARS/CD objective rel diff ", worst_obj,
         ", signals with different supports ", support_bad);
    CHECK(worst_obj <= kObjRel);
    CHECK(support_bad == 0);
}

void check_dataset(const DataSet &d, const std::vector<Pair> &pairs) {
    for (const Pair &p : pairs) {
        const Solved lars = solve_and_check_kkt(d, p, SFL_ENET_LARS);
        const Solved cd = solve_and_check_kkt(d, p, SFL_ENET_CD);
        check_agreement(d, p, lars, cd);
    }
}

// l1 >= max_i max_j |c_ij|: every code is exactly zero, support 0.
void check_zero_code(const DataSet &d, float l2) {
    double cmax = 0;
    for (int32_t i = 0; i < d.X.rows; ++i) cmax = std::max(cmax, max_abs_correlation(d.P, d.X.row(i)));
    REQUIRE(cmax > 0);
    const float l1 = static_cast<float>(cmax * 1.001);
    for (sfl_enet_solver solver : {SFL_ENET_LARS, SFL_ENET_CD}) {
        const Plan pl = make_plan(d.P, l2);
        const EncodeResult r = encode(pl, make_params(solver, l1, l2), d.P, d.X);
        int32_t nonzero = 0, info_bad = 0;
        for (float v : r.A) nonzero += v != 0.0f;
        for (const auto &inf : r.info) info_bad += inf.support != 0 || inf.status != SFL_OK;
        INFO(d.name, " ", std::string(solver_name(solver)), " l1=", l1, " l2=", l2);
        CHECK(r.status == SFL_OK);
        CHECK(nonzero == 0);
        CHECK(info_bad == 0);
    }
}

} // namespace

TEST_CASE("enet real: 800x500 Gaussian dictionary, KKT and LARS/CD agreement") {
    const DataSet d = generated_800x500();
    // max|c| of a unit signal over 500 unit atoms is ~0.1 here: these l1 keep
    // supports of tens to a couple of hundred atoms.
    check_dataset(d, {{0.02f, 0.0f}, {0.02f, 0.01f}, {0.05f, 0.1f}});
}

TEST_CASE("enet real: the KKT check rejects the minimiser of a neighbouring problem") {
    // Negative control for the checks above: the code for l1 = 0.02 is not
    // optimal for l1 = 0.03 or for l2 = 0.05, and the double-precision KKT
    // check must say so by far more than its tolerance.
    const DataSet d = generated_800x500();
    const Plan pl = make_plan(d.P, 0.0f);
    const EncodeResult r = encode(pl, make_params(SFL_ENET_LARS, 0.02f, 0.0f), d.P, d.X);
    REQUIRE(r.status == SFL_OK);
    for (int32_t i = 0; i < d.X.rows; ++i) {
        const float *a = r.A.data() + static_cast<size_t>(i) * static_cast<size_t>(d.P.cols);
        const double scale = max_abs_correlation(d.P, d.X.row(i));
        CHECK(kkt_violation(d.P, d.X.row(i), a, 0.02, 0.0) <= kKktRel * scale);
        CHECK(kkt_violation(d.P, d.X.row(i), a, 0.03, 0.0) > 100 * kKktRel * scale);
        CHECK(kkt_violation(d.P, d.X.row(i), a, 0.02, 0.05) > 100 * kKktRel * scale);
    }
}

TEST_CASE("enet real: 800x500, l1 >= max|c| gives the zero code") {
    const DataSet d = generated_800x500();
    check_zero_code(d, 0.0f);
    check_zero_code(d, 0.1f);
}

#ifdef SFL_TESTS_HAVE_CPP

namespace {

DataSet fixture(const std::string &name) {
    return DataSet{name, load_matrix(enet_data_path(name + "_P.npy")), load_matrix(enet_data_path(name + "_X.npy"))};
}

} // namespace

TEST_CASE("enet real: 25x20 MNIST patch dictionary, KKT and LARS/CD agreement") {
    const DataSet d = fixture("mnist5");
    REQUIRE(d.P.rows == 25);
    REQUIRE(d.P.cols == 20);
    check_dataset(d, {{0.1f, 0.0f}, {0.1f, 0.01f}, {0.05f, 0.1f}});
    check_zero_code(d, 0.0f);
    check_zero_code(d, 0.01f);
}

TEST_CASE("enet real: 64x256 Gaussian dictionary on 8x8 MNIST patches, KKT and LARS/CD agreement") {
    const DataSet d = fixture("mnist8");
    REQUIRE(d.P.rows == 64);
    REQUIRE(d.P.cols == 256);
    // l2 = 0 with K > m: only objectives are compared (the minimiser need not be unique).
    check_dataset(d, {{0.1f, 0.0f}, {0.1f, 0.01f}, {0.05f, 0.1f}});
    check_zero_code(d, 0.0f);
    check_zero_code(d, 0.01f);
}

#endif // SFL_TESTS_HAVE_CPP
