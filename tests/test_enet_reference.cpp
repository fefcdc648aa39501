// Solvers against committed float64 reference solutions (tests/data/enet,
// scikit-learn + exact KKT polish, see scripts/make_fixtures.py) on MNIST
// patches: 25x20 (CSF dictionary of patches) and 64x256 (Gaussian atoms), for
// signed and for non-negative codes (scikit-learn's positive=True).
#include <doctest/doctest.h>

#ifdef SFL_TESTS_HAVE_CPP

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "enet_test_util.hpp"

using namespace sfl_test;

namespace {

// Tolerances (per signal). Objectives: both are evaluated in double from the
// same float32 (P, x); the reference is the exact minimiser, so ours may only
// be larger, by the solver's float32 error.
constexpr double kObjRel = 1e-5;     // |f - f_ref| <= kObjRel * f_ref
constexpr double kObjBelow = 1e-6;   // f >= f_ref (1 - kObjBelow): the stored f_ref is float32-rounded
constexpr double kCodeRel = 1e-3;    // max_j |a_j - a_ref_j| <= kCodeRel * max|a_ref|
constexpr double kTieRel = 1e-4;     // atoms below kTieRel * max|a| in either code are ties

struct Worst {
    double obj_rel = 0, obj_below = 0, code_rel = 0;
    int32_t support_bad = 0, status_bad = 0, info_support_bad = 0, negative = 0;
    int32_t obj_sig = -1, code_sig = -1;
};

void run_case(const ReferenceCase &rc, sfl_enet_solver solver) {
    const Matrix P = load_matrix(enet_data_path(rc.P_file));
    const Matrix X = load_matrix(enet_data_path(rc.X_file));
    const Matrix Aref = load_matrix(enet_data_path(rc.A_file));
    const Matrix obj_ref = load_matrix(enet_data_path(rc.obj_file));
    REQUIRE(X.cols == P.rows);
    REQUIRE(Aref.rows == X.rows);
    REQUIRE(Aref.cols == P.cols);
    REQUIRE(obj_ref.rows == X.rows);

    const Plan pl = make_plan(P, rc.l2);
    const sfl_enet_params params = make_params(solver, rc.l1, rc.l2, 0.0f, 0, rc.positive);
    const EncodeResult res = encode(pl, params, P, X);
    const int32_t K = P.cols;

    Worst w;
    for (int32_t i = 0; i < X.rows; ++i) {
        const float *a = res.A.data() + static_cast<size_t>(i) * static_cast<size_t>(K);
        const float *ar = Aref.row(i);
        if (res.info[static_cast<size_t>(i)].status != SFL_OK) ++w.status_bad;
        if (res.info[static_cast<size_t>(i)].support != count_nonzero(a, K)) ++w.info_support_bad;
        if (rc.positive) w.negative += static_cast<int32_t>(std::count_if(a, a + K, [](float v) { return v < 0.0f; }));

        const double f = objective(P, X.row(i), a, rc.l1, rc.l2);
        const double fr = double(obj_ref.data[static_cast<size_t>(i)]);
        const double obj_rel = std::fabs(f - fr) / std::max(fr, 1e-30);
        if (obj_rel > w.obj_rel) {
            w.obj_rel = obj_rel;
            w.obj_sig = i;
        }
        if (f < fr) w.obj_below = std::max(w.obj_below, (fr - f) / std::max(fr, 1e-30));

        if (!rc.compare_codes) continue;
        const double amax = max_abs(ar, K);
        double diff = 0;
        for (int32_t k = 0; k < K; ++k) diff = std::max(diff, std::fabs(double(a[k]) - ar[k]));
        const double code_rel = amax > 0 ? diff / amax : (diff > 0 ? 1.0 : 0.0);
        if (code_rel > w.code_rel) {
            w.code_rel = code_rel;
            w.code_sig = i;
        }
        if (support_mismatches(a, ar, K, kTieRel) != 0) ++w.support_bad;
    }

    INFO(rc.name, rc.positive ? " positive" : "", " l1=", rc.l1_text, " l2=", rc.l2_text, " ",
         std::string(solver_name(solver)), " n=", X.rows,
         " worst obj rel ", w.obj_rel, " (signal ", w.obj_sig, "), worst code rel ", w.code_rel, " (signal ",
         w.code_sig, ")");
    CHECK(res.status == SFL_OK);
    CHECK(w.status_bad == 0);
    CHECK(w.info_support_bad == 0);
    CHECK(w.negative == 0);
    CHECK(w.obj_rel <= kObjRel);
    CHECK(w.obj_below <= kObjBelow);
    if (rc.compare_codes) {
        CHECK(w.code_rel <= kCodeRel);
        CHECK(w.support_bad == 0);
    }
}

} // namespace

TEST_CASE("enet reference: manifest lists 25x20 and 64x256 MNIST fixtures") {
    const auto cases = load_manifest(enet_data_path("manifest.txt"));
    CHECK(cases.size() >= 6);
    bool has5 = false, has8 = false, has_l2_zero = false;
    for (const auto &rc : cases) {
        const Matrix P = load_matrix(enet_data_path(rc.P_file));
        has5 = has5 || (P.rows == 25 && P.cols == 20);
        has8 = has8 || (P.rows == 64 && P.cols == 256);
        has_l2_zero = has_l2_zero || rc.l2 == 0.0f;
        // Dictionaries have unit-norm columns.
        for (int32_t k = 0; k < P.cols; ++k) {
            double s = 0;
            for (int32_t i = 0; i < P.rows; ++i) s += double(P.row(i)[k]) * P.row(i)[k];
            CHECK(std::sqrt(s) == doctest::Approx(1.0).epsilon(1e-6));
        }
    }
    CHECK(has5);
    CHECK(has8);
    CHECK(has_l2_zero);
    CHECK(std::count_if(cases.begin(), cases.end(), [](const ReferenceCase &rc) { return rc.positive; }) >= 6);
}

TEST_CASE("enet reference: the references satisfy KKT (fixture sanity, double)") {
    for (const auto &rc : load_manifest(enet_data_path("manifest.txt"))) {
        const Matrix P = load_matrix(enet_data_path(rc.P_file));
        const Matrix X = load_matrix(enet_data_path(rc.X_file));
        const Matrix Aref = load_matrix(enet_data_path(rc.A_file));
        double worst = 0;
        for (int32_t i = 0; i < X.rows; ++i) {
            const double scale = std::max(max_abs_correlation(P, X.row(i)), double(rc.l1));
            // A_ref is stored in float32: KKT holds to float32 rounding of the code.
            worst = std::max(worst, kkt_violation(P, X.row(i), Aref.row(i), rc.l1, rc.l2, rc.positive) / scale);
        }
        INFO(rc.name, rc.positive ? " positive" : "", " l1=", rc.l1_text, " l2=", rc.l2_text,
             " worst relative KKT violation ", worst);
        CHECK(worst <= 1e-5);
    }
}

TEST_CASE("enet reference: LARS matches the float64 references") {
    for (const auto &rc : load_manifest(enet_data_path("manifest.txt"))) run_case(rc, SFL_ENET_LARS);
}

TEST_CASE("enet reference: CD matches the float64 references") {
    for (const auto &rc : load_manifest(enet_data_path("manifest.txt"))) run_case(rc, SFL_ENET_CD);
}

#endif // SFL_TESTS_HAVE_CPP
