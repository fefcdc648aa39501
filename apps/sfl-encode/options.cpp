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
    "                  [--positive] [--tol T] [--max-iter N] [--threads N] [--json FILE]\n"
    "                  [--progress | --no-progress]\n"
    "       sfl-encode --model M.sflm --input IMAGES --output F.npy [--layers K] [--threads N] [--json FILE]\n"
    "                  [--progress | --no-progress]\n"
    "\n"
    "With --dict: elastic-net sparse codes of the rows of X over the dictionary P:\n"
    "  a_i = argmin_a 1/2 ||x_i - P a||^2 + l1 ||a||_1 + l2/2 ||a||^2\n"
    "\n"
    "  --dict P.npy     dictionary, float32 or float64, shape (m, K), C order; atoms are columns\n"
    "  --input X.npy    signals, float32 or float64, shape (N, m), C order; one signal per row\n"
    "  --output A.npy   codes, written as float32 (N, K), C order, only when everything succeeded\n"
    "  --l1 L1          L1 weight, >= 0\n"
    "  --l2 L2          L2 weight, >= 0\n"
    "  --solver S       lars (LARS-EN homotopy) or cd (coordinate descent)\n"
    "  --positive       non-negative codes: the same objective over a >= 0 (SPAMS pos=True,\n"
    "                   scikit-learn positive=True); the worst KKT is then the one-sided one\n"
    "  --tol T          cd: relative duality-gap tolerance in (0, 1) (default 1e-6)\n"
    "  --max-iter N     LARS steps / CD sweeps per signal, 0 = library default (default 0)\n"
    "\n"
    "With --model: features of images from the first layers of a model (sfl-train's\n"
    "--model file, OUT/model.sflm by default), by default the CSF extractor: every layer up\n"
    "to and including the first SF or CSF layer. l1, l2 and the solver are the model's\n"
    "(--l1, --l2, --solver, --positive, --tol and --max-iter are refused).\n"
    "\n"
    "  --model M.sflm   model file (instead of --dict)\n"
    "  --layers K       run the first K layers instead (1 .. the model's layer count)\n"
    "  --input IMAGES   images of the model's input shape h x w x c, one of:\n"
    "                   .npy float32/float64 (N, h*w*c), (N, h, w, c), or (N, h, w) when c = 1;\n"
    "                   idx image file (MNIST format, uint8, c = 1), scaled by 1/255 as in\n"
    "                   sfl-train. The format is told by the first bytes: the .npy magic\n"
    "                   \\x93NUMPY, or the idx magic 00 00 08 03 (the file name does not matter)\n"
    "  --output F.npy   float32 outputs of the last layer run, (N, oh, ow, c), or (N, c) when\n"
    "                   that layer gives 1 x 1 x c; only when everything succeeded\n"
    "\n"
    "Both:\n"
    "  --threads N      worker threads (default: hardware concurrency); the output does not\n"
    "                   depend on N\n"
    "  --json FILE      also write the summary as one JSON object to FILE; - : to stdout,\n"
    "                   instead of the summary for people\n"
    "  --progress       progress on stderr from the start: on a terminal one line redrawn in\n"
    "                   place, else a line each tenth of the rows (rows done, elapsed, time\n"
    "                   left); by default it shows for 10,000 signals or more (1,000 images\n"
    "                   with --model), once the run has taken a second\n"
    "  --no-progress    no progress\n"
    "  -h, --help       print this help\n"
    "\n"
    "Prints signals/s (encode only), mean objective, mean support size, worst KKT residual\n"
    "and how many signals hit the iteration bound; with --model: the layers run and their\n"
    "shapes, samples/s (forward only) and how many samples hit the iteration bound.\n"
    "Exit status: 0 success; 1 error (one line \"sfl-encode: error: ...\" on stderr, no output\n"
    "file written); 2 usage error (bad command line; nothing read or written); 3 output\n"
    "written but some signals or samples failed (see the warning on stderr).\n";

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
         have_threads = false, have_layers = false, have_positive = false,
         have_progress = false;

    for (int i = 1; i < argc; ++i) {
        const sfl_cli::FlagArg f = sfl_cli::read_flag(argv[i]);
        const std::string &arg = f.flag;
        // The switches; every other option takes a value.
        if (flag_is(arg, "--positive")) {
            if (f.inline_value) throw UsageError("--positive takes no value");
            if (have_positive) throw UsageError("--positive given twice");
            have_positive = true;
            o.params.positive = 1;
            continue;
        }
        if (flag_is(arg, "--progress") || flag_is(arg, "--no-progress")) {
            if (f.inline_value) throw UsageError(arg + " takes no value");
            if (have_progress) throw UsageError("--progress and --no-progress: give at most one, once");
            have_progress = true;
            o.progress = flag_is(arg, "--progress") ? ProgressWhen::always : ProgressWhen::never;
            continue;
        }
        std::string *text_target = nullptr;
        bool *seen = nullptr;
        if (flag_is(arg, "--dict")) text_target = &o.dict;
        else if (flag_is(arg, "--json")) text_target = &o.json;
        else if (flag_is(arg, "--model")) text_target = &o.model;
        else if (flag_is(arg, "--input")) text_target = &o.input;
        else if (flag_is(arg, "--output")) text_target = &o.output;
        else if (flag_is(arg, "--l1")) seen = &have_l1;
        else if (flag_is(arg, "--l2")) seen = &have_l2;
        else if (flag_is(arg, "--solver")) seen = &have_solver;
        else if (flag_is(arg, "--tol")) seen = &have_tol;
        else if (flag_is(arg, "--max-iter")) seen = &have_iter;
        else if (flag_is(arg, "--threads")) seen = &have_threads;
        else if (flag_is(arg, "--layers")) seen = &have_layers;
        else throw UsageError("unknown option '" + arg + "' (see --help)");

        const std::string value = sfl_cli::flag_value(f, argc, argv, i);
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
        } else if (arg == "--layers") {
            o.layers = static_cast<int32_t>(parse_int(arg, value, 1, SFL_MODEL_MAX_LAYERS));
        }
    }

    if (!o.model.empty()) {
        // The model fixes the elastic-net settings of its layers (a model is self-contained: docs/model-format.md).
        if (!o.dict.empty()) throw UsageError("--dict and --model are mutually exclusive (see --help)");
        const char *fixed = have_l1        ? "--l1"
                            : have_l2      ? "--l2"
                            : have_solver  ? "--solver"
                            : have_positive ? "--positive"
                            : have_tol     ? "--tol"
                            : have_iter    ? "--max-iter"
                                           : nullptr;
        if (fixed)
            throw UsageError(std::string(fixed) +
                             " cannot be used with --model: the model fixes l1, l2 and the solver of its layers");
        const char *missing = o.input.empty() ? "--input" : o.output.empty() ? "--output" : nullptr;
        if (missing) throw UsageError(std::string("missing required option ") + missing + " (see --help)");
        return o;
    }
    if (have_layers) throw UsageError("--layers needs --model (see --help)");
    const char *missing = o.dict.empty()     ? "--dict (or --model)"
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
