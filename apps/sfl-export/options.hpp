// options.hpp - command line of sfl-export.
#pragma once

#include <string>

#include "cli_parse.hpp"

namespace sfl_export {

using sfl_cli::UsageError;

struct Options {
    std::string model;            // --model MODEL.sflm
    std::string header;           // --header OUT.h; empty: none
    std::string name = "sfl_net"; // --name NAME: prefix of every identifier in the header
    std::string blob;             // --blob OUT.sflm; empty: none
    bool plans = true;            // --no-plans: leave the plans out (header and blob)
    bool quiet = false;           // --quiet: no summary
};

/** Parse argv. Throws UsageError (one line) for a bad or missing argument, a NAME that is
 *  not a C identifier, or no output requested; sfl_cli::HelpRequest for -h / --help. */
Options parse_options(int argc, const char *const *argv);

/** True for a C identifier: [A-Za-z_][A-Za-z0-9_]*. */
bool is_c_identifier(const std::string &s);

const char *usage();

} // namespace sfl_export
