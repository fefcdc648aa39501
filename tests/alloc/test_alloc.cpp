// Zero heap allocations in the C API: heap_counter.cpp interposes malloc & co.
// and operator new/delete and counts the calls between start() and stop().
// Built without sanitizers (they interpose the same functions).
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>
#include <vector>

#include <sfl/sfl.h>

#include "heap_counter.hpp"

int main() {
    // The counter must see allocations, or the test below could not fail.
    sfl_heap::start();
    void *volatile probe = std::malloc(16); // volatile: the compiler may not elide the pair
    int *volatile probe2 = new int(3);
    EXPECT(sfl_heap::stop() == 2);
    std::free(probe);
    delete probe2;

    const int32_t m = 64, K = 256, n = 100;
    std::mt19937 rng(7);
    std::normal_distribution<float> N(0.0f, 1.0f);
    std::vector<float> P(m * K), X(n * m), A(n * K), c(K), a(K), chol(K * K);
    std::vector<int32_t> support(K);
    std::vector<sfl_enet_info> info(n);
    for (auto &v : P) v = N(rng);
    for (auto &v : X) v = N(rng) * 0.2f;
    sfl_enet_params params = SFL_ENET_PARAMS_INIT;
    const sfl_enet_dims dims = {m, K};
    AlignedBuffer plan_mem(SFL_ENET_PLAN_BYTES(K));
    AlignedBuffer ws_mem(SFL_ENET_ENCODE_WORKSPACE_BYTES(K, SFL_ENET_LARS_WORKSPACE_BYTES(K)));
    sfl_workspace ws = {ws_mem.data(), SFL_ENET_ENCODE_WORKSPACE_BYTES(K, SFL_ENET_LARS_WORKSPACE_BYTES(K))};

    sfl_heap::start();
    size_t bytes = 0;
    sfl_enet_plan *plan = nullptr;
    EXPECT(sfl_enet_plan_size(&dims, &bytes) == SFL_OK);
    EXPECT(sfl_enet_plan_init(plan_mem.data(), bytes, &params, &dims, P.data(), &plan) == SFL_OK);
    for (int run = 0; run < 4; ++run) { // LARS, CD, then both with non-negative codes
        params.solver = run % 2 ? SFL_ENET_CD : SFL_ENET_LARS;
        params.positive = run / 2;
        EXPECT(sfl_enet_encode_workspace_size(&params, plan, &bytes) == SFL_OK);
        EXPECT(sfl_enet_encode(&ws, &params, plan, P.data(), n, X.data(), A.data(), info.data()) >= 0);
        EXPECT(sfl_enet_solve_workspace_size(&params, plan, &bytes) == SFL_OK);
        for (int32_t k = 0; k < K; ++k) c[k] = X[k % m];
        EXPECT(sfl_enet_solve(&ws, &params, plan, c.data(), 1.0, a.data(), &info[0]) >= 0);
        EXPECT(sfl_enet_evaluate(plan, &params, c.data(), 1.0, a.data(), &info[1]) == SFL_OK);
    }
    params.positive = 0;
    EXPECT(sfl_enet_solve_lars_factor(&ws, &params, plan, c.data(), 1.0, a.data(), support.data(), chol.data(),
                                      nullptr) >= 0);
    float kkt = 0.0f;
    EXPECT(sfl_enet_kkt_violation(plan, params.l1, c.data(), a.data(), &kkt) == SFL_OK);
    EXPECT(sfl_status_string(SFL_ERR_SINGULAR) != nullptr);
    EXPECT(sfl_version() == SFL_VERSION_NUMBER);
    EXPECT(sfl_simd_arch() != nullptr);
    // error paths must not allocate either
    EXPECT(sfl_enet_encode(nullptr, &params, plan, P.data(), n, X.data(), A.data(), nullptr) == SFL_ERR_NULL_ARG);
    const long calls = sfl_heap::stop();

    std::printf("heap calls inside the C API: %ld\n", calls);
    EXPECT(calls == 0);
    std::printf("%d passed, %d failed\n", sfl_heap_failures ? 0 : 1, sfl_heap_failures ? 1 : 0);
    return sfl_heap_failures ? 1 : 0;
}
