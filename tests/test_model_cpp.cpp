// The C++ side of sfl_model.h: a wrapper network viewed as an sfl_model
// (to_c_model), written as a blob and loaded back (model_blob, LoadedModel,
// save_model_file), must give the SAME bits through sfl_model_forward as the
// network's own forward (the Runner sfl-train evaluates with), image by image
// and in the evaluation's chunks of 128; file round trips and errors.
#if SFL_TESTS_HAVE_CPP
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sfl/model.hpp"
#include "sfl/nn/dataset.hpp"
#include "sfl/nn/layers.hpp"
#include "sfl/nn/models.hpp"
#include "sfl/nn/network.hpp"
#include "sfl/nn/rng.hpp"
#include "sfl/nn/trainer.hpp"
#include "temp_dir.hpp"

using namespace sfl::nn;

namespace {

// Trainer::accuracy runs chunks of max(ceil(batch / threads), 128) samples; with
// sfl-train's batches (<= 64) that is 128 (cpp/src/nn/trainer.cpp, kEvalChunk).
// Under qemu, valgrind or the sanitizers (SFL_TESTS_SHORT) a chunk of 16 keeps the suite short; the
// native run covers 128, and the chunking test below shows the size does not matter.
#if SFL_TESTS_SHORT
constexpr int32_t kEvalChunk = 16;
#else
constexpr int32_t kEvalChunk = 128;
#endif
// One full evaluation chunk and a tail of 3.
constexpr int32_t kImages = kEvalChunk + 3;
const Shape kMnist{28, 28, 1};

/** MNIST-like images: mostly zero background, the rest k / 255. */
std::vector<float> mnist_like(int32_t n, uint64_t seed) {
    Rng rng(seed);
    std::vector<float> x(size_t(n) * size_t(kMnist.size()));
    for (float &v : x) v = rng.uniform() < 0.7f ? 0.0f : float(rng.below(256)) / 255.0f;
    return x;
}

/** Logits of the network's forward (Runner, as sfl-train's evaluation) in chunks of `chunk`. */
std::vector<float> runner_forward(const Sequential &net, const std::vector<float> &x, int32_t n, int32_t chunk) {
    Runner r(net, chunk);
    const size_t in = size_t(net.in_shape().size()), out = size_t(net.out_shape().size());
    std::vector<float> y(size_t(n) * out);
    for (int32_t i = 0; i < n; i += chunk) {
        const int32_t b = std::min(chunk, n - i);
        const float *z = r.forward(b, x.data() + size_t(i) * in, false);
        std::memcpy(y.data() + size_t(i) * out, z, size_t(b) * out * sizeof(float));
    }
    return y;
}

/** Outputs of sfl_model_forward in chunks of `chunk`. */
std::vector<float> model_forward(const sfl_model &m, const std::vector<float> &x, int32_t n, int32_t chunk) {
    size_t bytes = 0;
    REQUIRE(sfl_model_forward_workspace_size(&m, chunk, &bytes) == SFL_OK);
    sfl::Workspace ws(bytes);
    const sfl_workspace w = ws.view();
    const size_t in = size_t(m.in.h) * size_t(m.in.w) * size_t(m.in.c);
    const size_t out = size_t(m.out.h) * size_t(m.out.w) * size_t(m.out.c);
    std::vector<float> y(size_t(n) * out);
    for (int32_t i = 0; i < n; i += chunk) {
        const int32_t b = std::min(chunk, n - i);
        const sfl_status st = sfl_model_forward(&w, &m, b, x.data() + size_t(i) * in, y.data() + size_t(i) * out);
        REQUIRE(st >= 0);
    }
    return y;
}

bool same_bits(const std::vector<float> &a, const std::vector<float> &b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

/** Index of the first differing float (a.size() if none) and the largest |difference|. */
std::string first_difference(const std::vector<float> &a, const std::vector<float> &b) {
    size_t first = a.size(), count = 0;
    double worst = 0.0;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::memcmp(&a[i], &b[i], sizeof(float)) != 0) {
            if (first == a.size()) first = i;
            ++count;
            worst = std::max(worst, std::fabs(double(a[i]) - double(b[i])));
        }
    return std::to_string(count) + " of " + std::to_string(a.size()) + " differ, first at " + std::to_string(first) +
           ", max |diff| " + std::to_string(worst);
}

/** The paper's network with sfl-train's default settings (apps/sfl-train/options.cpp);
 *  sf_input_norm > 0: an L2Norm layer of that scale in front of the SF layer
 *  (sfl-train --sf-input-norm). */
std::unique_ptr<Sequential> paper_net(const std::string &name, uint64_t seed, float sf_input_norm = 0.0f) {
    NetConfig cfg;
    cfg.name = name;
    cfg.sf.l1 = name == "sf" ? 0.25f : 0.5f;
    cfg.sf.lu_input_weight = 0.0f;
    cfg.sf_input_norm = sf_input_norm;
    return build_network(cfg, kMnist, 10, seed);
}

/** The scale the tests give NetConfig::sf_input_norm (not a power of two). */
constexpr float kSfInputNorm = 15.0f;

/** n images of 10 classes (label i % 10): a bright 8x8 square at a place of its own
 *  per class over MNIST-like noise, so a network learns to tell them apart quickly. */
Dataset patterned(int32_t n, uint64_t seed) {
    Dataset d;
    d.shape = kMnist;
    d.n = n;
    d.x = mnist_like(n, seed);
    for (float &v : d.x) v *= 0.3f;
    d.classes = 10;
    for (int32_t i = 0; i < n; ++i) {
        const int32_t c = i % 10, r0 = 2 + 12 * (c / 5), c0 = 1 + 5 * (c % 5);
        float *img = d.x.data() + size_t(i) * size_t(kMnist.size());
        for (int32_t r = r0; r < r0 + 8; ++r)
            for (int32_t q = c0; q < c0 + 8 && q < 28; ++q) img[r * 28 + q] = 1.0f;
        d.labels.push_back(c);
    }
    return d;
}

/** The network after `epochs` epochs of SGD on 40 patterned images (weights and plans
 *  no longer the init). */
std::unique_ptr<Sequential> trained_net(const std::string &name, int32_t epochs = 1, float sf_input_norm = 0.0f) {
    auto net = paper_net(name, 11, sf_input_norm);
    const Dataset d = patterned(40, 12);
    TrainConfig tc;
    tc.batch = 8;
    tc.sgd.lr = 0.05f;
    Trainer t(*net, tc);
    const std::vector<int32_t> idx = iota_indices(0, d.n);
    for (int32_t e = 0; e < epochs; ++e) t.train_epoch(d, idx, d.labels, e, 0.5f);
    return net;
}

/** The model through a blob and back (plans stored or rebuilt by LoadedModel). */
sfl::LoadedModel through_blob(const Sequential &net, bool with_plans) {
    const std::vector<unsigned char> blob = sfl::model_blob(to_c_model(net), with_plans);
    sfl::LoadedModel lm = sfl::LoadedModel::from_bytes(blob.data(), blob.size());
    lm.set_lanes(1); // the network's own setting (FactorBase::enet_params)
    return lm;
}

/** Forward of the loaded model image by image and in evaluation chunks == the network's, bit for bit. */
void check_same_outputs(const Sequential &net, const sfl::LoadedModel &lm, uint64_t seed) {
    const std::vector<float> x = mnist_like(kImages, seed);
    const std::vector<float> ref = runner_forward(net, x, kImages, kEvalChunk);
    const std::vector<float> one = model_forward(lm.model(), x, kImages, 1);
    const std::vector<float> chunked = model_forward(lm.model(), x, kImages, kEvalChunk);
    CHECK_MESSAGE(same_bits(ref, one), "image by image: " << first_difference(ref, one));
    CHECK_MESSAGE(same_bits(ref, chunked), "chunks of 128: " << first_difference(ref, chunked));
    // The network's own forward does not depend on the chunking either (firmware: one at a time).
    const std::vector<float> ref1 = runner_forward(net, x, kImages, 1);
    CHECK_MESSAGE(same_bits(ref, ref1), "Runner, 1 vs 128: " << first_difference(ref, ref1));
}

std::vector<unsigned char> read_bytes(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    return std::vector<unsigned char>(std::istreambuf_iterator<char>(f), {});
}

/** The message of the exception f throws (of type E); fails the test if none. */
template <class E, class F>
std::string message_of(F &&f) {
    try {
        f();
    } catch (const E &e) {
        return e.what();
    }
    FAIL("no exception");
    return {};
}

} // namespace

