// cli_parse.hpp - argument parsing shared by the command-line programs: flags as
// "--flag value" or "--flag=value", and strict numbers (the whole text must be the
// number), each problem a one-line UsageError naming the flag.
#pragma once

#include <stdexcept>
#include <string>

namespace sfl_cli {

/** A problem with the command line itself (unknown, repeated or missing flag, a value
 *  that is not what the flag takes, flags that exclude each other): exit status 2
 *  (run_main, cli_main.hpp). what() is one line without the program prefix. Problems
 *  with the files named are other exceptions (exit status 1). */
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/** Thrown for -h or --help: the program prints its usage and exits 0 (run_main, cli_main.hpp). */
struct HelpRequest {};

/** One command-line argument "--flag" or "--flag=value", split. */
struct FlagArg {
    std::string flag;          // "--flag"
    std::string value;         // the text after '=', if any
    bool inline_value = false; // the argument held '='
};

/** Split argv[i]; UsageError for anything that does not start with "--". */
FlagArg split_flag(const std::string &arg);

/** The next argument of a parse loop: HelpRequest for -h or --help, else split_flag(arg). */
FlagArg read_flag(const std::string &arg);

/** The value of f: its inline text, else the next argument (argv[++i]); UsageError
 *  "<flag> needs a value" when argv has no more, or when the next argument is an option
 *  ("--..."; such a value can still be given inline, "--flag=--x"). */
std::string flag_value(const FlagArg &f, int argc, const char *const *argv, int &i);

/** The value of a flag, read by flag_value the first time value() is called: a parser
 *  can then report an unknown flag as unknown even when it is the last argument. */
class FlagValue {
public:
    FlagValue(const FlagArg &f, int argc, const char *const *argv, int &i) : f_(f), argc_(argc), argv_(argv), i_(i) {}
    const std::string &operator()() {
        if (!read_) value_ = flag_value(f_, argc_, argv_, i_), read_ = true;
        return value_;
    }

private:
    const FlagArg &f_;
    int argc_;
    const char *const *argv_;
    int &i_;
    std::string value_;
    bool read_ = false;
};

/** For a switch (a flag without value): UsageError "<flag> takes no value" if f held '='. */
void refuse_value(const FlagArg &f);

/** A finite real number, or UsageError "<flag> needs a finite number, got '<text>'". */
double parse_real(const std::string &flag, const std::string &text);

/** An integer in [lo, hi], or UsageError naming the flag and the range. */
long parse_int(const std::string &flag, const std::string &text, long lo, long hi);

} // namespace sfl_cli
