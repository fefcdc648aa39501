// LoadedModel, model_blob, save_model_file: model blobs (sfl_model.h) in owned
// memory and on disk.
#include "sfl/model.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "atomic_file.hpp"

namespace sfl {
namespace {

/** Throw sfl::Error "<what>: <action>: <status text>" for st < 0. */
void check_named(sfl_status st, const std::string &what, const char *action) {
    if (st < 0) throw Error(st, what + ": " + action + ": " + sfl_status_string(st));
}

struct FileCloser {
    void operator()(std::FILE *f) const noexcept { std::fclose(f); }
};

/** The whole file (any kind: read to its end) in aligned memory; *bytes = its size. */
Workspace read_file(const std::string &path, size_t *bytes) {
    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
    if (!f) throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
    std::vector<unsigned char> data;
    unsigned char chunk[1 << 16];
    size_t got;
    while ((got = std::fread(chunk, 1, sizeof chunk, f.get())) > 0) data.insert(data.end(), chunk, chunk + got);
    if (std::ferror(f.get())) throw std::runtime_error(path + ": cannot read: " + std::strerror(errno));
    Workspace w(data.empty() ? 1 : data.size());
    if (!data.empty()) std::memcpy(w.data(), data.data(), data.size());
    *bytes = data.size();
    return w;
}

bool all_plans_present(const sfl_model &m) {
    for (int32_t i = 0; i < m.n_layers; ++i) {
        const int32_t k = m.layers[i].kind;
        if ((k == SFL_MODEL_CSF || k == SFL_MODEL_SF) && !m.layers[i].plan) return false;
    }
    return true;
}

} // namespace

void LoadedModel::load(size_t size, const std::string &what) {
    check_named(sfl_model_load(blob_.data(), size, &model_), what, "cannot load the model");
    blob_bytes_ = size;
    had_plans_ = all_plans_present(model_);
    size_t plan_bytes = 0;
    check_named(sfl_model_plans_size(&model_, &plan_bytes), what, "cannot size the plans");
    if (plan_bytes > 0) {
        plans_.reserve(plan_bytes);
        // Zero the padding between a plan's regions too: the plans then equal the images a
        // blob stores, byte for byte, and what sfl-export copies out is deterministic.
        std::memset(plans_.data(), 0, plans_.size());
        check_named(sfl_model_build_plans(&model_, plans_.data(), plans_.size()), what, "cannot build the plans");
    }
    // Once per load: every stored plan belongs to its weight (the forward calls trust it).
    check_named(sfl_model_check(&model_), what, "the model's plans do not match its weights");
}

void LoadedModel::set_lanes(int32_t lanes) {
    if (lanes != 0 && lanes != 1) throw std::invalid_argument("LoadedModel::set_lanes: lanes must be 0 or 1");
    for (int32_t i = 0; i < model_.n_layers; ++i) {
        const int32_t k = model_.layers[i].kind;
        if (k == SFL_MODEL_CSF || k == SFL_MODEL_SF) model_.layers[i].enet.lanes = lanes;
    }
}

LoadedModel LoadedModel::from_bytes(const void *data, size_t size, const std::string &what) {
    LoadedModel lm;
    lm.blob_.reserve(size > 0 ? size : 1);
    if (size > 0) std::memcpy(lm.blob_.data(), data, size);
    lm.load(size, what);
    return lm;
}

LoadedModel LoadedModel::from_file(const std::string &path) {
    size_t size = 0;
    LoadedModel lm;
    lm.blob_ = read_file(path, &size);
    lm.load(size, path);
    return lm;
}

std::vector<unsigned char> model_blob(const sfl_model &model, bool with_plans) {
    size_t bytes = 0;
    check(sfl_model_blob_size(&model, with_plans ? 1 : 0, &bytes), "sfl_model_blob_size");
    std::vector<unsigned char> out(bytes);
    size_t written = 0;
    check(sfl_model_write(&model, with_plans ? 1 : 0, out.data(), out.size(), &written), "sfl_model_write");
    out.resize(written);
    return out;
}

void write_file_atomically(const std::string &path, const void *data, size_t bytes) {
    try {
        detail::AtomicFile f(path);
        f.write(data, bytes);
        f.commit();
    } catch (const std::runtime_error &e) {
        throw std::runtime_error(path + ": cannot write: " + e.what());
    }
}

void save_model_file(const std::string &path, const sfl_model &model, bool with_plans) {
    std::vector<unsigned char> blob;
    try {
        blob = model_blob(model, with_plans);
    } catch (const Error &e) {
        throw Error(e.status(), path + ": cannot write the model: " + sfl_status_string(e.status()));
    }
    write_file_atomically(path, blob.data(), blob.size());
}

std::string model_kind_name(int32_t kind) {
    switch (kind) {
    case SFL_MODEL_CONV2D: return "conv2d";
    case SFL_MODEL_CSF: return "csf";
    case SFL_MODEL_MAXPOOL2D: return "maxpool2d";
    case SFL_MODEL_RELU: return "relu";
    case SFL_MODEL_LINEAR: return "linear";
    case SFL_MODEL_SF: return "sf";
    case SFL_MODEL_L2NORM: return "l2norm";
    default: return "kind " + std::to_string(kind);
    }
}

std::string model_shape_str(const sfl_dims4 &d) {
    return std::to_string(d.h) + "x" + std::to_string(d.w) + "x" + std::to_string(d.c);
}

} // namespace sfl
