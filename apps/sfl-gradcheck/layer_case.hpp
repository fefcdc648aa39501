// A random SF or CSF problem and one forward + backward pass of the library on
// it, through the C API. Header-only; shared by sfl-gradcheck and the tests
// (tests/layer_fixture.hpp), together with fd_reference.hpp.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <sfl/sfl.h>

namespace sfl_gradcheck {

// Heap memory rounded up to SFL_WORKSPACE_ALIGN (the caller side may allocate).
class Aligned {
public:
    explicit Aligned(size_t bytes = 0) : raw_(bytes + SFL_WORKSPACE_ALIGN), size_(bytes) {
        const uintptr_t p = reinterpret_cast<uintptr_t>(raw_.data());
        off_ = (SFL_WORKSPACE_ALIGN - p % SFL_WORKSPACE_ALIGN) % SFL_WORKSPACE_ALIGN;
    }
    void *data() { return raw_.data() + off_; }
    size_t size() const { return size_; }
    sfl_workspace workspace() { return sfl_workspace{data(), size_}; }
    sfl_layer_cache cache() { return sfl_layer_cache{data(), size_}; }

private:
    std::vector<unsigned char> raw_;
    size_t off_ = 0, size_ = 0;
};

struct Case {
    bool csf = false;
    int32_t n = 2;                        // samples (SF) or images (CSF)
    int32_t m = 0, K = 0;                 // dictionary shape (CSF: m = kh*kw*c)
    sfl_dims4 image{1, 1, 1, 1};          // CSF only
    sfl_patch_params patch = SFL_PATCH_PARAMS_INIT(1, 1);
    int32_t oh = 1, ow = 1;               // CSF patch positions (1 x 1 for SF)
    float l1 = 0.1f, l2 = 0.0f;
    bool positive = false;                // non-negative codes (sfl_enet_params.positive)
    sfl_loss_mix mix = SFL_LOSS_MIX_INIT;
    std::vector<uint8_t> labelled;        // n flags or empty (all labelled)
    std::vector<float> P;                 // m x K
    std::vector<float> X;                 // n x m (SF) or n x h x w x c (CSF)
    std::vector<float> dA;                // rows() x K upstream gradient

