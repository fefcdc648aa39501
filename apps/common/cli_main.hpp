// cli_main.hpp - the main() of the command-line programs and their shared exit
// statuses: the usage on stdout for -h / --help, and every failure as one line
// "<program>: error: <message>" on stderr.
#pragma once

#include <cstdio>
#include <exception>
#include <new>
#include <string>

#include "cli_parse.hpp"
#include "progress.hpp"

namespace sfl_cli {

// Exit statuses of every program (README.md, "Command-line conventions").
constexpr int kExitOk = 0;
constexpr int kExitError = 1;   // bad input file, unwritable output, failed check, ...
constexpr int kExitUsage = 2;   // a UsageError: the command line itself is wrong
constexpr int kExitPartial = 3; // output written, but incomplete (sfl-encode: some rows failed;
                                // sfl-train: stopped by --halt-after-epochs)

/** A program as its main() presents it. */
struct Program {
    const char *name;  // "sfl-export", the start of every error line
    const char *usage; // the --help text
};

/** s with its line breaks (file names may hold them) turned into spaces. */
inline std::string one_line(std::string s) {
    for (char &c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return s;
}

/** "<program>: <kind>: <what>" on one stderr line (kind: "error", "warning"), after
 *  ending an open progress line. */
inline void print_diagnostic(const char *program, const char *kind, const std::string &what) {
    end_progress_line();
    std::fprintf(stderr, "%s: %s: %s\n", program, kind, one_line(what).c_str());
}

/** fn()'s exit status. If it throws HelpRequest: the usage on stdout, kExitOk. Else the
 *  message on one stderr line "<program>: error: ..." and kExitUsage for a UsageError,
 *  kExitError for anything else ("out of memory" for bad_alloc). */
template <class Fn> int run_main(const Program &p, Fn &&fn) {
    try {
        return fn();
    } catch (const HelpRequest &) {
        std::fputs(p.usage, stdout);
        return kExitOk;
    } catch (const UsageError &e) {
        print_diagnostic(p.name, "error", e.what());
        return kExitUsage;
    } catch (const std::bad_alloc &) {
        print_diagnostic(p.name, "error", "out of memory");
    } catch (const std::exception &e) {
        print_diagnostic(p.name, "error", e.what());
    }
    return kExitError;
}

} // namespace sfl_cli
