#include "cli_parse.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace sfl_cli {

FlagArg split_flag(const std::string &arg) {
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0)
        throw UsageError("unexpected argument '" + arg + "' (options start with --; see --help)");
    FlagArg f;
    const size_t eq = arg.find('=');
    f.flag = arg.substr(0, eq);
    if (eq != std::string::npos) {
        f.value = arg.substr(eq + 1);
        f.inline_value = true;
    }
    return f;
}

FlagArg read_flag(const std::string &arg) {
    if (arg == "-h" || arg == "--help") throw HelpRequest{};
    return split_flag(arg);
}

std::string flag_value(const FlagArg &f, int argc, const char *const *argv, int &i) {
    if (f.inline_value) return f.value;
    if (i + 1 >= argc) throw UsageError(f.flag + " needs a value");
    const std::string next = argv[i + 1];
    if (next.size() > 2 && next.compare(0, 2, "--") == 0)
        throw UsageError(f.flag + " needs a value, got the option '" + next + "'");
    ++i;
    return next;
}

void refuse_value(const FlagArg &f) {
    if (f.inline_value) throw UsageError(f.flag + " takes no value");
}

double parse_real(const std::string &flag, const std::string &text) {
    errno = 0;
    char *end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(v))
        throw UsageError(flag + " needs a finite number, got '" + text + "'");
    return v;
}

long parse_int(const std::string &flag, const std::string &text, long lo, long hi) {
    errno = 0;
    char *end = nullptr;
    const long v = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE)
        throw UsageError(flag + " needs an integer, got '" + text + "'");
    if (v < lo || v > hi)
        throw UsageError(flag + " must be in " + std::to_string(lo) + " .. " + std::to_string(hi) + ", got " + text);
    return v;
}

} // namespace sfl_cli
