// Writes the valid model blobs of the fuzz_model seed corpus into a directory
// (fuzz/make_corpus.py runs it and derives the invalid seeds from them):
// the test suite's three small networks (tests/model_fixture.hpp: conv, csf/sf,
// csf/sf with an l2norm layer) with and without plans, a one-layer SF model, a
// one-layer relu model and a one-layer l2norm model.
//   fuzz_model_seeds DIR
#include <cstdio>
#include <string>

#include "model_fixture.hpp"

namespace {

using sfl_model_test::Bytes;

bool save(const std::string &path, const Bytes &b) {
    if (b.size() == 0) return false;
    std::FILE *f = std::fopen(path.c_str(), "wb");
    if (!f) return false;
    const bool ok = std::fwrite(b.data(), 1, b.size(), f) == b.size();
    return std::fclose(f) == 0 && ok;
}

} // namespace

int main(int argc, char **argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: fuzz_model_seeds DIR\n");
        return 2;
    }
    const std::string dir = argv[1];
    bool ok = true;

    sfl_model_test::ConvNet conv;
    ok = ok && save(dir + "/convnet.sflm", sfl_model_test::blob_of(conv.model, false));

    sfl_model_test::FactorNet factor;
    ok = ok && save(dir + "/factornet_noplans.sflm", sfl_model_test::blob_of(factor.model, false));
    ok = ok && factor.build_plans() == SFL_OK;
    ok = ok && save(dir + "/factornet_plans.sflm", sfl_model_test::blob_of(factor.model, true));

    sfl_model_test::NormNet norm;
    ok = ok && save(dir + "/normnet_noplans.sflm", sfl_model_test::blob_of(norm.model, false));
    ok = ok && norm.build_plans() == SFL_OK;
    ok = ok && save(dir + "/normnet_plans.sflm", sfl_model_test::blob_of(norm.model, true));

    // 1x1x4 -> sf K = 3 (LARS) -> 1x1x3, with its plan.
    const std::vector<float> P = sfl_model_test::unit_columns(4, 3, 7);
    sfl_model sf;
    std::memset(&sf, 0, sizeof sf);
    sf.n_layers = 1;
    sf.in = {1, 1, 1, 4};
    sf.out = {1, 1, 1, 3};
    sf.layers[0] = sfl_model_test::make_layer(SFL_MODEL_SF, sf.in, sf.out);
    sf.layers[0].enet = sfl_enet_params{0.05f, 0.01f, 1e-6f, 0, SFL_ENET_LARS, 0, 0};
    sf.layers[0].weight = P.data();
    Bytes plan(SFL_ENET_PLAN_BYTES(3));
    ok = ok && sfl_model_build_plans(&sf, plan.data(), plan.size()) == SFL_OK;
    ok = ok && save(dir + "/sf_plans.sflm", sfl_model_test::blob_of(sf, true));

    // 2x2x1 -> relu.
    sfl_model relu;
    std::memset(&relu, 0, sizeof relu);
    relu.n_layers = 1;
    relu.in = relu.out = {1, 2, 2, 1};
    relu.layers[0] = sfl_model_test::make_layer(SFL_MODEL_RELU, relu.in, relu.out);
    ok = ok && save(dir + "/relu.sflm", sfl_model_test::blob_of(relu, false));

    // 2x2x3 -> l2norm (scale 2, eps 1e-3).
    sfl_model l2n;
    std::memset(&l2n, 0, sizeof l2n);
    l2n.n_layers = 1;
    l2n.in = l2n.out = {1, 2, 2, 3};
    l2n.layers[0] = sfl_model_test::make_layer(SFL_MODEL_L2NORM, l2n.in, l2n.out);
    l2n.layers[0].norm = sfl_l2norm_params{2.0f, 1e-3f};
    ok = ok && save(dir + "/l2norm.sflm", sfl_model_test::blob_of(l2n, false));

    if (!ok) std::fprintf(stderr, "fuzz_model_seeds: failed to build or write a seed\n");
    return ok ? 0 : 1;
}
