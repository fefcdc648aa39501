// SF and CSF wrapper layers: the dictionary, its plan, per-thread caches; the
// forward/backward math is sfl_layers.h (docs/design.md section 2).
#include <cmath>

#include "param_util.hpp"
#include "sfl/nn/layers.hpp"

namespace sfl {
namespace nn {
namespace {

struct FactorState final : LayerState {
    Workspace fwd, bwd, cache;
    std::vector<float> lu;
};

sfl_layer_cache cache_view(const Workspace &w) { return sfl_layer_cache{w.data(), w.size()}; }

void add_lu(const std::vector<float> &lu, int32_t n, float *out) {
    if (!out) return;
    for (int32_t i = 0; i < n; ++i) out[i] += lu[size_t(i)];
}

void count_warning(sfl_status st, LayerState &s, const char *what) {
    const sfl_status w = check(st, what);
    if (w == SFL_WARN_NOT_CONVERGED) ++s.not_converged;
    if (w == SFL_WARN_ROWS_FAILED) ++s.rows_failed;
}

} // namespace

// ---- shared dictionary ----

FactorBase::FactorBase(std::string name, int32_t m, int32_t K, const FactorConfig &cfg, Rng &rng)
    : m_(m), K_(K), cfg_(cfg) {
    P_ = detail::make_param(name + ".P", {m, K}, false);
    P_.dictionary = true;
    // Gaussian columns of unit norm: a random point on the sphere per atom.
    float *P = P_.value.data();
    for (int32_t i = 0; i < m * K; ++i) P[i] = rng.normal();
    for (int32_t j = 0; j < K; ++j) {
        double s = 0.0;
        for (int32_t i = 0; i < m; ++i) s += double(P[i * K + j]) * P[i * K + j];
        const float inv = float(1.0 / std::sqrt(s));
        for (int32_t i = 0; i < m; ++i) P[i * K + j] *= inv;
    }
    plan_ = EnetPlan(enet_params(), m, K, P);
}

sfl_enet_params FactorBase::enet_params() const noexcept {
    sfl_enet_params p = SFL_ENET_PARAMS_INIT;
    p.l1 = cfg_.l1;
    p.l2 = cfg_.l2;
    p.solver = cfg_.solver;
    p.positive = cfg_.positive ? 1 : 0;
    p.lanes = 1; // LARS with K <= 32 (the CSF layer): several patches at a time (sfl_enet.h)
    return p;
}

sfl_loss_mix FactorBase::loss_mix(const LossMix &m) const noexcept {
    // The rows of g have no label flags here (the softmax gave unlabelled rows a zero
    // gradient). Whole loss: g already carries (1 - mu). The paper's mixing: the
    // dictionary takes (1 - mu) of g, the input all of it.
    const float nu = cfg_.lu_input_weight * m.mu;
    if (m.whole_loss) return sfl_loss_mix{m.mu, 1.0f, 1.0f, nu};
    return sfl_loss_mix{m.mu, 1.0f - m.mu, 1.0f, nu};
}

void FactorBase::after_update(Threads threads) {
    const sfl_enet_dims d{m_, K_};
    check(sfl_dict_project(&d, P_.value.data()), "dictionary projection");
    plan_.rebuild(enet_params(), P_.value.data(), threads);
}

void FactorBase::fill_c_layer(sfl_model_layer &out) const {
    out.enet = enet_params();
    out.weight = P_.value.data();
    out.bias = nullptr;
    out.plan = plan_.get();
}

// ---- SF ----

SF::SF(std::string name, Shape in, int32_t K, const FactorConfig &cfg, Rng &rng)
    : FactorBase(std::move(name), int32_t(in.size()), K, cfg, rng), in_(in) {}

std::string SF::describe() const {
    return "sf " + std::to_string(m_) + " -> " + std::to_string(K_) + " (l1 " + std::to_string(cfg_.l1) + ", l2 " +
           std::to_string(cfg_.l2) + (cfg_.positive ? ", non-negative" : "") + ")";
}

std::unique_ptr<LayerState> SF::make_state(int32_t max_batch) const {
    auto s = std::make_unique<FactorState>();
    const sfl_enet_params p = enet_params();
    size_t f = 0, b = 0, c = 0;
    check(sfl_sf_forward_workspace_size(&p, plan_.get(), &f), "SF workspace");
    check(sfl_sf_backward_workspace_size(plan_.get(), &b), "SF workspace");
    check(sfl_sf_cache_size(plan_.get(), max_batch, &c), "SF cache");
    s->fwd.reserve(f);
    s->bwd.reserve(b);
    s->cache.reserve(c);
    s->lu.resize(size_t(max_batch));
    return s;
}

void SF::forward(LayerState &st, const ForwardArgs &a) const {
    auto &s = static_cast<FactorState &>(st);
    const sfl_enet_params p = enet_params();
    const sfl_workspace ws = s.fwd.view();
    const sfl_layer_cache cache = cache_view(s.cache);
    count_warning(sfl_sf_forward(&ws, &p, plan_.get(), P_.value.data(), a.n, sfl_range{0, a.n}, a.x, a.y,
                                 a.training ? &cache : nullptr, a.lu ? s.lu.data() : nullptr, nullptr),
                  s, "SF forward");
    add_lu(s.lu, a.n, a.lu);
}

void SF::backward(LayerState &st, const BackwardArgs &a) const {
    auto &s = static_cast<FactorState &>(st);
    const sfl_workspace ws = s.bwd.view();
    const sfl_layer_cache cache = cache_view(s.cache);
    const sfl_loss_mix mix = loss_mix(a.mix);
    check(sfl_sf_backward(&ws, &mix, plan_.get(), P_.value.data(), a.n, sfl_range{0, a.n}, a.x, a.y, &cache, a.dy,
                          nullptr, a.dx, a.grads[0]),
          "SF backward");
}

void SF::to_c_layer(sfl_model_layer &out) const {
    out = sfl_model_layer{};
    out.kind = SFL_MODEL_SF;
    out.in = sfl_dims4{1, in_.h, in_.w, in_.c};
    out.out = sfl_dims4{1, 1, 1, K_};
    fill_c_layer(out);
}

// ---- CSF ----

CSF::CSF(std::string name, Shape in, int32_t k, int32_t K, const FactorConfig &cfg, Rng &rng)
    : FactorBase(std::move(name), k * k * in.c, K, cfg, rng), in_(in), patch_(sfl_patch_params SFL_PATCH_PARAMS_INIT(k, k)) {
    sfl_dims4 d{1, in.h, in.w, in.c}, o{};
    check(sfl_patch_out_dims(&patch_, &d, &o), "CSF geometry");
    out_ = Shape{o.h, o.w, K};
}

std::string CSF::describe() const {
    return "csf " + std::to_string(patch_.kernel.h) + "x" + std::to_string(patch_.kernel.w) + " " + in_.str() +
           " -> " + out_.str() + " (P " + std::to_string(m_) + "x" + std::to_string(K_) + ", l1 " +
           std::to_string(cfg_.l1) + ", l2 " + std::to_string(cfg_.l2) + (cfg_.positive ? ", non-negative" : "") +
           ")";
}

std::unique_ptr<LayerState> CSF::make_state(int32_t max_batch) const {
    auto s = std::make_unique<FactorState>();
    const sfl_enet_params p = enet_params();
    const sfl_dims4 d{max_batch, in_.h, in_.w, in_.c};
    size_t f = 0, b = 0, c = 0;
    check(sfl_csf_forward_workspace_size(&p, plan_.get(), &f), "CSF workspace");
    check(sfl_csf_backward_workspace_size(plan_.get(), &b), "CSF workspace");
    check(sfl_csf_cache_size(&patch_, plan_.get(), &d, &c), "CSF cache");
    s->fwd.reserve(f);
    s->bwd.reserve(b);
    s->cache.reserve(c);
    s->lu.resize(size_t(max_batch));
    return s;
}

void CSF::forward(LayerState &st, const ForwardArgs &a) const {
    auto &s = static_cast<FactorState &>(st);
    const sfl_enet_params p = enet_params();
    const sfl_workspace ws = s.fwd.view();
    const sfl_layer_cache cache = cache_view(s.cache);
    const sfl_dims4 d{a.n, in_.h, in_.w, in_.c};
    count_warning(sfl_csf_forward(&ws, &p, &patch_, plan_.get(), P_.value.data(), &d, sfl_range{0, a.n}, a.x, a.y,
                                  a.training ? &cache : nullptr, a.lu ? s.lu.data() : nullptr, nullptr),
                  s, "CSF forward");
    add_lu(s.lu, a.n, a.lu);
}

void CSF::backward(LayerState &st, const BackwardArgs &a) const {
    auto &s = static_cast<FactorState &>(st);
    const sfl_workspace ws = s.bwd.view();
    const sfl_layer_cache cache = cache_view(s.cache);
    const sfl_dims4 d{a.n, in_.h, in_.w, in_.c};
    const sfl_loss_mix mix = loss_mix(a.mix);
    check(sfl_csf_backward(&ws, &mix, &patch_, plan_.get(), P_.value.data(), &d, sfl_range{0, a.n}, a.x, a.y, &cache,
                           a.dy, nullptr, a.dx, a.grads[0]),
          "CSF backward");
}

void CSF::to_c_layer(sfl_model_layer &out) const {
    out = sfl_model_layer{};
    out.kind = SFL_MODEL_CSF;
    out.in = sfl_dims4{1, in_.h, in_.w, in_.c};
    out.out = sfl_dims4{1, out_.h, out_.w, out_.c};
    out.geom = patch_;
    fill_c_layer(out);
}

} // namespace nn
} // namespace sfl
