// The summary lines of sfl-export.
#include "summary.hpp"

#include "model_info.hpp"

namespace sfl_export {
namespace {

std::string layer_details(const sfl_model_layer &l) {
    const auto g = l.geom;
    switch (l.kind) {
    case SFL_MODEL_CONV2D:
        return "kernel " + std::to_string(g.kernel.h) + "x" + std::to_string(g.kernel.w) + ", stride " +
               std::to_string(g.stride.h) + "x" + std::to_string(g.stride.w) + ", pad " + std::to_string(g.padding.h) +
               "x" + std::to_string(g.padding.w);
    case SFL_MODEL_MAXPOOL2D:
        return "window " + std::to_string(g.kernel.h) + "x" + std::to_string(g.kernel.w) + ", stride " +
               std::to_string(g.stride.h) + "x" + std::to_string(g.stride.w);
    case SFL_MODEL_CSF:
    case SFL_MODEL_SF: {
        char buf[96];
        std::snprintf(buf, sizeof buf, "P %dx%d, l1 %g, l2 %g, %s", int(dict_rows(l)), int(l.out.c), double(l.enet.l1),
                      double(l.enet.l2), l.enet.solver == SFL_ENET_CD ? "cd" : "lars");
        return buf;
    }
    case SFL_MODEL_L2NORM: {
        char buf[64];
        std::snprintf(buf, sizeof buf, "to norm %g (eps %g)", double(l.norm.scale), double(l.norm.eps));
        return buf;
    }
    default: return "";
    }
}

} // namespace

void print_model(std::FILE *f, const std::string &path, const sfl::LoadedModel &lm) {
    const sfl_model &m = lm.model();
    std::fprintf(f, "%s: %d layers, in %s, out %s, %zu bytes (%s)\n", path.c_str(), int(m.n_layers),
                 model_shape_str(m.in).c_str(), model_shape_str(m.out).c_str(), lm.blob_bytes(),
                 lm.had_plans() ? "plans stored" : "no plans: built here");
    for (int32_t i = 0; i < m.n_layers; ++i) {
        const sfl_model_layer &l = m.layers[i];
        const std::string shapes = model_shape_str(l.in) + " -> " + model_shape_str(l.out);
        const std::string details = layer_details(l);
        std::fprintf(f, "  %2d %-9s %s%s%s\n", int(i), model_kind_name(l.kind).c_str(), shapes.c_str(),
                     details.empty() ? "" : std::string(shapes.size() < 22 ? 22 - shapes.size() : 1, ' ').c_str(),
                     details.c_str());
    }
}

void print_header(std::FILE *f, const std::string &path, const std::string &name, const HeaderSizes &s) {
    std::fprintf(f, "wrote %s (%s_model): %zu const bytes, workspace %zu bytes, plans to build %zu bytes\n",
                 path.c_str(), name.c_str(), s.const_bytes, s.workspace_bytes, s.plan_bytes);
}

void print_blob(std::FILE *f, const std::string &path, size_t bytes, bool plans, const HeaderSizes &s) {
    std::fprintf(f, "wrote %s: %zu bytes, %s; workspace %zu bytes, plans to build %zu bytes\n", path.c_str(), bytes,
                 plans ? "with plans" : "without plans", s.workspace_bytes, s.plan_bytes);
}

} // namespace sfl_export
