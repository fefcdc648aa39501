// The prefix of a model sfl-encode --model runs, and its threaded forward pass.
// The C kernels are single-threaded and reentrant; threads share the model and X
// (read only) and write disjoint rows of Y and of the status array.
#include "extractor.hpp"

#include <chrono>

#include "options.hpp"
#include "sfl/parallel.hpp"
#include "sfl/sfl.hpp"

namespace sfl_encode {
namespace {

bool factorizes(int32_t kind) { return kind == SFL_MODEL_CSF || kind == SFL_MODEL_SF; }

size_t sample_size(const sfl_dims4 &d) { return size_t(d.h) * size_t(d.w) * size_t(d.c); }

} // namespace

Extractor make_extractor(const sfl_model &full, int32_t layers, const std::string &path) {
    Extractor e;
    e.total = full.n_layers;
    e.chosen = layers != 0;
    if (e.chosen) {
        if (layers > full.n_layers)
            throw InputError("--layers " + std::to_string(layers) + " is more than the " +
                             std::to_string(full.n_layers) + " layers of --model '" + path + "'");
        e.run = layers;
    } else {
        for (int32_t i = 0; i < full.n_layers && e.run == 0; ++i)
            if (factorizes(full.layers[i].kind)) e.run = i + 1;
        if (e.run == 0)
            throw InputError("--model '" + path + "' has no SF or CSF layer: choose the layers to run with " +
                             "--layers K (1 .. " + std::to_string(full.n_layers) + ")");
    }
    // sfl_model.h: an extractor is the model with n_layers = k and out = layers[k-1].out.
    e.model = full;
    e.model.n_layers = e.run;
    e.model.out = full.layers[e.run - 1].out;
    sfl::check(sfl_model_check(&e.model), "sfl_model_check (the model prefix)");
    return e;
}

ForwardResult run_forward(const sfl_model &model, const float *X, size_t n, unsigned threads,
                          RowProgress &progress) {
    const size_t in = sample_size(model.in), out = sample_size(model.out);
    const int T = sfl::parallel_threads(int64_t(n), int(threads));

    size_t ws_bytes = 0;
    sfl::check(sfl_model_forward_workspace_size(&model, 1, &ws_bytes), "sfl_model_forward_workspace_size");
    std::vector<sfl::Workspace> ws;
    ws.reserve(T);
    for (int t = 0; t < T; ++t) ws.emplace_back(ws_bytes);

    ForwardResult r;
    r.threads = unsigned(T);
    r.Y.assign(n * out, 0.0f);
    std::vector<sfl_status> status(n, SFL_OK);

    // Thread t runs the samples [i0, i1) of its range (sfl::split_range), one call each.
    const auto start = std::chrono::steady_clock::now();
    sfl::parallel_for(int64_t(n), T, [&](int64_t i0, int64_t i1, int t) {
        const sfl_workspace view = ws[size_t(t)].view();
        for (size_t i = size_t(i0); i < size_t(i1); ++i) {
            status[i] = sfl_model_forward(&view, &model, 1, X + i * in, r.Y.data() + i * out);
            if (status[i] < 0) break; // a whole-call failure (nothing written): reported below
            progress.add(1);
        }
    });
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress.finish();

    for (size_t i = 0; i < n; ++i) {
        const sfl_status st = status[i];
        if (st == SFL_WARN_NOT_CONVERGED) ++r.not_converged;
        if (st == SFL_WARN_ROWS_FAILED) {
            // sfl_model_forward: some solve of this sample failed (singular support or values
            // beyond float); Y is written.
            if (r.errors++ == 0) {
                r.first_error_sample = static_cast<long>(i);
                r.first_error_status = st;
            }
        } else if (st < 0) {
            sfl::check(st, "sfl_model_forward");
        }
    }
    return r;
}

} // namespace sfl_encode
