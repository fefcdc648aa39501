// Command-line parsing of sfl-gradcheck: --flag value or --flag=value.
#include "options.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <vector>

namespace sfl_gradcheck {
namespace {

const char kUsage[] =
    "usage: sfl-gradcheck --layer sf|csf [--m M] [--K K] [--image HxWxC] [--patch hxw]\n"
    "                     [--stride hxw] [--pad hxw] [--n N] [--l1 L1] [--l2 L2] [--seed S]\n"
    "                     [--tol T] [--max-entries E] [--json FILE]\n"
    "\n"
    "Checks the gradients of an SF or CSF layer of the sfl library against finite\n"
    "differences computed in double precision on a random problem (Gaussian unit-norm\n"
    "atoms; SF: unit-norm Gaussian signals; CSF: images uniform in [0, 1)), with the\n"
    "supports held fixed and checked (KKT of every perturbed problem). Reports, per\n"
    "gradient, max |analytic - numeric| / max |numeric|:\n"
    "  dx, dP        of T = sum <g, a> (g Gaussian), the supervised path (mu = 0)\n"
    "  dlU/dx, dlU/dP of the unsupervised loss lU = 1/2||x - Pa||^2 + l1||a||_1 + l2/2||a||^2\n"
    "\n"
    "  --layer sf|csf   layer type (required)\n"
    "  --m M            SF signal length (default 20); CSF: m = h*w*C of the patch\n"
    "  --K K            atoms (default 10)\n"
    "  --image HxWxC    CSF image size (default 8x8x1)\n"
    "  --patch hxw      CSF patch size (default 3x3)\n"
    "  --stride hxw     CSF stride (default 1x1)\n"
    "  --pad hxw        CSF zero padding (default 0x0)\n"
    "  --n N            samples (SF) or images (CSF) in the batch (default 2)\n"
    "  --l1 L1, --l2 L2 elastic-net weights (defaults 0.1, 0.01)\n"
    "  --seed S         random seed (default 1)\n"
    "  --tol T          largest accepted relative error (default 1e-3)\n"
    "  --max-entries E  entries of x and of P differenced per gradient, at random beyond E (default 300)\n"
    "  --json FILE      also write the result as one JSON object to FILE; - : to stdout,\n"
    "                   instead of the report for people\n"
    "  -h, --help       this help\n"
    "\n"
    "Exit status: 0 every error <= tol; 1 an error > tol, a support changed under the\n"
    "perturbation (try another seed) or the library failed (one line \"sfl-gradcheck: error:\n"
    "...\" on stderr when the check could not run); 2 usage error (bad command line).\n";

using sfl_cli::parse_int;
using sfl_cli::parse_real;

// "AxB" or "AxBxC" with `count` parts, each in lo .. hi.
std::vector<int32_t> parse_shape(const std::string &flag, const std::string &text, size_t count, long lo) {
    std::vector<int32_t> parts;
    size_t start = 0;
    while (true) {
        const size_t x = text.find('x', start);
        parts.push_back(int32_t(parse_int(flag, text.substr(start, x - start), lo, 4096)));
        if (x == std::string::npos) break;
        start = x + 1;
    }
    if (parts.size() != count)
        throw UsageError(flag + " needs " + (count == 2 ? "AxB" : "AxBxC") + ", got '" + text + "'");
    return parts;
}

} // namespace

const char *usage() { return kUsage; }

Options parse_options(int argc, const char *const *argv) {
    Options o;
    bool have_layer = false;
    for (int i = 1; i < argc; ++i) {
        const sfl_cli::FlagArg f = sfl_cli::read_flag(argv[i]);
        const std::string &arg = f.flag;
        sfl_cli::FlagValue value(f, argc, argv, i);
        if (arg == "--layer") {
            if (value() != "sf" && value() != "csf")
                throw UsageError("--layer must be sf or csf, got '" + value() + "'");
            o.csf = value() == "csf";
            have_layer = true;
        } else if (arg == "--m") {
            o.m = int32_t(parse_int(arg, value(), 1, 4096));
        } else if (arg == "--K") {
            o.K = int32_t(parse_int(arg, value(), 1, 4096));
        } else if (arg == "--n") {
            o.n = int32_t(parse_int(arg, value(), 1, 1024));
        } else if (arg == "--image") {
            const auto s = parse_shape(arg, value(), 3, 1);
            o.image = sfl_dims4{o.n, s[0], s[1], s[2]};
        } else if (arg == "--patch") {
            const auto s = parse_shape(arg, value(), 2, 1);
            o.patch.kernel = sfl_tile{s[0], s[1]};
        } else if (arg == "--stride") {
            const auto s = parse_shape(arg, value(), 2, 1);
            o.patch.stride = sfl_tile{s[0], s[1]};
        } else if (arg == "--pad") {
            const auto s = parse_shape(arg, value(), 2, 0);
            o.patch.padding = sfl_tile{s[0], s[1]};
        } else if (arg == "--l1" || arg == "--l2") {
            const double v = parse_real(arg, value());
            if (v < 0.0 || v > 1e30) throw UsageError(arg + " must be >= 0, got " + value());
            (arg == "--l1" ? o.l1 : o.l2) = float(v);
        } else if (arg == "--seed") {
            o.seed = unsigned(parse_int(arg, value(), 0, 2147483647L));
        } else if (arg == "--tol") {
            o.tol = parse_real(arg, value());
            if (!(o.tol > 0.0)) throw UsageError("--tol must be > 0, got " + value());
        } else if (arg == "--max-entries") {
            o.max_entries = parse_int(arg, value(), 1, 100000000L);
        } else if (arg == "--json") {
            if (value().empty()) throw UsageError("--json needs a file name (or - for stdout)");
            o.json = value();
        } else {
            throw UsageError("unknown option '" + arg + "' (see --help)");
        }
    }
    if (!have_layer) throw UsageError("--layer sf|csf is required (see --help)");
    o.image.n = o.n;
    if (o.csf) {
        sfl_dims4 cols{};
        if (sfl_patch_out_dims(&o.patch, &o.image, &cols) != SFL_OK)
            throw UsageError("--patch/--stride/--pad do not fit --image (padding must be < patch, patch <= padded image)");
    }
    return o;
}

} // namespace sfl_gradcheck
