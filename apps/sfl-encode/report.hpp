// report.hpp - summary statistics of an encode run, printed for people or as JSON.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include "options.hpp"

namespace sfl_encode {

struct Summary {
    size_t signals = 0, m = 0, K = 0;
    unsigned threads = 0;
    double seconds = 0.0;
    double signals_per_second = 0.0;
    double mean_objective = 0.0;
    double mean_support = 0.0;
    double max_kkt = 0.0;       // worst info.kkt (absolute, units of c = P^T x)
    size_t not_converged = 0;   // signals that hit the iteration bound
    size_t errors = 0;          // signals whose solve returned an error status
    long first_error_row = -1;  // row of the first error, -1 if none
    int first_error_status = 0; // its sfl_status
};

Summary summarize(const std::vector<sfl_enet_info> &info, size_t m, size_t K, unsigned threads, double seconds);

/** Aligned "name  value" lines. */
void print_human(std::FILE *out, const Options &opt, const Summary &s);

/** One JSON object on one line, with its line break (keys: signals, m, K, solver, l1, l2,
 *  threads, seconds, signals_per_second, mean_objective, mean_support, max_kkt,
 *  not_converged, errors). */
std::string summary_json(const Options &opt, const Summary &s);

} // namespace sfl_encode
