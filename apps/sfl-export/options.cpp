// Command-line parsing of sfl-export: --flag value or --flag=value; every value
// checked here.
#include "options.hpp"

namespace sfl_export {
namespace {

const char kUsage[] =
    "usage: sfl-export --model MODEL.sflm [--header OUT.h] [--name NAME] [--blob OUT.sflm] [--no-plans]\n"
    "                  [--quiet]\n"
    "\n"
    "Reads a model blob (include/sfl/sfl_model.h; sfl-train writes it, OUT/model.sflm by default),\n"
    "checks it completely, and writes it for a device:\n"
    "\n"
    "  --model FILE     the model blob to read (required)\n"
    "  --header OUT.h   a C header for firmware: the weights, biases and (unless --no-plans) the\n"
    "                   SF/CSF plans as static const arrays (64-byte aligned, floats as exact C99\n"
    "                   hexadecimal literals, plans as uint32_t words in this machine's byte order:\n"
    "                   for little-endian targets), a static const sfl_model NAME_model, and\n"
    "                   NAME_IN_*, NAME_OUT_*, NAME_N_LAYERS, NAME_WORKSPACE_BYTES (workspace of\n"
    "                   sfl_model_forward for one image, as SFL_MODEL_FORWARD_WORKSPACE_BYTES of\n"
    "                   NAME_ACT_FLOATS and NAME_LAYER_WORKSPACE_BYTES), NAME_PLAN_BYTES (memory for\n"
    "                   sfl_model_build_plans: 0 when the plans are in the header), NAME_CONST_BYTES\n"
    "                   (bytes of the arrays) macros (NAME in upper case). Compiles as C99 and C++17\n"
    "                   with GCC or Clang.\n"
    "  --name NAME      prefix of the header's identifiers, a C identifier (default sfl_net)\n"
    "  --blob OUT.sflm  the model blob again, with the plans (built here when MODEL had none) or,\n"
    "                   with --no-plans, without (smaller; the device builds them)\n"
    "  --no-plans       leave the plans out of the header and the blob\n"
    "  --quiet          no summary on stdout\n"
    "  -h, --help       this help\n"
    "\n"
    "Outputs are written atomically (complete or not at all). The summary gives the layers,\n"
    "the input and output shapes, and the const, workspace and plan bytes.\n"
    "Exit status: 0 success; 1 error (one line \"sfl-export: error: ...\" on stderr: a missing,\n"
    "corrupt or invalid model, or an output that cannot be written); 2 usage error (bad option\n"
    "or NAME, no model or no output asked for).\n";

} // namespace

const char *usage() { return kUsage; }

bool is_c_identifier(const std::string &s) {
    if (s.empty()) return false;
    auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (!alpha(s[0])) return false;
    for (char c : s)
        if (!alpha(c) && !digit(c)) return false;
    return true;
}

Options parse_options(int argc, const char *const *argv) {
    Options o;
    bool have_name = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (!a.empty() && a[0] != '-') // sfl-export MODEL.sflm, the spelling before --model
            throw UsageError("unexpected argument '" + a + "': give the model file with --model FILE");
        const sfl_cli::FlagArg f = sfl_cli::read_flag(a);
        const std::string &arg = f.flag;
        if (arg == "--no-plans" || arg == "--quiet") {
            sfl_cli::refuse_value(f);
            if (arg == "--quiet") o.quiet = true;
            else o.plans = false;
            continue;
        }
        std::string *target = arg == "--model"    ? &o.model
                              : arg == "--header" ? &o.header
                              : arg == "--blob"   ? &o.blob
                              : arg == "--name"   ? &o.name
                                                  : nullptr;
        if (!target) throw UsageError("unknown option '" + arg + "' (see --help)");
        const std::string value = sfl_cli::flag_value(f, argc, argv, i);
        if (arg == "--name") {
            if (have_name) throw UsageError("--name given twice");
            have_name = true;
        } else {
            if (!target->empty()) throw UsageError(arg + " given twice");
            if (value.empty()) throw UsageError(arg + " needs a file name");
        }
        *target = value;
    }
    if (!is_c_identifier(o.name))
        throw UsageError("--name must be a C identifier ([A-Za-z_][A-Za-z0-9_]*), got '" + o.name + "'");
    if (o.model.empty()) throw UsageError("no model file given: --model FILE is required (see --help)");
    if (o.header.empty() && o.blob.empty()) throw UsageError("nothing to write: give --header and/or --blob");
    return o;
}

} // namespace sfl_export
