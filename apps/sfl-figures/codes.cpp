// Code sparsity of a model's factorization layers, through sfl_model_forward on
// the model's prefixes (extractors).
#include "codes.hpp"

#include <algorithm>

#include "sfl/sfl.hpp"

namespace sfl_figures {
namespace {

constexpr int32_t kChunk = 64; // images per forward call

size_t sample_size(const sfl_dims4 &d) { return size_t(d.h) * size_t(d.w) * size_t(d.c); }

} // namespace

std::vector<LayerCodes> measure_codes(const sfl_model &model, const float *X, int32_t n) {
    std::vector<LayerCodes> out;
    const size_t in = sample_size(model.in);
    for (int32_t i = 0; i < model.n_layers; ++i) {
        const sfl_model_layer &L = model.layers[i];
        if (L.kind != SFL_MODEL_CSF && L.kind != SFL_MODEL_SF) continue;
        sfl_model ext = model; // the first i + 1 layers (sfl_model.h, "Extractor")
        ext.n_layers = i + 1;
        ext.out = L.out;
        sfl::check(sfl_model_check(&ext), "sfl_model_check (extractor)");
        size_t ws_bytes = 0;
        sfl::check(sfl_model_forward_workspace_size(&ext, kChunk, &ws_bytes), "sfl_model_forward_workspace_size");
        sfl::Workspace ws(ws_bytes);
        const sfl_workspace view = ws.view();

        LayerCodes c;
        c.layer = i;
        c.paper_layer = paper_layer_number(model, i);
        c.kind = L.kind;
        c.K = L.out.c;
        c.atom_use.assign(size_t(c.K), 0);
        const size_t per_image = sample_size(L.out); // h*w codes of K
        std::vector<float> Y(size_t(kChunk) * per_image);
        for (int32_t b = 0; b < n; b += kChunk) {
            const int32_t m = std::min(kChunk, n - b);
            const sfl_status st = sfl_model_forward(&view, &ext, m, X + size_t(b) * in, Y.data());
            if (st == SFL_WARN_NOT_CONVERGED) ++c.not_converged;
            else sfl::check(st, "sfl_model_forward");
            const size_t codes = size_t(m) * per_image / size_t(c.K);
            for (size_t k = 0; k < codes; ++k) {
                const float *a = Y.data() + k * size_t(c.K);
                int32_t z = 0;
                for (int32_t j = 0; j < c.K; ++j)
                    if (a[j] != 0.0f) ++z, ++c.atom_use[size_t(j)];
                c.nnz.push_back(z);
            }
        }
        out.push_back(std::move(c));
    }
    return out;
}

int32_t paper_layer_number(const sfl_model &model, int32_t i) {
    int32_t n = 0;
    for (int32_t k = 0; k <= i; ++k) n += model.layers[k].kind != SFL_MODEL_L2NORM;
    return n;
}

} // namespace sfl_figures