    int64_t rows_per_sample() const { return int64_t(oh) * ow; }
    int64_t rows() const { return n * rows_per_sample(); }
    int64_t sample_len() const { return csf ? int64_t(image.h) * image.w * image.c : m; }
    const uint8_t *labels() const { return labelled.empty() ? nullptr : labelled.data(); }
};

// Gaussian atoms scaled to unit norm; SF signals Gaussian with unit norm, CSF
// images uniform in [0, 1); upstream gradients Gaussian.
inline Case random_case(bool csf, int32_t n, int32_t m, int32_t K, sfl_dims4 image, sfl_patch_params patch, float l1,
                        float l2, unsigned seed) {
    Case c;
    c.csf = csf;
    c.n = n;
    c.K = K;
    c.l1 = l1;
    c.l2 = l2;
    if (csf) {
        c.image = image;
        c.image.n = n;
        c.patch = patch;
        sfl_dims4 cols{};
        if (sfl_patch_out_dims(&patch, &c.image, &cols) != SFL_OK) return c; // m stays 0: caller checks
        c.m = cols.c;
        c.oh = cols.h;
        c.ow = cols.w;
    } else {
        c.m = m;
    }
    std::mt19937 rng(seed);
    std::normal_distribution<float> N(0.0f, 1.0f);
    std::uniform_real_distribution<float> U(0.0f, 1.0f);
    c.P.resize(size_t(c.m) * size_t(K));
    for (auto &v : c.P) v = N(rng);
    for (int32_t k = 0; k < K; ++k) {
        double s = 0.0;
        for (int32_t r = 0; r < c.m; ++r) s += double(c.P[size_t(r) * K + k]) * c.P[size_t(r) * K + k];
        for (int32_t r = 0; r < c.m; ++r) c.P[size_t(r) * K + k] = float(c.P[size_t(r) * K + k] / std::sqrt(s));
    }
    c.X.resize(size_t(n) * size_t(c.sample_len()));
    if (csf) {
        for (auto &v : c.X) v = U(rng);
    } else {
        for (int32_t i = 0; i < n; ++i) {
            double s = 0.0;
            float *x = c.X.data() + size_t(i) * size_t(m);
            for (int32_t r = 0; r < m; ++r) {
                x[r] = N(rng);
                s += double(x[r]) * x[r];
            }
            for (int32_t r = 0; r < m; ++r) x[r] = float(x[r] / std::sqrt(s));
        }
    }
    c.dA.resize(size_t(c.rows()) * size_t(K));
    for (auto &v : c.dA) v = N(rng);
    return c;
}

// Outputs of one library forward + backward over the whole batch.
struct LibResult {
    sfl_status plan = SFL_OK, forward = SFL_OK, backward = SFL_OK;
    std::vector<float> A;   // rows() x K codes
    std::vector<float> lu;  // n unsupervised losses
    std::vector<float> dX;  // like X
    std::vector<float> dP;  // m x K
    bool ok() const { return plan == SFL_OK && forward >= 0 && backward >= 0; }
};

inline LibResult run_library(const Case &c, sfl_enet_solver solver = SFL_ENET_LARS) {
    LibResult r;
    sfl_enet_params params = sfl_enet_default_params();
    params.l1 = c.l1;
    params.l2 = c.l2;
    params.positive = c.positive ? 1 : 0;
    params.solver = solver;
    const sfl_enet_dims dims = {c.m, c.K};
    Aligned plan_mem(SFL_ENET_PLAN_BYTES(c.K));
    sfl_enet_plan *plan = nullptr;
    r.plan = sfl_enet_plan_init(plan_mem.data(), plan_mem.size(), &params, &dims, c.P.data(), &plan);
    if (r.plan != SFL_OK) return r;
    size_t fwd_bytes = 0, bwd_bytes = 0, cache_bytes = 0;
    if (c.csf) {
        sfl_csf_forward_workspace_size(&params, plan, &fwd_bytes);
        sfl_csf_backward_workspace_size(plan, &bwd_bytes);
        sfl_csf_cache_size(&c.patch, plan, &c.image, &cache_bytes);
    } else {
        sfl_sf_forward_workspace_size(&params, plan, &fwd_bytes);
        sfl_sf_backward_workspace_size(plan, &bwd_bytes);
        sfl_sf_cache_size(plan, c.n, &cache_bytes);
    }
    Aligned fwd(fwd_bytes), bwd(bwd_bytes), cache_mem(cache_bytes);
    const sfl_workspace fws = fwd.workspace(), bws = bwd.workspace();
    const sfl_layer_cache cache = cache_mem.cache();
    r.A.assign(size_t(c.rows()) * size_t(c.K), 0.0f);
    r.lu.assign(size_t(c.n), 0.0f);
    r.dX.assign(c.X.size(), 0.0f);
    r.dP.assign(c.P.size(), 0.0f);
    const sfl_range all = {0, c.n};
    if (c.csf) {
        r.forward = sfl_csf_forward(&fws, &params, &c.patch, plan, c.P.data(), &c.image, all, c.X.data(), r.A.data(),
                                    &cache, r.lu.data(), nullptr);
        if (r.forward < 0) return r;
        r.backward = sfl_csf_backward(&bws, &c.mix, &c.patch, plan, c.P.data(), &c.image, all, c.X.data(), r.A.data(),
                                      &cache, c.dA.data(), c.labels(), r.dX.data(), r.dP.data());
    } else {
        r.forward = sfl_sf_forward(&fws, &params, plan, c.P.data(), c.n, all, c.X.data(), r.A.data(), &cache,
                                   r.lu.data(), nullptr);
        if (r.forward < 0) return r;
        r.backward = sfl_sf_backward(&bws, &c.mix, plan, c.P.data(), c.n, all, c.X.data(), r.A.data(), &cache,
                                     c.dA.data(), c.labels(), r.dX.data(), r.dP.data());
    }
    return r;
}

} // namespace sfl_gradcheck
