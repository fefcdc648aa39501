// cli_main.hpp - the main() of the command-line programs: the usage on stdout for
// -h / --help, and every failure as one line "<program>: <message>" on stderr with
// the program's exit status (usage errors may have their own, as sfl-export's 2).
#pragma once

#include <cstdio>
#include <exception>
#include <new>
#include <string>

#include "cli_parse.hpp"

namespace sfl_cli {

/** A program as its main() presents it. */
struct Program {
    const char *name;              // "sfl-export", the start of every error line
    const char *usage;             // the --help text
    int usage_status = 1;          // exit status of a UsageError (any other failure is 1)
    const char *error_prefix = ""; // before every error message ("error: " in sfl-encode)
};

/** s with its line breaks (file names may hold them) turned into spaces. */
inline std::string one_line(std::string s) {
    for (char &c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return s;
}

/** fn()'s exit status. If it throws HelpRequest: the usage on stdout, 0. Else the message
 *  on one stderr line and the exit status: p.usage_status for a UsageError, 1 for anything
 *  else ("out of memory" for bad_alloc). */
template <class Fn> int run_main(const Program &p, Fn &&fn) {
    auto report = [&](const std::string &what) {
        std::fprintf(stderr, "%s: %s%s\n", p.name, p.error_prefix, one_line(what).c_str());
    };
    try {
        return fn();
    } catch (const HelpRequest &) {
        std::fputs(p.usage, stdout);
        return 0;
    } catch (const UsageError &e) {
        report(e.what());
        return p.usage_status;
    } catch (const std::bad_alloc &) {
        report("out of memory");
    } catch (const std::exception &e) {
        report(e.what());
    }
    return 1;
}

} // namespace sfl_cli
