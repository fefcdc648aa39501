// make_test_model - fixtures for the sfl-encode --model CLI tests (test_sfl_encode.py),
// so that they need no trained model and no MNIST:
//
//   make_test_model model OUT.sflm [--net lenet|csf|sf|csf+sf] [--h H] [--w W] [--c C]
//                   [--seed S] [--max-iter N] [--no-plans] [--dict P.npy]
//       An untrained network of the paper (sfl::nn::build_network, 10 classes) for
//       H x W x C images, written as a model file. --max-iter sets the bound of
//       every SF/CSF layer; --dict writes the P (m x K) of the first SF/CSF layer
//       as .npy.
//   make_test_model forward MODEL.sflm K X.npy Y.npy
//       The reference: one sfl_model_forward call over all N samples of X (N, in)
//       through the first K layers; Y is (N, out) float32.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "sfl/model.hpp"
#include "sfl/nn/models.hpp"
#include "sfl/npy.hpp"
#include "sfl/sfl.hpp"

namespace {

struct ModelArgs {
    std::string out, net = "csf", dict;
    int32_t h = 28, w = 28, c = 1;
    uint64_t seed = 1;
    int32_t max_iter = 0;
    bool plans = true;
};

ModelArgs parse_model_args(int argc, char **argv) {
    ModelArgs a;
    a.out = argv[2];
    for (int i = 3; i < argc; ++i) {
        const std::string f = argv[i];
        if (f == "--no-plans") a.plans = false;
        else if (i + 1 >= argc) throw std::invalid_argument(f + " needs a value");
        else {
            const std::string v = argv[++i];
            if (f == "--net") a.net = v;
            else if (f == "--h") a.h = std::stoi(v);
            else if (f == "--w") a.w = std::stoi(v);
            else if (f == "--c") a.c = std::stoi(v);
            else if (f == "--seed") a.seed = std::stoull(v);
            else if (f == "--max-iter") a.max_iter = std::stoi(v);
            else if (f == "--dict") a.dict = v;
            else throw std::invalid_argument("unknown option " + f);
        }
    }
    return a;
}

// The first SF/CSF layer of the network (nullptr if none).
const sfl::nn::FactorBase *first_factor(const sfl::nn::Sequential &net) {
    for (const auto &l : net.layers())
        if (l->factorizes()) return static_cast<const sfl::nn::FactorBase *>(l.get());
    return nullptr;
}

int make_model(int argc, char **argv) {
    const ModelArgs a = parse_model_args(argc, argv);
    sfl::nn::NetConfig cfg;
    cfg.name = a.net;
    auto net = sfl::nn::build_network(cfg, sfl::nn::Shape{a.h, a.w, a.c}, 10, a.seed);
    const sfl::nn::FactorBase *factor = first_factor(*net);
    sfl_model model = sfl::nn::to_c_model(*net);
    for (int32_t i = 0; i < model.n_layers; ++i)
        if (model.layers[i].kind == SFL_MODEL_CSF || model.layers[i].kind == SFL_MODEL_SF)
            model.layers[i].enet.max_iter = a.max_iter; // the plan does not depend on it
    sfl::save_model_file(a.out, model, a.plans);
    if (!a.dict.empty()) {
        if (!factor) throw std::invalid_argument("--dict: the network has no SF/CSF layer");
        const sfl::nn::Param &P = factor->dictionary();
        sfl::npy::save_f32(a.dict, P.value.data(), {size_t(P.shape[0]), size_t(P.shape[1])});
    }
    return 0;
}

int forward(char **argv) {
    sfl::LoadedModel loaded = sfl::LoadedModel::from_file(argv[2]);
    loaded.set_lanes(1); // as sfl-encode --model runs it
    sfl_model m = loaded.model();
    const int32_t k = std::stoi(argv[3]);
    if (k < 1 || k > m.n_layers) throw std::invalid_argument("K out of range");
    m.n_layers = k;
    m.out = m.layers[k - 1].out;
    const sfl::npy::Array X = sfl::npy::load_f32(argv[4]);
    const size_t in = size_t(m.in.h) * m.in.w * m.in.c, out = size_t(m.out.h) * m.out.w * m.out.c;
    if (X.shape.size() != 2 || X.shape[1] != in) throw std::invalid_argument("X must be (N, in)");
    const size_t n = X.shape[0];
    size_t bytes = 0;
    sfl::check(sfl_model_forward_workspace_size(&m, int32_t(n), &bytes), "sfl_model_forward_workspace_size");
    sfl::Workspace ws(bytes);
    const sfl_workspace view = ws.view();
    std::vector<float> Y(n * out);
    sfl::check(sfl_model_forward(&view, &m, int32_t(n), X.data.data(), Y.data()), "sfl_model_forward");
    sfl::npy::save_f32(argv[5], Y.data(), {n, out});
    return 0;
}

} // namespace

int main(int argc, char **argv) {
    try {
        const std::string mode = argc > 2 ? argv[1] : "";
        if (mode == "model") return make_model(argc, argv);
        if (mode == "forward" && argc == 6) return forward(argv);
        std::fprintf(stderr, "usage: make_test_model model OUT.sflm [options] | forward MODEL K X.npy Y.npy\n");
        return 2;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "make_test_model: %s\n", e.what());
        return 1;
    }
}
