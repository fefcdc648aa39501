// options.hpp - command line of sfl-encode.
#pragma once

#include <stdexcept>
#include <string>

#include "../common/cli_parse.hpp"

#include "row_progress.hpp"
#include "sfl/sfl.h"

namespace sfl_encode {

/** A problem with the command line: exit status 2. */
using UsageError = sfl_cli::UsageError;

/** A problem with a file named on the command line (unreadable, malformed, wrong shape,
 *  non-finite values) or with the output's directory: exit status 1. */
using InputError = std::runtime_error;

struct Options {
    std::string dict;          // --dict P.npy, (m, K)
    std::string model;         // --model M.sflm (instead of --dict): run a prefix of the model
    int32_t layers = 0;        // --layers K with --model; 0 = up to the first SF/CSF layer
    std::string input;         // --input X.npy, (N, m); with --model: images, .npy or idx
    std::string output;        // --output A.npy, (N, K); with --model: the model prefix's outputs
    sfl_enet_params params{};  // --l1 --l2 --solver --tol --max-iter (--dict only)
    unsigned threads = 0;      // --threads; 0 = hardware concurrency
    std::string json;          // --json FILE; "-": stdout; empty: no JSON
    ProgressWhen progress = ProgressWhen::auto_; // --progress / --no-progress
};

/** Parse argv. Throws UsageError naming the flag and the problem (also --dict with
 *  --model, or a solver flag with --model: the model fixes them); sfl_cli::HelpRequest
 *  for -h / --help. */
Options parse_options(int argc, const char *const *argv);

/** The --help text. */
const char *usage();

/** "lars" or "cd". */
const char *solver_name(sfl_enet_solver s);

} // namespace sfl_encode
