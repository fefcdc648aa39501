// The C header sfl-export writes: exact floats (C99 hexadecimal literals), plans
// as uint32_t words (plans are position independent: lib/kernels/enet/plan.hpp),
// and a positional sfl_model initializer, valid as C99 and as C++ (designated
// initializers of this kind are C++20 only).
#include "c_header.hpp"

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "model_info.hpp"
#include "sfl/sfl.hpp"

namespace sfl_export {
namespace {

// Every array: SFL_WORKSPACE_ALIGN aligned (plans must be), no warning when unused.
constexpr const char kArrayAttr[] = "__attribute__((aligned(64), unused))";

std::string upper(const std::string &s) {
    std::string u = s;
    for (char &c : u) c = char(std::toupper(static_cast<unsigned char>(c)));
    return u;
}

/** The text of a comment: no comment terminator, no line break. */
std::string comment_safe(std::string s) {
    for (char &c : s)
        if (c == '\n' || c == '\r') c = ' ';
    for (size_t p; (p = s.find("*/")) != std::string::npos;) s.replace(p, 2, "* /");
    return s;
}

/** v as an exact C float literal: "%a" of the (exact) double plus the f suffix. */
void append_float(std::string &out, float v) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%af", double(v));
    out += buf;
}

void append_define(std::string &out, const std::string &up, const char *what, size_t value) {
    out += "#define " + up + "_" + what + " " + std::to_string(value) + "\n";
}

/** static const float NAME[count] = { ... }; 6 values a line. */
void append_float_array(std::string &out, const std::string &ident, const float *v, size_t count) {
    out += "static const float " + ident + "[" + std::to_string(count) + "] " + kArrayAttr + " = {\n";
    for (size_t i = 0; i < count; ++i) {
        out += i % 6 == 0 ? "    " : " ";
        append_float(out, v[i]);
        out += ',';
        if (i % 6 == 5 || i + 1 == count) out += '\n';
    }
    out += "};\n";
}

/** The plan's bytes as uint32_t words in this machine's byte order; 8 words a line. */
void append_plan_array(std::string &out, const std::string &ident, const void *plan, size_t bytes) {
    const size_t words = bytes / 4; // plan sizes are multiples of SFL_WORKSPACE_ALIGN
    out += "static const uint32_t " + ident + "[" + std::to_string(words) + "] " + kArrayAttr + " = {\n";
    const unsigned char *p = static_cast<const unsigned char *>(plan);
    char buf[16];
    for (size_t i = 0; i < words; ++i) {
        uint32_t w;
        std::memcpy(&w, p + 4 * i, 4);
        std::snprintf(buf, sizeof buf, "0x%08" PRIx32 ",", w);
        out += i % 8 == 0 ? "    " : " ";
        out += buf;
        if (i % 8 == 7 || i + 1 == words) out += '\n';
    }
    out += "};\n";
}

std::string dims(const sfl_dims4 &d) {
    return "{ " + std::to_string(d.n) + ", " + std::to_string(d.h) + ", " + std::to_string(d.w) + ", " +
           std::to_string(d.c) + " }";
}

std::string tile(const sfl_tile &t) { return "{ " + std::to_string(t.h) + ", " + std::to_string(t.w) + " }"; }

const char *kind_constant(int32_t kind) {
    switch (kind) {
    case SFL_MODEL_CONV2D: return "SFL_MODEL_CONV2D";
    case SFL_MODEL_CSF: return "SFL_MODEL_CSF";
    case SFL_MODEL_MAXPOOL2D: return "SFL_MODEL_MAXPOOL2D";
    case SFL_MODEL_RELU: return "SFL_MODEL_RELU";
    case SFL_MODEL_LINEAR: return "SFL_MODEL_LINEAR";
    case SFL_MODEL_L2NORM: return "SFL_MODEL_L2NORM";
    default: return "SFL_MODEL_SF";
    }
}

/** Positional initializer of sfl_l2norm_params {scale, eps}. */
std::string norm(const sfl_l2norm_params &p) {
    std::string s = "{ ";
    append_float(s, p.scale);
    s += ", ";
    append_float(s, p.eps);
    return s + " }";
}

/** Positional initializer of sfl_enet_params {l1, l2, tol, max_iter, solver, lanes, positive}. */
std::string enet(const sfl_enet_params &p) {
    std::string s = "{ ";
    append_float(s, p.l1);
    s += ", ";
    append_float(s, p.l2);
    s += ", ";
    append_float(s, p.tol);
    s += ", " + std::to_string(p.max_iter) + ", " + (p.solver == SFL_ENET_CD ? "SFL_ENET_CD" : "SFL_ENET_LARS") + ", " +
         std::to_string(p.lanes) + ", " + // 0 as loaded: the firmware's smallest workspace
         std::to_string(p.positive) + " }";
    return s;
}

// The forward workspace of one layer for one image, from the headers' compile-time
// macros (what SFL_MODEL_FORWARD_WORKSPACE_BYTES is made of).
size_t layer_workspace_macro(const sfl_model_layer &l) {
    const size_t K = size_t(l.out.c);
    const size_t patch = size_t(l.geom.kernel.h) * size_t(l.geom.kernel.w) * size_t(l.in.c);
    const size_t solver =
        l.enet.solver == SFL_ENET_CD ? SFL_ENET_CD_WORKSPACE_BYTES(K) : SFL_ENET_LARS_WORKSPACE_BYTES(K);
    switch (l.kind) {
    case SFL_MODEL_CONV2D: return SFL_CONV2D_FORWARD_WORKSPACE_BYTES_FOR(patch, size_t(l.out.h) * size_t(l.out.w));
    case SFL_MODEL_CSF: return SFL_CSF_FORWARD_WORKSPACE_BYTES(patch, K, solver);
    case SFL_MODEL_SF: return SFL_SF_FORWARD_WORKSPACE_BYTES(K, solver);
    default: return 0;
    }
}

} // namespace