TEST_CASE("to_c_model: the csf+sf network's records point at its parameters and plans") {
    auto net = paper_net("csf+sf", 1);
    const sfl_model m = to_c_model(*net);
    REQUIRE(m.n_layers == 6);
    CHECK(sfl_model_check(&m) == SFL_OK);
    CHECK((m.in.n == 1 && m.in.h == 28 && m.in.w == 28 && m.in.c == 1));
    CHECK((m.out.n == 1 && m.out.h == 1 && m.out.w == 1 && m.out.c == 10));
    const int32_t kinds[] = {SFL_MODEL_CSF, SFL_MODEL_MAXPOOL2D, SFL_MODEL_CONV2D,
                             SFL_MODEL_MAXPOOL2D, SFL_MODEL_SF, SFL_MODEL_LINEAR};
    for (int32_t i = 0; i < 6; ++i) CHECK(m.layers[i].kind == kinds[i]);
    const auto &layers = net->layers();
    const auto &csf = static_cast<const FactorBase &>(*layers[0]);
    const auto &sf = static_cast<const FactorBase &>(*layers[4]);
    CHECK(m.layers[0].weight == csf.dictionary().value.data());
    CHECK(m.layers[0].plan == csf.plan().get());
    CHECK(m.layers[0].geom.kernel.h == 5);
    CHECK(m.layers[0].enet.l1 == csf.config().l1);
    CHECK(m.layers[0].enet.l2 == csf.config().l2);
    CHECK(m.layers[4].plan == sf.plan().get());
    CHECK((m.layers[4].out.c == 500 && m.layers[4].in.h == 4 && m.layers[4].in.c == 50));
    CHECK(m.layers[1].geom.stride.h == 2);
    CHECK((m.layers[1].weight == nullptr && m.layers[1].plan == nullptr));
    CHECK(m.layers[2].bias != nullptr);
    CHECK((m.layers[5].in.c == 500 && m.layers[5].out.c == 10));
    // Untouched records beyond n_layers are zero.
    CHECK(m.layers[6].kind == 0);
}

