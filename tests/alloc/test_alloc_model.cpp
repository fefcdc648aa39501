// Zero heap allocations in the model calls of sfl_model.h (heap calls counted
// by heap_counter.cpp, as in test_alloc.cpp): check, blob size, write with and
// without plans, load (good blob and corrupt ones), plans size, build_plans,
// the forward workspace query and the forward pass of a CSF/SF model, of the
// same model with an l2norm layer in front of its SF layer and of a conv model,
// sfl_crc32, and error paths. Built without sanitizers.
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include <sfl/sfl.h>

#include "../model_fixture.hpp"
#include "heap_counter.hpp"

using sfl_model_test::randn;
using sfl_model_test::unit_columns;


int main() {
    sfl_heap::start();
    void *volatile probe = std::malloc(16); // volatile: the compiler may not elide the pair
    EXPECT(sfl_heap::stop() == 1);
    std::free(probe);

    // MNIST-shaped CSF net: 28x28x1 -> csf 5x5 K=20 -> 24x24x20 -> maxpool 2x2/2 -> 12x12x20
    // -> sf m=2880 K=50 -> linear 50 -> 10. And a conv net: conv 5x5 1->8 -> relu -> linear 4608 -> 10.
    const std::vector<float> P1 = unit_columns(25, 20, 1), P3 = unit_columns(2880, 50, 2);
    const std::vector<float> W4 = randn(50 * 10, 3, 0.2f), b4 = randn(10, 4, 0.1f);
    const std::vector<float> C1 = randn(25 * 8, 5, 0.2f), c1 = randn(8, 6, 0.1f), C3 = randn(4608 * 10, 7, 0.02f),
                             c3 = randn(10, 8, 0.1f);
    sfl_model fac;
    std::memset(&fac, 0, sizeof fac);
    fac.n_layers = 4;
    fac.in = {1, 28, 28, 1};
    fac.out = {1, 1, 1, 10};
    fac.layers[0] = sfl_model_test::make_layer(SFL_MODEL_CSF, {1, 28, 28, 1}, {1, 24, 24, 20});
    fac.layers[0].geom = SFL_PATCH_PARAMS_INIT(5, 5);
    fac.layers[0].enet = sfl_enet_params{0.1f, 0.01f, 1e-6f, 0, SFL_ENET_LARS, 0, 0};
    fac.layers[0].weight = P1.data();
    fac.layers[1] = sfl_model_test::make_layer(SFL_MODEL_MAXPOOL2D, {1, 24, 24, 20}, {1, 12, 12, 20});
    fac.layers[1].geom = sfl_patch_params{{2, 2}, {2, 2}, {0, 0}};
    fac.layers[2] = sfl_model_test::make_layer(SFL_MODEL_SF, {1, 12, 12, 20}, {1, 1, 1, 50});
    fac.layers[2].enet = sfl_enet_params{0.1f, 0.01f, 1e-4f, 0, SFL_ENET_CD, 0, 0};
    fac.layers[2].weight = P3.data();
    fac.layers[3] = sfl_model_test::make_layer(SFL_MODEL_LINEAR, {1, 1, 1, 50}, {1, 1, 1, 10});
    fac.layers[3].weight = W4.data();
    fac.layers[3].bias = b4.data();

    // The CSF net with an l2norm (scale 15) between the pool and the SF layer.
    sfl_model nrm = fac;
    nrm.n_layers = 5;
    nrm.layers[4] = fac.layers[3];
    nrm.layers[3] = fac.layers[2];
    nrm.layers[2] = sfl_model_test::make_layer(SFL_MODEL_L2NORM, {1, 12, 12, 20}, {1, 12, 12, 20});
    nrm.layers[2].norm = sfl_l2norm_params{15.0f, 1e-6f};

    sfl_model conv;
    std::memset(&conv, 0, sizeof conv);
    conv.n_layers = 3;
    conv.in = {1, 28, 28, 1};
    conv.out = {1, 1, 1, 10};
    conv.layers[0] = sfl_model_test::make_layer(SFL_MODEL_CONV2D, {1, 28, 28, 1}, {1, 24, 24, 8});
    conv.layers[0].geom = SFL_PATCH_PARAMS_INIT(5, 5);
    conv.layers[0].weight = C1.data();
    conv.layers[0].bias = c1.data();
    conv.layers[1] = sfl_model_test::make_layer(SFL_MODEL_RELU, {1, 24, 24, 8}, {1, 24, 24, 8});
    conv.layers[2] = sfl_model_test::make_layer(SFL_MODEL_LINEAR, {1, 24, 24, 8}, {1, 1, 1, 10});
    conv.layers[2].weight = C3.data();
    conv.layers[2].bias = c3.data();

    // Buffers, sized generously before counting starts.
    const int32_t n = 3;
    const size_t plan_bytes = SFL_ENET_PLAN_BYTES(20) + SFL_ENET_PLAN_BYTES(50);
    AlignedBuffer plans(plan_bytes), plans2(plan_bytes), plans3(plan_bytes), blob(1 << 20), blob2(1 << 20),
        blob3(1 << 20), ws(4 << 20);
    const std::vector<float> X = randn(size_t(n) * 784, 9, 1.0f);
    std::vector<float> Y(size_t(n) * 10), Yc(size_t(n) * 10), Yn(size_t(n) * 10), Yn2(size_t(n) * 10);

    sfl_heap::start();
    size_t bytes = 0, written = 0, blob_bytes = 0;
    EXPECT(sfl_crc32(0, "123456789", 9) == 0xCBF43926u);
    EXPECT(sfl_model_check(&fac) == SFL_OK);
    EXPECT(sfl_model_plans_size(&fac, &bytes) == SFL_OK && bytes == plan_bytes);
    EXPECT(sfl_model_build_plans(&fac, plans.data(), plan_bytes) == SFL_OK);
    EXPECT(sfl_model_blob_size(&fac, 1, &blob_bytes) == SFL_OK && blob_bytes <= (1u << 20));
    EXPECT(sfl_model_write(&fac, 1, blob.data(), 1 << 20, &written) == SFL_OK && written == blob_bytes);
    EXPECT(sfl_model_write(&fac, 0, blob2.data(), 1 << 20, &written) == SFL_OK);
    sfl_model loaded, loaded2;
    EXPECT(sfl_model_load(blob.data(), blob_bytes, &loaded) == SFL_OK);
    EXPECT(sfl_model_load(blob2.data(), written, &loaded2) == SFL_OK);
    EXPECT(sfl_model_build_plans(&loaded2, plans2.data(), plan_bytes) == SFL_OK);
    EXPECT(sfl_model_forward_workspace_size(&loaded, n, &bytes) == SFL_OK && bytes <= (4u << 20));
    sfl_workspace w = {ws.data(), bytes};
    EXPECT(sfl_model_forward(&w, &loaded, n, X.data(), Y.data()) == SFL_OK);
    EXPECT(sfl_model_forward(&w, &loaded2, n, X.data(), Yc.data()) == SFL_OK);
    EXPECT(std::memcmp(Y.data(), Yc.data(), 4 * Y.size()) == 0);
    EXPECT(sfl_model_forward_workspace_size(&conv, n, &bytes) == SFL_OK && bytes <= (4u << 20));
    w.size = bytes;
    EXPECT(sfl_model_forward(&w, &conv, n, X.data(), Yc.data()) == SFL_OK);
    EXPECT(sfl_model_write(&conv, 0, blob2.data(), 1 << 20, &written) == SFL_OK);
    EXPECT(sfl_model_load(blob2.data(), written, &loaded2) == SFL_OK);
    // the l2norm model: plans, blob with plans, load, forward (built and loaded plans)
    sfl_model nrm_loaded;
    EXPECT(sfl_model_check(&nrm) == SFL_OK);
    EXPECT(sfl_model_plans_size(&nrm, &bytes) == SFL_OK && bytes == plan_bytes);
    EXPECT(sfl_model_build_plans(&nrm, plans3.data(), plan_bytes) == SFL_OK);
    EXPECT(sfl_model_blob_size(&nrm, 1, &bytes) == SFL_OK && bytes == blob_bytes + SFL_MODEL_RECORD_BYTES);
    EXPECT(sfl_model_write(&nrm, 1, blob3.data(), 1 << 20, &written) == SFL_OK && written == bytes);
    EXPECT(sfl_model_load(blob3.data(), written, &nrm_loaded) == SFL_OK);
    EXPECT(nrm_loaded.layers[2].kind == SFL_MODEL_L2NORM && nrm_loaded.layers[2].norm.scale == 15.0f);
    EXPECT(sfl_model_forward_workspace_size(&nrm, n, &bytes) == SFL_OK && bytes <= (4u << 20));
    w.size = bytes;
    EXPECT(sfl_model_forward(&w, &nrm, n, X.data(), Yn.data()) == SFL_OK);
    EXPECT(sfl_model_forward(&w, &nrm_loaded, n, X.data(), Yn2.data()) == SFL_OK);
    EXPECT(std::memcmp(Yn.data(), Yn2.data(), 4 * Yn.size()) == 0);
    EXPECT(std::memcmp(Yn.data(), Y.data(), 4 * Y.size()) != 0); // the l2norm changed the sf input
    sfl_model nrm_bad = nrm;
    nrm_bad.layers[2].norm.scale = 0.0f;
    EXPECT(sfl_model_forward(&w, &nrm_bad, n, X.data(), Yn2.data()) == SFL_ERR_BAD_PARAM);
    // error paths must not allocate either
    unsigned char *b = blob.data();
    b[blob_bytes / 2] ^= 0xFF;
    EXPECT(sfl_model_load(blob.data(), blob_bytes, &loaded) == SFL_ERR_MODEL_CRC);
    b[blob_bytes / 2] ^= 0xFF;
    EXPECT(sfl_model_load(blob.data(), blob_bytes - 1, &loaded) == SFL_ERR_MODEL_TRUNCATED);
    EXPECT(sfl_model_load(b + 1, blob_bytes - 1, &loaded) == SFL_ERR_MISALIGNED);
    EXPECT(sfl_model_write(&fac, 1, blob.data(), blob_bytes - 1, &written) == SFL_ERR_WORKSPACE_TOO_SMALL);
    w.size = 64;
    EXPECT(sfl_model_forward(&w, &loaded, n, X.data(), Y.data()) == SFL_ERR_WORKSPACE_TOO_SMALL);
    const long calls = sfl_heap::stop();

    std::printf("heap calls inside the model C API: %ld\n", calls);
    EXPECT(calls == 0);
    std::printf("%d passed, %d failed\n", sfl_heap_failures ? 0 : 1, sfl_heap_failures ? 1 : 0);
    return sfl_heap_failures ? 1 : 0;
}
