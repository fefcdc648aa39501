// degenerate_table: prints the per-case table of docs/robustness.md ("Degenerate
// problems"): each degenerate elastic-net case of tests/degenerate_cases.hpp
// solved by LARS and CD through sfl_enet_solve and sfl_enet_encode (every
// signal of the case, both entry points in one row), against the double CD
// reference. Usage: degenerate_table  (no arguments; markdown on stdout).
#include <cstdio>
#include <map>
#include <string>

#include "degenerate_cases.hpp"

namespace {

std::string status_name(sfl_status st) {
    switch (st) {
    case SFL_OK: return "OK";
    case SFL_WARN_NOT_CONVERGED: return "NOT_CONVERGED";
    case SFL_ERR_SINGULAR: return "SINGULAR";
    case SFL_ERR_NOT_FINITE: return "NOT_FINITE";
    default: return sfl_status_string(st);
    }
}

std::string statuses(const std::vector<sfl_degen::Run> &runs) {
    std::map<std::string, int> count;
    for (const auto &r : runs) ++count[status_name(r.status)];
    std::string s;
    for (const auto &kv : count) {
        if (!s.empty()) s += ", ";
        s += kv.first;
        if (count.size() > 1) s += " x" + std::to_string(kv.second);
    }
    return s;
}

} // namespace

int main() {
    std::printf("| case | solver | status (%d signals x 2 calls) | support | objective (mean) | max rel. gap | "
                "max KKT / scale | max code err. |\n",
                sfl_degen::kSignals);
    std::printf("|---|---|---|---|---|---|---|---|\n");
    for (const sfl_degen::Case &cs : sfl_degen::all_cases()) {
        for (sfl_enet_solver solver : {SFL_ENET_LARS, SFL_ENET_CD}) {
            const std::vector<sfl_degen::Run> runs = sfl_degen::run_case(cs, solver);
            int smin = 1 << 30, smax = 0;
            double obj = 0.0, gap = 0.0, kkt = 0.0, err = 0.0;
            bool finite = true;
            for (const auto &r : runs) {
                smin = r.support < smin ? r.support : smin;
                smax = r.support > smax ? r.support : smax;
                obj += r.obj / double(runs.size());
                gap = std::max(gap, std::fabs(r.rel_gap));
                kkt = std::max(kkt, r.rel_kkt);
                err = std::max(err, r.code_err);
                finite = finite && r.finite;
            }
            const std::string support =
                smin == smax ? std::to_string(smin) : std::to_string(smin) + "-" + std::to_string(smax);
            char err_text[32];
            if (cs.unique) std::snprintf(err_text, sizeof err_text, "%.1e", err);
            else std::snprintf(err_text, sizeof err_text, "(not unique)");
            std::printf("| %s | %s | %s%s | %s | %.6g | %.1e | %.1e | %s |\n", cs.name.c_str(),
                        sfl_test::solver_name(solver), statuses(runs).c_str(), finite ? "" : " NON-FINITE",
                        support.c_str(), obj, gap, kkt, err_text);
        }
    }
    // No minimiser: one solve from a c outside the range of P^T (no signal, no reference).
    const sfl_degen::NoMinimiser nm = sfl_degen::no_minimiser_problem();
    for (sfl_enet_solver solver : {SFL_ENET_LARS, SFL_ENET_CD}) {
        std::vector<float> a;
        sfl_enet_info info{};
        sfl_degen::solve_no_minimiser(nm, solver, a, info);
        const sfl_status st = static_cast<sfl_status>(info.status); // the row's own status, as above
        bool finite = true;
        for (float v : a) finite = finite && std::isfinite(v);
        std::printf("| c outside range(P^T), l2=0 (1 solve) | %s | %s%s | %d | (unbounded) | - | %.1e | - |\n",
                    sfl_test::solver_name(solver), status_name(st).c_str(),
                    finite ? "" : " NON-FINITE", int(info.support), double(info.kkt) / double(nm.c[2]));
    }
    return 0;
}
