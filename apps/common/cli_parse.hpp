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

/** One command-line argument "--flag" or "--flag=value", split. */
struct FlagArg {
    std::string flag;          // "--flag"
    std::string value;         // the text after '=', if any
    bool inline_value = false; // the argument held '='
};

/** Split argv[i]; UsageError for anything that does not start with "--". */
FlagArg split_flag(const std::string &arg);

/** A finite real number, or UsageError "<flag> needs a finite number, got '<text>'". */
double parse_real(const std::string &flag, const std::string &text);

/** An integer in [lo, hi], or UsageError naming the flag and the range. */
long parse_int(const std::string &flag, const std::string &text, long lo, long hi);

} // namespace sfl_cli
