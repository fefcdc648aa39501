// Summary of an encode run: means and worst cases over the per-signal diagnostics.
#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#include "json_text.hpp"

namespace sfl_encode {

Summary summarize(const std::vector<sfl_enet_info> &info, size_t m, size_t K, unsigned threads, double seconds) {
    Summary s;
    s.signals = info.size();
    s.m = m;
    s.K = K;
    s.threads = threads;
    s.seconds = seconds;
    s.signals_per_second = seconds > 0.0 ? double(s.signals) / seconds : 0.0;
    double obj = 0.0, support = 0.0;
    for (size_t i = 0; i < info.size(); ++i) {
        const sfl_enet_info &f = info[i];
        obj += f.objective;
        support += f.support;
        s.max_kkt = std::max(s.max_kkt, double(f.kkt));
        if (std::isnan(f.kkt)) s.max_kkt = f.kkt; // never hide a NaN residual
        if (f.hit_iter_limit) ++s.not_converged;
        if (f.status < 0) {
            if (s.errors == 0) {
                s.first_error_row = static_cast<long>(i);
                s.first_error_status = f.status;
            }
            ++s.errors;
        }
    }
    if (s.signals > 0) {
        s.mean_objective = obj / double(s.signals);
        s.mean_support = support / double(s.signals);
    }
    return s;
}

void print_human(std::FILE *out, const Options &opt, const Summary &s) {
    std::fprintf(out, "signals          %zu (m = %zu, K = %zu)\n", s.signals, s.m, s.K);
    std::fprintf(out, "solver           %s (l1 = %g, l2 = %g%s), %u thread%s\n", solver_name(opt.params.solver),
                 double(opt.params.l1), double(opt.params.l2), opt.params.positive ? ", non-negative codes" : "",
                 s.threads, s.threads == 1 ? "" : "s");
    std::fprintf(out, "encode time      %.6g s\n", s.seconds);
    std::fprintf(out, "signals/s        %.6g\n", s.signals_per_second);
    std::fprintf(out, "mean objective   %.9g\n", s.mean_objective);
    std::fprintf(out, "mean support     %.4f\n", s.mean_support);
    std::fprintf(out, "worst KKT        %.3g\n", s.max_kkt);
    std::fprintf(out, "not converged    %zu\n", s.not_converged);
    std::fprintf(out, "errors           %zu\n", s.errors);
}

std::string summary_json(const Options &opt, const Summary &s) {
    char buf[1024];
    std::snprintf(buf, sizeof buf,
                 "{\"signals\": %zu, \"m\": %zu, \"K\": %zu, \"solver\": \"%s\", \"l1\": %s, \"l2\": %s, "
                 "\"positive\": %s, \"threads\": %u, \"seconds\": %s, \"signals_per_second\": %s, \"mean_objective\": %s, "
                 "\"mean_support\": %s, \"max_kkt\": %s, \"not_converged\": %zu, \"errors\": %zu}\n",
                 s.signals, s.m, s.K, solver_name(opt.params.solver), json_float(opt.params.l1).c_str(),
                 json_float(opt.params.l2).c_str(), opt.params.positive ? "true" : "false", s.threads, json_number(s.seconds).c_str(),
                 json_number(s.signals_per_second).c_str(), json_number(s.mean_objective).c_str(),
                 json_number(s.mean_support).c_str(), json_number(s.max_kkt).c_str(), s.not_converged, s.errors);
    return buf;
}

} // namespace sfl_encode
