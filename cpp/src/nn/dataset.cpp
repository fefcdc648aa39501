// Datasets from idx files and seeded balanced subsets.
#include "sfl/nn/dataset.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "sfl/idx.hpp"
#include "sfl/nn/rng.hpp"

namespace sfl {
namespace nn {

Dataset load_idx_dataset(const std::string &images, const std::string &labels) {
    const idx::Images im = idx::load_images(images);
    const std::vector<uint8_t> lab = idx::load_labels(labels);
    if (size_t(im.n) != lab.size())
        throw std::runtime_error(images + " holds " + std::to_string(im.n) + " images but " + labels + " holds " +
                                 std::to_string(lab.size()) + " labels");
    Dataset d;
    d.shape = Shape{im.rows, im.cols, 1};
    d.n = im.n;
    d.x.resize(im.pixels.size());
    for (size_t i = 0; i < im.pixels.size(); ++i) d.x[i] = float(im.pixels[i]) * (1.0f / 255.0f);
    d.labels.assign(lab.begin(), lab.end());
    d.classes = 1 + *std::max_element(lab.begin(), lab.end());
    return d;
}

std::vector<int32_t> iota_indices(int32_t begin, int32_t end) {
    std::vector<int32_t> v(size_t(std::max(0, end - begin)));
    std::iota(v.begin(), v.end(), begin);
    return v;
}

std::vector<int32_t> balanced_subset(const Dataset &d, const std::vector<int32_t> &pool, int32_t per_class,
                                     uint64_t seed) {
    std::vector<std::vector<int32_t>> by_class(size_t(d.classes));
    for (int32_t i : pool) by_class[size_t(d.labels[size_t(i)])].push_back(i);
    Rng rng(seed);
    std::vector<int32_t> out;
    for (int32_t c = 0; c < d.classes; ++c) {
        auto &v = by_class[size_t(c)];
        if (int32_t(v.size()) < per_class)
            throw std::runtime_error("class " + std::to_string(c) + " has only " + std::to_string(v.size()) +
                                     " samples, " + std::to_string(per_class) + " requested per class");
        // Partial Fisher-Yates: the first per_class entries are a uniform draw.
        for (int32_t k = 0; k < per_class; ++k) std::swap(v[size_t(k)], v[size_t(k) + rng.below(v.size() - size_t(k))]);
        out.insert(out.end(), v.begin(), v.begin() + per_class);
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace nn
} // namespace sfl
