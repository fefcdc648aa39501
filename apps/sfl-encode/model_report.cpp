// Summary of a --model run: the layers run with their shapes and settings, the
// input and output, samples/s of the forward pass and the per-sample counts.
#include "model_report.hpp"

#include "sfl/model.hpp"

#include "inputs.hpp"
#include "json_text.hpp"

namespace sfl_encode {
namespace {

bool factorizes(int32_t kind) { return kind == SFL_MODEL_CSF || kind == SFL_MODEL_SF; }
bool patched(int32_t kind) {
    return kind == SFL_MODEL_CONV2D || kind == SFL_MODEL_CSF || kind == SFL_MODEL_MAXPOOL2D;
}

std::string dims_json(const sfl_dims4 &d) {
    return "[" + std::to_string(d.h) + ", " + std::to_string(d.w) + ", " + std::to_string(d.c) + "]";
}
std::string tile_text(const sfl_tile &t) { return std::to_string(t.h) + "x" + std::to_string(t.w); }
std::string tile_json(const sfl_tile &t) { return "[" + std::to_string(t.h) + ", " + std::to_string(t.w) + "]"; }

std::string shape_json(const std::vector<size_t> &shape) {
    std::string out = "[";
    for (size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
    return out + "]";
}

// "5x5 stride 1x1 padding 0x0, l1 = 0.1, l2 = 0.01, lars" (the parts the kind has).
std::string settings_text(const sfl_model_layer &l) {
    std::string s;
    if (patched(l.kind)) {
        s = (l.kind == SFL_MODEL_MAXPOOL2D ? "window " : "kernel ") + tile_text(l.geom.kernel) + " stride " +
            tile_text(l.geom.stride);
        if (l.kind != SFL_MODEL_MAXPOOL2D) s += " padding " + tile_text(l.geom.padding);
    }
    if (factorizes(l.kind)) {
        if (!s.empty()) s += ", ";
        char buf[96];
        std::snprintf(buf, sizeof buf, "l1 = %g, l2 = %g, %s", double(l.enet.l1), double(l.enet.l2),
                      solver_name(l.enet.solver));
        s += buf;
        if (l.enet.solver == SFL_ENET_CD) s += " (tol " + json_float(l.enet.tol) + ")";
        if (l.enet.max_iter != 0) s += " max-iter " + std::to_string(l.enet.max_iter);
    }
    return s;
}

std::string layer_json(int32_t i, const sfl_model_layer &l) {
    std::string s = "{\"layer\": " + std::to_string(i + 1) + ", \"kind\": " + json_string(sfl::model_kind_name(l.kind)) +
                    ", \"in\": " + dims_json(l.in) + ", \"out\": " + dims_json(l.out);
    if (patched(l.kind))
        s += ", \"kernel\": " + tile_json(l.geom.kernel) + ", \"stride\": " + tile_json(l.geom.stride) +
             ", \"padding\": " + tile_json(l.geom.padding);
    if (factorizes(l.kind))
        s += ", \"l1\": " + json_float(l.enet.l1) + ", \"l2\": " + json_float(l.enet.l2) + ", \"solver\": " +
             json_string(solver_name(l.enet.solver)) + ", \"tol\": " + json_float(l.enet.tol) +
             ", \"max_iter\": " + std::to_string(l.enet.max_iter);
    return s + "}";
}

} // namespace

ModelSummary summarize_model(const Options &opt, const Extractor &ex, bool plans_in_model, const ImageBatch &images,
                             const std::vector<size_t> &output_shape, const ForwardResult &r) {
    ModelSummary s;
    s.opt = &opt;
    s.ex = &ex;
    s.plans_in_model = plans_in_model;
    s.input_format = images.format;
    s.input_shape = images.shape;
    s.output_shape = output_shape;
    s.samples = images.n;
    s.threads = r.threads;
    s.seconds = r.seconds;
    s.samples_per_second = r.seconds > 0.0 ? double(images.n) / r.seconds : 0.0;
    s.not_converged = r.not_converged;
    s.errors = r.errors;
    return s;
}

void print_model_human(std::FILE *out, const ModelSummary &s) {
    const sfl_model &m = s.ex->model;
    std::fprintf(out, "model            %s (%d layers, SF/CSF plans %s)\n", s.opt->model.c_str(), int(s.ex->total),
                 s.plans_in_model ? "stored in the file" : "built at load");
    std::fprintf(out, "layers run       %d of %d (%s)\n", int(s.ex->run), int(s.ex->total),
                 s.ex->chosen ? "--layers" : "up to the first SF/CSF layer");
    for (int32_t i = 0; i < m.n_layers; ++i) {
        const sfl_model_layer &l = m.layers[i];
        const std::string settings = settings_text(l);
        std::fprintf(out, "  %2d %-11s %s -> %s%s%s\n", int(i) + 1, sfl::model_kind_name(l.kind).c_str(), sfl::model_shape_str(l.in).c_str(),
                     sfl::model_shape_str(l.out).c_str(), settings.empty() ? "" : ": ", settings.c_str());
    }
    std::fprintf(out, "input            %s: %s %s%s\n", s.opt->input.c_str(), s.input_format.c_str(),
                 shape_text(s.input_shape).c_str(), s.input_format == "idx" ? " uint8, scaled by 1/255" : "");
    std::fprintf(out, "output           %s: float32 %s\n", s.opt->output.c_str(), shape_text(s.output_shape).c_str());
    std::fprintf(out, "samples          %zu, %u thread%s\n", s.samples, s.threads, s.threads == 1 ? "" : "s");
    std::fprintf(out, "forward time     %.6g s\n", s.seconds);
    std::fprintf(out, "samples/s        %.6g\n", s.samples_per_second);
    std::fprintf(out, "not converged    %zu\n", s.not_converged);
    std::fprintf(out, "errors           %zu\n", s.errors);
}

std::string model_summary_json(const ModelSummary &s) {
    const sfl_model &m = s.ex->model;
    std::string layers = "[";
    for (int32_t i = 0; i < m.n_layers; ++i) layers += (i ? ", " : "") + layer_json(i, m.layers[i]);
    layers += "]";
    return "{\"mode\": \"model\", \"model\": " + json_string(s.opt->model) +
           ", \"model_layers\": " + std::to_string(s.ex->total) + ", \"layers_run\": " + std::to_string(s.ex->run) +
           ", \"layers\": " + layers + ", \"plans_in_model\": " + (s.plans_in_model ? "true" : "false") +
           ", \"input\": " + json_string(s.opt->input) + ", \"input_format\": " + json_string(s.input_format) +
           ", \"input_shape\": " + shape_json(s.input_shape) + ", \"output\": " + json_string(s.opt->output) +
           ", \"output_shape\": " + shape_json(s.output_shape) + ", \"samples\": " + std::to_string(s.samples) +
           ", \"threads\": " + std::to_string(s.threads) + ", \"seconds\": " + json_number(s.seconds) +
           ", \"samples_per_second\": " + json_number(s.samples_per_second) +
           ", \"not_converged\": " + std::to_string(s.not_converged) + ", \"errors\": " + std::to_string(s.errors) +
           "}\n";
}

} // namespace sfl_encode
