// cli_parse.hpp - number parsing shared by the command-line programs: strict
// (the whole text must be the number), with a one-line UsageError naming the flag.
#pragma once

#include <stdexcept>
#include <string>

namespace sfl_cli {

/** A problem the user must fix; what() is one line without the program prefix. */
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/** A finite real number, or UsageError "<flag> needs a finite number, got '<text>'". */
double parse_real(const std::string &flag, const std::string &text);

/** An integer in [lo, hi], or UsageError naming the flag and the range. */
long parse_int(const std::string &flag, const std::string &text, long lo, long hi);

} // namespace sfl_cli