HeaderSizes header_sizes(const sfl_model &model) {
    HeaderSizes s;
    sfl::check(sfl_model_check(&model), "sfl_model_check");
    sfl::check(sfl_model_forward_workspace_size(&model, 1, &s.workspace_bytes), "sfl_model_forward_workspace_size");
    for (int32_t i = 0; i < model.n_layers; ++i) {
        const sfl_model_layer &l = model.layers[i];
        const size_t out = size_t(l.out.h) * size_t(l.out.w) * size_t(l.out.c);
        if (i + 1 < model.n_layers && out > s.act_floats) s.act_floats = out;
        s.layer_ws = std::max(s.layer_ws, layer_workspace_macro(l));
    }
    // The header states the size through the macro; it must be the query's number.
    if (SFL_MODEL_FORWARD_WORKSPACE_BYTES(model.n_layers, s.act_floats, s.layer_ws, 1) != s.workspace_bytes)
        throw std::logic_error("SFL_MODEL_FORWARD_WORKSPACE_BYTES disagrees with sfl_model_forward_workspace_size");
    sfl::check(sfl_model_plans_size(&model, &s.plan_bytes), "sfl_model_plans_size");
    s.const_bytes = const_bytes(model);
    return s;
}

std::string c_header(const sfl_model &m, const std::string &name, const std::string &source) {
    const HeaderSizes sz = header_sizes(m);
    const std::string up = upper(name);
    std::string out;
    out.reserve(64 + 18 * (sz.const_bytes / 4));
    out += "/* generated by sfl-export from " + comment_safe(source) + "; do not edit */\n";
    out += "/* " + name + "_model: " + std::to_string(m.n_layers) + " layers, in " + model_shape_str(m.in) + ", out " +
           model_shape_str(m.out) + ". Its layers (sfl_model.h):\n";
    for (int32_t i = 0; i < m.n_layers; ++i)
        out += " *   " + std::to_string(i) + ": " + model_kind_name(m.layers[i].kind) + " " + model_shape_str(m.layers[i].in) +
               " -> " + model_shape_str(m.layers[i].out) + "\n";
    out += " *\n"
           " * Floats are C99 hexadecimal literals (exact; C++ needs C++17). Plans are uint32_t words in\n"
           " * the byte order of the machine that ran sfl-export (little-endian): for little-endian\n"
           " * targets. Every array is 64-byte aligned (SFL_WORKSPACE_ALIGN), which needs GCC or Clang.\n"
           " * Include this header in one translation unit: its arrays are static, each includer that\n"
           " * uses the model gets a copy.\n"
           " *\n"
           " * Use (one image of " + up + "_IN_SIZE floats, HWC, to " + up + "_OUT_SIZE outputs):\n"
           " *   static unsigned char ws_mem[" + up + "_WORKSPACE_BYTES] __attribute__((aligned(64)));\n"
           " *   sfl_workspace ws = { ws_mem, sizeof ws_mem };\n"
           " *   sfl_model_forward(&ws, &" + name + "_model, 1, image, out);\n"
           " * When " + up + "_PLAN_BYTES > 0 (exported with --no-plans) build the plans in RAM first:\n"
           " *   static unsigned char plan_mem[" + up + "_PLAN_BYTES] __attribute__((aligned(64)));\n"
           " *   sfl_model model = " + name + "_model;\n"
           " *   sfl_model_build_plans(&model, plan_mem, sizeof plan_mem);  then use &model.\n"
           " */\n";
    out += "#ifndef " + up + "_H\n#define " + up + "_H\n\n#include <sfl/sfl.h>\n\n";
    out += "#if !defined(__GNUC__)\n#error \"" + up +
           "_H: the arrays need __attribute__((aligned(64))) (GCC or Clang)\"\n#endif\n";
    out += "#if SFL_MODEL_MAX_LAYERS < " + std::to_string(m.n_layers) + "\n#error \"" + up + "_H: this sfl holds " +
           "fewer layers than the model\"\n#endif\n";
    out += "\n";
    append_define(out, up, "IN_H", size_t(m.in.h));
    append_define(out, up, "IN_W", size_t(m.in.w));
    append_define(out, up, "IN_C", size_t(m.in.c));
    append_define(out, up, "IN_SIZE", size_t(m.in.h) * size_t(m.in.w) * size_t(m.in.c));
    append_define(out, up, "OUT_H", size_t(m.out.h));
    append_define(out, up, "OUT_W", size_t(m.out.w));
    append_define(out, up, "OUT_C", size_t(m.out.c));
    append_define(out, up, "OUT_SIZE", size_t(m.out.h) * size_t(m.out.w) * size_t(m.out.c));
    append_define(out, up, "N_LAYERS", size_t(m.n_layers));
    out += "/* workspace of sfl_model_forward() for one image (== sfl_model_forward_workspace_size(model, 1) = " +
           std::to_string(sz.workspace_bytes) + "): the largest output that lands in the workspace\n"
           " * (floats per image), the largest layer workspace, and the library's macro of the two */\n";
    append_define(out, up, "ACT_FLOATS", sz.act_floats);
    append_define(out, up, "LAYER_WORKSPACE_BYTES", sz.layer_ws);
    out += "#define " + up + "_WORKSPACE_BYTES SFL_MODEL_FORWARD_WORKSPACE_BYTES(" + up + "_N_LAYERS, " + up +
           "_ACT_FLOATS, " + up + "_LAYER_WORKSPACE_BYTES, 1)\n";
    out += "/* memory sfl_model_build_plans() needs: 0 when the plans are in this header */\n";
    append_define(out, up, "PLAN_BYTES", sz.plan_bytes);
    out += "/* bytes of the const arrays below (flash) */\n";
    append_define(out, up, "CONST_BYTES", sz.const_bytes);

    std::string layers;
    for (int32_t i = 0; i < m.n_layers; ++i) {
        const sfl_model_layer &l = m.layers[i];
        const std::string base = name + "_layer" + std::to_string(i);
        out += "\n/* layer " + std::to_string(i) + ": " + model_kind_name(l.kind) + " */\n";
        std::string weight = "NULL", bias = "NULL", plan = "NULL";
        if (const size_t n = weight_floats(l)) {
            append_float_array(out, base + "_weight", l.weight, n);
            weight = base + "_weight";
        }
        if (const size_t n = bias_floats(l)) {
            append_float_array(out, base + "_bias", l.bias, n);
            bias = base + "_bias";
        }
        if (const size_t n = plan_bytes(l)) {
            append_plan_array(out, base + "_plan", l.plan, n);
            plan = "(const sfl_enet_plan *)" + base + "_plan";
        }
        layers += "        { /* " + std::to_string(i) + ": " + model_kind_name(l.kind) + " */\n          " +
                  kind_constant(l.kind) + ", " + dims(l.in) + ", " + dims(l.out) + ",\n          { " +
                  tile(l.geom.kernel) + ", " + tile(l.geom.stride) + ", " + tile(l.geom.padding) + " },\n          " +
                  enet(l.enet) + ",\n          " + weight + ", " + bias + ", " + plan + ", " + norm(l.norm) + " },\n";
    }
    out += "\n/* the model: n_layers, in, out, layers (positional: valid C99 and C++) */\n";
    out += "static const sfl_model " + name + "_model __attribute__((unused)) = {\n    " +
           std::to_string(m.n_layers) + ",\n    " + dims(m.in) + ",\n    " + dims(m.out) + ",\n    {\n" + layers +
           "    }\n};\n\n#endif /* " + up + "_H */\n";
    return out;
}

} // namespace sfl_export
