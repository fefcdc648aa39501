// Command-line parsing of sfl-encode: --flag value or --flag=value, every
// value checked here so that the library sees only valid parameters.
#include "options.hpp"

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>

namespace sfl_encode {
namespace {

const char kUsage[] =
    "usage: sfl-encode --dict P.npy --input X.npy --output A.npy --l1 L1 --l2 L2 --solver lars|cd\n"
    "                  [--tol T] [--max-iter N] [--threads N] [--json]\n"
    "\n"
    "Elastic-net sparse codes of the rows of X over the dictionary P:\n"
    "  a_i = argmin_a 1/2 ||x_i - P a||^2 + l1 ||a||_1 + l2/2 ||a||^2\n"
    "\n"
    "  --dict P.npy     dictionary, float32 or float64, shape (m, K), C order; atoms are columns\n"
    "  --input X.npy    signals, float32 or float64, shape (N, m), C order; one signal per row\n"
    "  --output A.npy   codes, written as float32 (N, K), C order, only when everything succeeded\n"
    "  --l1 L1          L1 weight, >= 0\n"
    "  --l2 L2          L2 weight, >= 0\n"
    "  --solver S       lars (LARS-EN homotopy) or cd (coordinate descent)\n"
    "  --tol T          cd: relative duality-gap tolerance in (0, 1) (default 1e-6)\n"
    "  --max-iter N     LARS steps / CD sweeps per signal, 0 = library default (default 0)\n"
    "  --threads N      worker threads (default: hardware concurrency)\n"
    "  --json           print the summary as one JSON object\n"
    "  -h, --help       print this help\n"
    "\n"
    "Prints signals/s (encode only), mean objective, mean support size, worst KKT residual\n"
    "and how many signals hit the iteration bound.\n"
    "Exit status: 0 success; 1 error (one line on stderr, no output file written);\n"
    "2 output written but some signals failed (see the warning on stderr).\n";

bool flag_is(const std::string &arg, const char *name) { return arg == name; }

using sfl_cli::parse_int;
using sfl_cli::parse_real;

float parse_weight(const std::string &flag, const std::string &text) {
    const double v = parse_real(flag, text);
    if (v < 0.0) throw UsageError(flag + " must be >= 0, got " + text);
    if (v > 3.0e38) throw UsageError(flag + " is too large for float32: " + text);
    return static_cast<float>(v);
}

} // namespace

const char *usage() { return kUsage; }

const char *solver_name(sfl_enet_solver s) { return s == SFL_ENET_CD ? "cd" : "lars"; }

Options parse_options(int argc, const char *const *argv) {
    Options o;
    o.params = sfl_enet_default_params();
    bool have_l1 = false, have_l2 = false, have_solver = false, have_tol = false, have_iter = false,
         have_threads = false;

    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            o.help = true;
            return o;
        }
        const sfl_cli::FlagArg f = sfl_cli::split_flag(arg);
        arg = f.flag;
        std::string value = f.value;
        const bool inline_value = f.inline_value;
        if (flag_is(arg, "--json")) {
            if (inline_value) throw UsageError("--json takes no value");
            o.json = true;
            continue;
        }

        // Every other option takes a value.
        std::string *text_target = nullptr;
        bool *seen = nullptr;
        if (flag_is(arg, "--dict")) text_target = &o.dict;
        else if (flag_is(arg, "--input")) text_target = &o.input;
        else if (flag_is(arg, "--output")) text_target = &o.output;
        else if (flag_is(arg, "--l1")) seen = &have_l1;
        else if (flag_is(arg, "--l2")) seen = &have_l2;
        else if (flag_is(arg, "--solver")) seen = &have_solver;
        else if (flag_is(arg, "--tol")) seen = &have_tol;
        else if (flag_is(arg, "--max-iter")) seen = &have_iter;
        else if (flag_is(arg, "--threads")) seen = &have_threads;
        else throw UsageError("unknown option '" + arg + "' (see --help)");

        if (!inline_value) {
            if (i + 1 >= argc) throw UsageError(arg + " needs a value");
            value = argv[++i];
        }
        if (text_target) {
            if (!text_target->empty()) throw UsageError(arg + " given twice");
            if (value.empty()) throw UsageError(arg + " needs a file name");
            *text_target = value;
            continue;
        }
        if (*seen) throw UsageError(arg + " given twice");
        *seen = true;

        if (arg == "--l1") o.params.l1 = parse_weight(arg, value);
        else if (arg == "--l2") o.params.l2 = parse_weight(arg, value);
        else if (arg == "--solver") {
            if (value == "lars") o.params.solver = SFL_ENET_LARS;
            else if (value == "cd") o.params.solver = SFL_ENET_CD;
            else throw UsageError("unknown solver '" + value + "' (use lars or cd)");
        } else if (arg == "--tol") {
            const double t = parse_real(arg, value);
            if (!(t > 0.0 && t < 1.0)) throw UsageError("--tol must be in (0, 1), got " + value);
            o.params.tol = static_cast<float>(t);
        } else if (arg == "--max-iter") {
            o.params.max_iter = static_cast<int32_t>(parse_int(arg, value, 0, INT32_MAX));
        } else if (arg == "--threads") {
            o.threads = static_cast<unsigned>(parse_int(arg, value, 1, 4096));
        }
    }

    const char *missing = o.dict.empty()     ? "--dict"
                          : o.input.empty()  ? "--input"
                          : o.output.empty() ? "--output"
                          : !have_l1         ? "--l1"
                          : !have_l2         ? "--l2"
                          : !have_solver     ? "--solver"
                                             : nullptr;
    if (missing) throw UsageError(std::string("missing required option ") + missing + " (see --help)");
    return o;
}

} // namespace sfl_encode