TEST_CASE("to_c_model: too many layers or none") {
    Sequential many(Shape{2, 2, 1});
    for (int32_t i = 0; i <= SFL_MODEL_MAX_LAYERS; ++i) many.add(std::make_unique<ReLU>(Shape{2, 2, 1}));
    CHECK_THROWS_AS(to_c_model(many), std::invalid_argument);
    Sequential none(Shape{2, 2, 1});
    CHECK_THROWS_AS(to_c_model(none), std::invalid_argument);
    // The largest model converts.
    Sequential max(Shape{2, 2, 1});
    for (int32_t i = 0; i < SFL_MODEL_MAX_LAYERS; ++i) max.add(std::make_unique<ReLU>(Shape{2, 2, 1}));
    CHECK(to_c_model(max).n_layers == SFL_MODEL_MAX_LAYERS);
}

TEST_CASE("sfl_model_forward of a loaded blob == the network's forward, bit for bit") {
    for (const char *name : {"lenet", "csf", "sf", "csf+sf"}) {
        CAPTURE(name);
        auto net = paper_net(name, 5);
        check_same_outputs(*net, through_blob(*net, true), 21);
    }
}

TEST_CASE("to_c_model: NetConfig::sf_input_norm puts an l2norm record with its scale in front of the SF layer") {
    for (const char *name : {"sf", "csf+sf"}) {
        CAPTURE(name);
        auto net = paper_net(name, 1, kSfInputNorm);
        const sfl_model m = to_c_model(*net);
        REQUIRE(m.n_layers == 7);
        CHECK(sfl_model_check(&m) == SFL_OK);
        const int32_t first = std::string(name) == "sf" ? SFL_MODEL_CONV2D : SFL_MODEL_CSF;
        const int32_t kinds[] = {first, SFL_MODEL_MAXPOOL2D, SFL_MODEL_CONV2D, SFL_MODEL_MAXPOOL2D,
                                 SFL_MODEL_L2NORM, SFL_MODEL_SF, SFL_MODEL_LINEAR};
        for (int32_t i = 0; i < 7; ++i) CHECK(m.layers[i].kind == kinds[i]);
        const sfl_model_layer &l = m.layers[4];
        CHECK((l.in.n == 1 && l.in.h == 4 && l.in.w == 4 && l.in.c == 50));
        CHECK(std::memcmp(&l.in, &l.out, sizeof l.in) == 0);
        CHECK(std::memcmp(&l.out, &m.layers[5].in, sizeof l.out) == 0);
        CHECK(l.norm.scale == kSfInputNorm);
        const sfl_l2norm_params def = SFL_L2NORM_PARAMS_INIT;
        CHECK(l.norm.eps == def.eps);
        CHECK((l.weight == nullptr && l.bias == nullptr && l.plan == nullptr));
        const auto *layer = dynamic_cast<const L2Norm *>(net->layers()[4].get());
        REQUIRE(layer != nullptr);
        CHECK(std::memcmp(&layer->params_c(), &l.norm, sizeof l.norm) == 0);
        for (int32_t i : {0, 1, 2, 3, 5, 6}) CHECK((m.layers[i].norm.scale == 0.0f && m.layers[i].norm.eps == 0.0f));
        // The blob's l2norm record carries the scale and eps (record bytes 120 and 124).
        const std::vector<unsigned char> blob = sfl::model_blob(m, true);
        const unsigned char *r = blob.data() + SFL_MODEL_HEADER_BYTES + 4 * SFL_MODEL_RECORD_BYTES;
        float scale = 0.0f, eps = 0.0f;
        std::memcpy(&scale, r + 120, 4); // little-endian host (the blob is used in place)
        std::memcpy(&eps, r + 124, 4);
        CHECK(scale == kSfInputNorm);
        CHECK(eps == def.eps);
        uint16_t minor = 0;
        std::memcpy(&minor, blob.data() + 10, 2);
        CHECK(minor == SFL_MODEL_FORMAT_MINOR);
        const sfl::LoadedModel lm = sfl::LoadedModel::from_bytes(blob.data(), blob.size());
        CHECK(lm.model().layers[4].kind == SFL_MODEL_L2NORM);
        CHECK(std::memcmp(&lm.model().layers[4].norm, &l.norm, sizeof l.norm) == 0);
    }
    // sf_input_norm is for the SF layer: the nets without one have no l2norm.
    for (const char *name : {"lenet", "csf"}) {
        CAPTURE(name);
        const sfl_model m = to_c_model(*paper_net(name, 1, kSfInputNorm));
        for (int32_t i = 0; i < m.n_layers; ++i) CHECK(m.layers[i].kind != SFL_MODEL_L2NORM);
    }
}

