// Zero heap allocations in the layer and patch calls of the C API (heap calls
// counted by heap_counter.cpp, as in test_alloc.cpp). Built without sanitizers.
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <random>
#include <vector>

#include <sfl/sfl.h>

#include "heap_counter.hpp"

int main() {
    sfl_heap::start();
    void *volatile probe = std::malloc(16); // volatile: the compiler may not elide the pair
    EXPECT(sfl_heap::stop() == 1);
    std::free(probe);

    // CSF 5x5, K = 20 on 12x12x1 images, and SF 64 x 48, batch 70 (> one block).
    std::mt19937 rng(3);
    std::normal_distribution<float> N(0.0f, 1.0f);
    const int32_t K = 20, m = 25, n = 4, Ks = 48, ms = 64, ns = 70;
    const sfl_patch_params patch = SFL_PATCH_PARAMS_INIT(5, 5);
    const sfl_dims4 in = {n, 12, 12, 1};
    std::vector<float> P(m * K), X(n * 144), A(n * 64 * K), dA(A.size()), dX(X.size()), dP(P.size()), lu(n),
        cols(n * 64 * m), Ps(ms * Ks), Xs(ns * ms), As(ns * Ks), dAs(As.size()), dXs(Xs.size()), dPs(Ps.size());
    std::vector<uint8_t> labelled(ns, 1);
    for (auto *v : {&P, &X, &dA, &Ps, &Xs, &dAs})
        for (auto &x : *v) x = N(rng);
    const sfl_enet_dims d25 = {m, K}, d64 = {ms, Ks};
    sfl_dict_project(&d25, P.data());
    sfl_dict_project(&d64, Ps.data());
    sfl_enet_params params = SFL_ENET_PARAMS_INIT;
    AlignedBuffer plan_mem(SFL_ENET_PLAN_BYTES(K)), plan_mem_s(SFL_ENET_PLAN_BYTES(Ks));
    AlignedBuffer fwd(SFL_CSF_FORWARD_WORKSPACE_BYTES(ms, Ks, SFL_ENET_LARS_WORKSPACE_BYTES(Ks)));
    AlignedBuffer bwd(SFL_CSF_BACKWARD_WORKSPACE_BYTES(ms, Ks));
    AlignedBuffer cache_mem(SFL_LAYER_CACHE_BYTES(ns, Ks) + SFL_LAYER_CACHE_BYTES(n * 64, K));
    const sfl_workspace fw = {fwd.data(), SFL_CSF_FORWARD_WORKSPACE_BYTES(ms, Ks, SFL_ENET_LARS_WORKSPACE_BYTES(Ks))};
    const sfl_workspace bw = {bwd.data(), SFL_CSF_BACKWARD_WORKSPACE_BYTES(ms, Ks)};
    const sfl_layer_cache cache = {cache_mem.data(), SFL_LAYER_CACHE_BYTES(ns, Ks) + SFL_LAYER_CACHE_BYTES(n * 64, K)};
    const sfl_loss_mix mix = {0.3f, 0.7f, 0.7f, 0.3f};
    const sfl_range all = {0, n}, all_s = {0, ns};

    sfl_heap::start();
    size_t bytes = 0;
    sfl_enet_plan *plan = nullptr, *plan_s = nullptr;
    EXPECT(sfl_enet_plan_init(plan_mem.data(), SFL_ENET_PLAN_BYTES(K), &params, &d25, P.data(), &plan) == SFL_OK);
    EXPECT(sfl_enet_plan_init(plan_mem_s.data(), SFL_ENET_PLAN_BYTES(Ks), &params, &d64, Ps.data(), &plan_s) == SFL_OK);
    sfl_dims4 out{};
    EXPECT(sfl_patch_out_dims(&patch, &in, &out) == SFL_OK);
    EXPECT(sfl_im2col_f32(&patch, &in, X.data(), cols.data()) == SFL_OK);
    EXPECT(sfl_col2im_f32(&patch, &in, cols.data(), dX.data()) == SFL_OK);
    EXPECT(sfl_csf_cache_size(&patch, plan, &in, &bytes) == SFL_OK);
    EXPECT(sfl_sf_cache_size(plan_s, ns, &bytes) == SFL_OK);
    EXPECT(sfl_csf_forward_workspace_size(&params, plan, &bytes) == SFL_OK);
    EXPECT(sfl_sf_forward_workspace_size(&params, plan_s, &bytes) == SFL_OK);
    EXPECT(sfl_csf_backward_workspace_size(plan, &bytes) == SFL_OK);
    EXPECT(sfl_sf_backward_workspace_size(plan_s, &bytes) == SFL_OK);
    for (int solver = 0; solver < 2; ++solver) {
        params.solver = solver ? SFL_ENET_CD : SFL_ENET_LARS;
        EXPECT(sfl_csf_forward(&fw, &params, &patch, plan, P.data(), &in, all, X.data(), A.data(), &cache, lu.data(), nullptr) >= 0);
        EXPECT(sfl_csf_backward(&bw, &mix, &patch, plan, P.data(), &in, all, X.data(), A.data(), &cache, dA.data(), nullptr, dX.data(), dP.data()) >= 0);
        EXPECT(sfl_sf_forward(&fw, &params, plan_s, Ps.data(), ns, all_s, Xs.data(), As.data(), &cache, nullptr, nullptr) >= 0);
        EXPECT(sfl_sf_backward(&bw, &mix, plan_s, Ps.data(), ns, all_s, Xs.data(), As.data(), &cache, dAs.data(), labelled.data(), dXs.data(), dPs.data()) >= 0);
    }
    EXPECT(sfl_dict_project(&d64, dPs.data()) == SFL_OK);
    // error paths must not allocate either
    EXPECT(sfl_sf_backward(&bw, nullptr, plan_s, Ps.data(), ns, all_s, Xs.data(), As.data(), &cache, dAs.data(), nullptr, dXs.data(), dPs.data()) == SFL_ERR_NULL_ARG);
    const long calls = sfl_heap::stop();

    std::printf("heap calls inside the layer C API: %ld\n", calls);
    EXPECT(calls == 0);
    std::printf("%d passed, %d failed\n", sfl_heap_failures ? 0 : 1, sfl_heap_failures ? 1 : 0);
    return sfl_heap_failures ? 1 : 0;
}
