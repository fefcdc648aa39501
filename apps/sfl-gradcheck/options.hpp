// options.hpp - command line of sfl-gradcheck.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "../common/cli_parse.hpp"

#include <sfl/sfl.h>

namespace sfl_gradcheck {

/** A problem with the command line (exit status 2); what() is one line without the program prefix. */
using UsageError = sfl_cli::UsageError;

struct Options {
    bool csf = false;                                       // --layer sf|csf
    int32_t m = 20, K = 10;                                 // --m (SF only), --K
    int32_t n = 2;                                          // --n batch size (samples / images)
    sfl_dims4 image{2, 8, 8, 1};                            // --image HxWxC (CSF)
    sfl_patch_params patch = SFL_PATCH_PARAMS_INIT(3, 3);   // --patch hxw, --stride hxw, --pad hxw
    float l1 = 0.1f, l2 = 0.01f;                            // --l1 --l2
    unsigned seed = 1;                                      // --seed
    double tol = 1e-3;                                      // --tol
    int64_t max_entries = 300;                              // --max-entries per gradient
    std::string json;                                       // --json FILE; "-": stdout; empty: none
};

/** Parse argv; throws UsageError (one line) for a bad or missing flag, sfl_cli::HelpRequest
 *  for -h / --help. */
Options parse_options(int argc, const char *const *argv);
const char *usage();

} // namespace sfl_gradcheck