TEST_CASE("sfl_model_forward of a loaded blob == the network's forward, bit for bit, with sf_input_norm") {
#if SFL_TESTS_SHORT
    // Under qemu, valgrind or the sanitizers the csf+sf net alone (its l2norm feeds the SF
    // layer as in the sf net; a minute and a half of qemu-aarch64 for both); natively both.
    for (const char *name : {"csf+sf"}) {
#else
    for (const char *name : {"sf", "csf+sf"}) {
#endif
        CAPTURE(name);
        auto net = paper_net(name, 5, kSfInputNorm);
        check_same_outputs(*net, through_blob(*net, true), 26);
        check_same_outputs(*net, through_blob(*net, false), 27);
        // The layer matters: the same weights without it give other outputs.
        auto plain = paper_net(name, 5);
        const std::vector<float> x = mnist_like(4, 28);
        CHECK_FALSE(same_bits(runner_forward(*net, x, 4, 4), runner_forward(*plain, x, 4, 4)));
        CHECK_FALSE(same_bits(model_forward(through_blob(*net, true).model(), x, 4, 4),
                              model_forward(through_blob(*plain, true).model(), x, 4, 4)));
    }
}

TEST_CASE("sfl_model_forward == the network's forward after training steps with sf_input_norm") {
    auto net = trained_net("csf+sf", 1, kSfInputNorm);
    REQUIRE(net->layers()[4]->kind() == "l2norm");
    check_same_outputs(*net, through_blob(*net, true), 29);
    check_same_outputs(*net, through_blob(*net, false), 30);
}

TEST_CASE("sfl_model_forward == the network's forward with non-negative codes (FactorConfig::positive)") {
    // sfl-train --positive: both factorization layers solve for a >= 0; the flag reaches the
    // C records (and so the blob and sfl-export), and it changes the outputs.
    NetConfig cfg;
    cfg.name = "csf+sf";
    cfg.sf.l1 = 0.25f;
    cfg.sf.lu_input_weight = 0.0f;
    cfg.sf_input_norm = kSfInputNorm;
    cfg.csf.positive = cfg.sf.positive = true;
    auto net = build_network(cfg, kMnist, 10, 5);
    const sfl_model m = to_c_model(*net);
    int32_t flagged = 0;
    for (int32_t i = 0; i < m.n_layers; ++i)
        if (m.layers[i].kind == SFL_MODEL_CSF || m.layers[i].kind == SFL_MODEL_SF) flagged += m.layers[i].enet.positive;
    CHECK(flagged == 2);
    const sfl::LoadedModel lm = through_blob(*net, true);
    for (int32_t i = 0; i < lm.model().n_layers; ++i)
        if (lm.model().layers[i].kind == SFL_MODEL_CSF || lm.model().layers[i].kind == SFL_MODEL_SF)
            CHECK(lm.model().layers[i].enet.positive == 1);
    check_same_outputs(*net, lm, 32);
    cfg.csf.positive = cfg.sf.positive = false;
    auto signed_net = build_network(cfg, kMnist, 10, 5);
    const std::vector<float> x = mnist_like(4, 33);
    CHECK_FALSE(same_bits(runner_forward(*net, x, 4, 4), runner_forward(*signed_net, x, 4, 4)));
}

TEST_CASE("the forward does not depend on how the images are chunked (GEMM and solver tails)") {
    // Trainer::accuracy splits the evaluation set over threads, then into chunks of 128:
    // any chunk size may occur. The firmware runs one image at a time.
    for (const char *name : {"lenet", "csf"}) {
        CAPTURE(name);
        auto net = paper_net(name, 6);
        const sfl::LoadedModel lm = through_blob(*net, true);
#if SFL_TESTS_SHORT
        const int32_t n = 17;
        const std::initializer_list<int32_t> chunks = {2, 3, 5, 8, 16, 17};
#else
        const int32_t n = 40;
        const std::initializer_list<int32_t> chunks = {2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 40};
#endif
        const std::vector<float> x = mnist_like(n, 24);
        const std::vector<float> one = model_forward(lm.model(), x, n, 1);
        for (int32_t chunk : chunks) {
            CAPTURE(chunk);
            const std::vector<float> r = runner_forward(*net, x, n, chunk);
            CHECK_MESSAGE(same_bits(one, r), "Runner: " << first_difference(one, r));
            const std::vector<float> c = model_forward(lm.model(), x, n, chunk);
            CHECK_MESSAGE(same_bits(one, c), "sfl_model_forward: " << first_difference(one, c));
        }
    }
}

TEST_CASE("sfl-train's accuracy (Trainer::accuracy, 2 threads) == image-by-image sfl_model_forward's") {
    // Labels = the argmax of the model run one image at a time (the firmware demo's
    // prediction): the Trainer, splitting 300 images over 2 threads in chunks of 128
    // and a tail, must then score 100%.
    auto net = trained_net("csf", 3);
    const sfl::LoadedModel lm = through_blob(*net, true);
    Dataset d = patterned(300, 25);
    const std::vector<float> y = model_forward(lm.model(), d.x, d.n, 1);
    for (int32_t i = 0; i < d.n; ++i) {
        const float *r = y.data() + size_t(i) * 10;
        d.labels[size_t(i)] = int32_t(std::max_element(r, r + 10) - r); // first largest, as Runner::tally
    }
    // Not one class for all (then a different logit would rarely change the count).
    CHECK(std::count(d.labels.begin(), d.labels.end(), d.labels[0]) < d.n / 2);
    TrainConfig tc;
    tc.threads = 2;
    Trainer t(*net, tc);
    CHECK(t.accuracy(d, iota_indices(0, d.n)) == 100.0);
}

TEST_CASE("sfl_model_forward == the network's forward after training steps, plans stored or rebuilt") {
    auto net = trained_net("csf+sf");
    const sfl::LoadedModel with = through_blob(*net, true), without = through_blob(*net, false);
    CHECK(with.had_plans());
    CHECK_FALSE(without.had_plans());
    check_same_outputs(*net, with, 22);
    check_same_outputs(*net, without, 23);
    // The plans LoadedModel builds equal the stored ones byte for byte (padding zero too),
    // so what sfl-export copies out of either is the same.
    for (int32_t i : {0, 4}) {
        const sfl_model_layer &a = with.model().layers[i], &b = without.model().layers[i];
        const sfl_enet_dims d{i == 0 ? 25 : 800, a.out.c};
        size_t bytes = 0;
        REQUIRE(sfl_enet_plan_size(&d, &bytes) == SFL_OK);
        CHECK(std::memcmp(a.plan, b.plan, bytes) == 0);
    }
}

TEST_CASE("save_model_file / LoadedModel::from_file round trip, with and without plans") {
    sfl_test::TempDir dir("model_cpp");
    auto net = trained_net("csf");
    const sfl_model src = to_c_model(*net);
    const std::vector<float> x = mnist_like(5, 31);
    const std::vector<float> ref = runner_forward(*net, x, 5, 1);
    for (bool plans : {true, false}) {
        CAPTURE(plans);
        const std::string path = (dir.path / (plans ? "with.sflm" : "without.sflm")).string();
        sfl::save_model_file(path, src, plans);
        const std::vector<unsigned char> bytes = read_bytes(path);
        CHECK(bytes == sfl::model_blob(src, plans));
        sfl::LoadedModel lm = sfl::LoadedModel::from_file(path);
        for (int32_t i = 0; i < lm.model().n_layers; ++i) CHECK(lm.model().layers[i].enet.lanes == 0); // not stored
        lm.set_lanes(1); // the network's setting
        CHECK_THROWS_AS(lm.set_lanes(2), std::invalid_argument);
        CHECK(lm.had_plans() == plans);
        CHECK(lm.blob_bytes() == bytes.size());
        const sfl_model &m = lm.model();
        REQUIRE(m.n_layers == src.n_layers);
        for (int32_t i = 0; i < m.n_layers; ++i) {
            const sfl_model_layer &a = m.layers[i], &b = src.layers[i];
            CHECK(a.kind == b.kind);
            CHECK(std::memcmp(&a.in, &b.in, sizeof a.in) == 0);
            CHECK(std::memcmp(&a.out, &b.out, sizeof a.out) == 0);
            CHECK(std::memcmp(&a.geom, &b.geom, sizeof a.geom) == 0);
            CHECK(std::memcmp(&a.enet, &b.enet, sizeof a.enet) == 0);
            CHECK(std::memcmp(&a.norm, &b.norm, sizeof a.norm) == 0);
            CHECK((a.plan != nullptr) == (b.plan != nullptr));
            CHECK(reinterpret_cast<uintptr_t>(a.plan) % SFL_WORKSPACE_ALIGN == 0);
        }
        CHECK(same_bits(model_forward(m, x, 5, 1), ref));
        // A moved LoadedModel keeps its model valid.
        sfl::LoadedModel moved = sfl::LoadedModel::from_file(path);
        moved.set_lanes(1);
        const sfl::LoadedModel taken = std::move(moved);
        CHECK(same_bits(model_forward(taken.model(), x, 5, 1), ref));
    }
    // Leaving the plans out makes the file smaller.
    const size_t with = read_bytes((dir.path / "with.sflm").string()).size();
    const size_t without = read_bytes((dir.path / "without.sflm").string()).size();
    CHECK(with > without);
}

TEST_CASE("LoadedModel errors name the file and the sfl status") {
    sfl_test::TempDir dir("model_cpp_err");
    auto net = paper_net("csf", 3);
    const std::vector<unsigned char> good = sfl::model_blob(to_c_model(*net), true);

    const std::string missing = (dir.path / "missing.sflm").string();
    std::string msg = message_of<std::runtime_error>([&] { sfl::LoadedModel::from_file(missing); });
    CHECK(msg.find(missing) != std::string::npos);
    CHECK(msg.find("cannot open") != std::string::npos);

    struct Case {
        const char *file;
        std::vector<unsigned char> bytes;
        sfl_status status;
    };
    std::vector<unsigned char> flipped = good, truncated(good.begin(), good.begin() + long(good.size() / 2));
    flipped[good.size() - 100] ^= 0x40; // inside the payload: only the CRC can tell
    const std::vector<unsigned char> text = {'h', 'e', 'l', 'l', 'o', '\n'};
    std::vector<unsigned char> not_model(200, 0x5a);
    const Case cases[] = {{"flipped.sflm", flipped, SFL_ERR_MODEL_CRC},
                          {"truncated.sflm", truncated, SFL_ERR_MODEL_TRUNCATED},
                          {"text.sflm", text, SFL_ERR_MODEL_TRUNCATED},
                          {"empty.sflm", {}, SFL_ERR_MODEL_TRUNCATED},
                          {"other.sflm", not_model, SFL_ERR_MODEL_MAGIC}};
    for (const Case &c : cases) {
        CAPTURE(c.file);
        const std::string path = dir.file(c.file, c.bytes);
        try {
            sfl::LoadedModel::from_file(path);
            FAIL("loaded a bad blob");
        } catch (const sfl::Error &e) {
            CHECK(e.status() == c.status);
            const std::string m = e.what();
            CHECK(m.find(path) != std::string::npos);
            CHECK(m.find(sfl_status_string(c.status)) != std::string::npos);
            CHECK(m.find('\n') == std::string::npos);
        }
    }
    // from_bytes names what it was given.
    try {
        sfl::LoadedModel::from_bytes(flipped.data(), flipped.size(), "the flash image");
        FAIL("loaded a bad blob");
    } catch (const sfl::Error &e) {
        CHECK(e.status() == SFL_ERR_MODEL_CRC);
        CHECK(std::string(e.what()).find("the flash image") != std::string::npos);
    }
    // The good blob still loads.
    CHECK(sfl::LoadedModel::from_bytes(good.data(), good.size()).had_plans());
}

TEST_CASE("save_model_file: errors name the path and leave no file") {
    sfl_test::TempDir dir("model_cpp_save");
    auto net = paper_net("lenet", 4);
    sfl_model m = to_c_model(*net);
    const std::string nodir = (dir.path / "no" / "such" / "dir" / "m.sflm").string();
    const std::string msg = message_of<std::runtime_error>([&] { sfl::save_model_file(nodir, m, true); });
    CHECK(msg.find(nodir) != std::string::npos);

    // A non-finite weight: refused by sfl_model_write, nothing written (not even a temp file).
    std::vector<float> w(m.layers[0].weight, m.layers[0].weight + 25 * 20);
    w[7] = NAN;
    m.layers[0].weight = w.data();
    const std::string path = (dir.path / "nan.sflm").string();
    try {
        sfl::save_model_file(path, m, true);
        FAIL("wrote a NaN weight");
    } catch (const sfl::Error &e) {
        CHECK(e.status() == SFL_ERR_NOT_FINITE);
        CHECK(std::string(e.what()).find(path) != std::string::npos);
    }
    CHECK(dir.entries().empty());
}

#endif // SFL_TESTS_HAVE_CPP
