// Unlabelled samples of sfl-train (docs/training.md, "Unlabelled images").
#include "unlabeled.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "sfl/nn/rng.hpp"

namespace sfl_train {
namespace {

/** The first k entries of v become a uniform draw without replacement (partial Fisher-Yates). */
void draw_front(std::vector<int32_t> &v, size_t k, uint64_t seed) {
    sfl::nn::Rng rng(seed);
    for (size_t i = 0; i < k; ++i) std::swap(v[i], v[i + size_t(rng.below(uint64_t(v.size() - i)))]);
}

} // namespace

std::vector<int32_t> unlabeled_set(const std::vector<int32_t> &pool, const std::vector<int32_t> &labelled,
                                   int32_t count, uint64_t seed) {
    std::vector<int32_t> taken(labelled);
    std::sort(taken.begin(), taken.end());
    std::vector<int32_t> rest;
    rest.reserve(pool.size());
    for (int32_t i : pool)
        if (!std::binary_search(taken.begin(), taken.end(), i)) rest.push_back(i);
    if (count < 0) return rest; // pool is sorted (iota), so is rest
    if (size_t(count) > rest.size())
        throw std::runtime_error("--unlabeled " + std::to_string(count) + ": only " + std::to_string(rest.size()) +
                                 " training images are outside the labelled subset" +
                                 " and the validation hold-out");
    draw_front(rest, size_t(count), seed);
    rest.resize(size_t(count));
    std::sort(rest.begin(), rest.end());
    return rest;
}

void epoch_samples(const std::vector<int32_t> &idx, const std::vector<int32_t> &labels,
                   const std::vector<int32_t> &unlabeled, int32_t per_epoch, float mu, uint64_t seed,
                   std::vector<int32_t> &out_idx, std::vector<int32_t> &out_labels) {
    out_idx = idx;
    out_labels = labels;
    if (mu == 0.0f || per_epoch <= 0 || unlabeled.empty()) return;
    const size_t k = std::min(size_t(per_epoch), unlabeled.size());
    std::vector<int32_t> u(unlabeled);
    draw_front(u, k, seed);
    out_idx.insert(out_idx.end(), u.begin(), u.begin() + std::ptrdiff_t(k));
    out_labels.insert(out_labels.end(), k, -1);
}

} // namespace sfl_train
