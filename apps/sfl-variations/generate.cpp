// Drawing and transforming the digits of one variation (generate.hpp).
#include "generate.hpp"

#include <stdexcept>
#include <utility>

#include "backgrounds.hpp"
#include "draw.hpp"
#include "rotate.hpp"
#include "sfl/idx.hpp"

namespace sfl_variations {

const char *kind_name(Kind k) {
    switch (k) {
    case Kind::rot: return "rot";
    case Kind::rand: return "rand";
    default: return "img";
    }
}

Pool load_pool(const std::string &dir) {
    const std::string ti = dir + "/train-images-idx3-ubyte", tl = dir + "/train-labels-idx1-ubyte";
    const std::string si = dir + "/t10k-images-idx3-ubyte", sl = dir + "/t10k-labels-idx1-ubyte";
    sfl::idx::Images a = sfl::idx::load_images(ti);
    const sfl::idx::Images b = sfl::idx::load_images(si);
    const std::vector<uint8_t> la = sfl::idx::load_labels(tl), lb = sfl::idx::load_labels(sl);
    if (la.size() != size_t(a.n))
        throw std::runtime_error(tl + ": " + std::to_string(la.size()) + " labels for " + std::to_string(a.n) +
                                 " images in " + ti);
    if (lb.size() != size_t(b.n))
        throw std::runtime_error(sl + ": " + std::to_string(lb.size()) + " labels for " + std::to_string(b.n) +
                                 " images in " + si);
    if (a.rows != b.rows || a.cols != b.cols)
        throw std::runtime_error(si + ": images are " + std::to_string(b.rows) + "x" + std::to_string(b.cols) +
                                 ", those of " + ti + " are " + std::to_string(a.rows) + "x" + std::to_string(a.cols));
    Pool p;
    p.n_train = a.n;
    p.n = a.n + b.n;
    p.rows = a.rows;
    p.cols = a.cols;
    p.pixels = std::move(a.pixels);
    p.pixels.insert(p.pixels.end(), b.pixels.begin(), b.pixels.end());
    p.labels = la;
    p.labels.insert(p.labels.end(), lb.begin(), lb.end());
    return p;
}

Variation make_variation(const Pool &pool, const Config &cfg, const PatchBank *bank) {
    if (cfg.train < 1 || cfg.test < 1)
        throw std::runtime_error("the training and test counts must be at least 1");
    if (int64_t(cfg.train) + cfg.test > pool.n)
        throw std::runtime_error(std::to_string(cfg.train) + " training + " + std::to_string(cfg.test) +
                                 " test digits exceed the " + std::to_string(pool.n) + " pooled MNIST images");
    if (cfg.kind == Kind::img && !bank) throw std::runtime_error("MNIST-img needs background images");

    Variation v;
    v.kind = cfg.kind;
    v.seed = cfg.seed;
    v.train = cfg.train;
    v.test = cfg.test;
    v.rows = pool.rows;
    v.cols = pool.cols;
    const int32_t total = cfg.train + cfg.test;
    const size_t px = size_t(pool.rows) * size_t(pool.cols);

    Stream select(cfg.seed, Purpose::select);
    v.source = draw_without_replacement(select, pool.n, total);
    v.pixels.resize(size_t(total) * px);
    v.labels.resize(size_t(total));

    const Purpose purpose =
        cfg.kind == Kind::rot ? Purpose::rot : cfg.kind == Kind::rand ? Purpose::rand : Purpose::img;
    Stream s(cfg.seed, purpose);
    std::vector<uint8_t> background(px);
    for (int32_t i = 0; i < total; ++i) {
        const size_t src = size_t(v.source[size_t(i)]);
        const uint8_t *digit = pool.pixels.data() + src * px;
        uint8_t *out = v.pixels.data() + size_t(i) * px;
        v.labels[size_t(i)] = pool.labels[src];
        switch (cfg.kind) {
        case Kind::rot: {
            const uint32_t w = s.word();
            v.angles.push_back(w);
            rotate_bilinear(digit, pool.rows, pool.cols, angle_cos_sin(w), out);
            break;
        }
        case Kind::rand: combine_noise(digit, int32_t(px), s, out); break;
        case Kind::img:
            v.patches.push_back(bank->draw(s, background.data()));
            combine_max(digit, background.data(), int32_t(px), out);
            break;
        }
    }
    return v;
}

} // namespace sfl_variations
