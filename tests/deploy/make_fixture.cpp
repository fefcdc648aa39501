// make_fixture: the inputs of the deploy tests. Builds the paper's csf+sf network
// (fixed seed, random init, sfl-train's default settings) and writes into DIR
//   model.sflm    its blob with plans (sfl::save_model_file, as sfl-train writes it)
//   inputs.f32    kImages MNIST-like images, float32, HWC, one after the other
//   expected.f32  the network's outputs for them (the Runner forward of sfl-train's
//                 evaluation, all images in one chunk), float32
//   model_csf.sflm    a csf net (its forward workspace is the CSF layer's)
//   model_norm.sflm   the sf net with an L2Norm of scale 15 in front of its SF layer
//                     (NetConfig::sf_input_norm, sfl-train --sf-input-norm 15), with plans
//   expected_norm.f32 its outputs for inputs.f32, as expected.f32
// Raw little-endian float32 (the tests run natively). Exit status 0, or 1 with a message.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "sfl/model.hpp"
#include "sfl/nn/models.hpp"
#include "sfl/nn/network.hpp"
#include "sfl/nn/rng.hpp"

namespace {

constexpr int32_t kImages = 6;

void write_floats(const std::string &path, const float *v, size_t count) {
    sfl::write_file_atomically(path, v, count * sizeof(float));
}

} // namespace

int main(int argc, char **argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_fixture DIR\n");
        return 2;
    }
    try {
        const std::string dir = argv[1];
        sfl::nn::NetConfig cfg;
        cfg.name = "csf+sf";
        cfg.sf.l1 = 0.5f; // sfl-train's default for csf+sf (apps/sfl-train/options.cpp)
        const sfl::nn::Shape in{28, 28, 1};
        auto net = sfl::nn::build_network(cfg, in, 10, 2024);
        sfl::save_model_file(dir + "/model.sflm", sfl::nn::to_c_model(*net), true);
        // A CSF-only net too: its forward workspace is the CSF layer's (the csf+sf one's is
        // the SF layer's), so the export's macro sizes are checked on a K <= 32 layer.
        sfl::nn::NetConfig csf_cfg;
        csf_cfg.name = "csf";
        auto csf = sfl::nn::build_network(csf_cfg, in, 10, 2025);
        sfl::save_model_file(dir + "/model_csf.sflm", sfl::nn::to_c_model(*csf), true);
        // The sf net with an l2norm layer (sfl_model kind SFL_MODEL_L2NORM) before its SF layer.
        sfl::nn::NetConfig norm_cfg;
        norm_cfg.name = "sf";
        norm_cfg.sf.l1 = 0.25f; // sfl-train's default for sf
        norm_cfg.sf_input_norm = 15.0f;
        auto norm = sfl::nn::build_network(norm_cfg, in, 10, 2026);
        sfl::save_model_file(dir + "/model_norm.sflm", sfl::nn::to_c_model(*norm), true);

        // MNIST-like: mostly zero background, the rest k / 255.
        sfl::nn::Rng rng(7);
        std::vector<float> x(size_t(kImages) * size_t(in.size()));
        for (float &v : x) v = rng.uniform() < 0.7f ? 0.0f : float(rng.below(256)) / 255.0f;
        sfl::nn::Runner runner(*net, kImages);
        const float *y = runner.forward(kImages, x.data(), false);
        write_floats(dir + "/inputs.f32", x.data(), x.size());
        write_floats(dir + "/expected.f32", y, size_t(kImages) * size_t(net->out_shape().size()));
        sfl::nn::Runner norm_runner(*norm, kImages);
        const float *yn = norm_runner.forward(kImages, x.data(), false);
        write_floats(dir + "/expected_norm.f32", yn, size_t(kImages) * size_t(norm->out_shape().size()));
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "make_fixture: %s\n", e.what());
        return 1;
    }
}
