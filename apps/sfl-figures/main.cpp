// sfl-figures: pictures of a trained model (docs/figures.md): its CSF dictionary,
// a sample of its SF atoms, first-layer conv filters, and a histogram of the code
// sparsity of every SF/CSF layer on a set of images.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "atoms.hpp"
#include "cli_main.hpp"
#include "codes.hpp"
#include "png.hpp"
#include "sfl/idx.hpp"
#include "sfl/model.hpp"
#include "svg_hist.hpp"

namespace {

using sfl_cli::UsageError;
using namespace sfl_figures;

const char kUsage[] =
    "usage: sfl-figures --model FILE [--out DIR] [--images IDX] [--count N] [--scale S]\n"
    "                   [--sf-atoms N] [--sf-scale S]\n"
    "\n"
    "Draws a trained model (model.sflm of sfl-train) into DIR (default: the model's\n"
    "directory/figures):\n"
    "  layerI_csf_atoms.png    every CSF atom (kh x kw), each scaled to its own min/max\n"
    "  layerI_conv_filters.png the filters of a first-layer convolution, drawn the same way\n"
    "  layerI_sf_atoms.png     SF atoms: one h x w map per input channel (the SF layer's input,\n"
    "                          4x4x50 in the paper's nets), in rows of 10, scaled per atom; the\n"
    "                          atoms most often nonzero on the images (first ones without images)\n"
    "  sparsity.svg            per SF/CSF layer, the histogram of the fraction of nonzero\n"
    "                          coefficients per code on the images\n"
    "\n"
    "  --model FILE   model blob (include/sfl/sfl_model.h): sfl-train's --model file\n"
    "  --out DIR      output directory (created)\n"
    "  --images IDX   idx image file for the sparsity histogram (default: the MNIST test\n"
    "                 images, $SFL_DATA/mnist or data/mnist), pixels / 255 as sfl-train\n"
    "  --count N      first N images (default 1000; 0: no histogram)\n"
    "  --scale S      pixels per CSF / conv weight (default 12)\n"
    "  --sf-atoms N   SF atoms drawn (default 16)\n"
    "  --sf-scale S   pixels per SF weight (default 4)\n"
    "  -h, --help     this help\n"
    "\n"
    "Exit status: 0 success; 1 error (one line \"sfl-figures: error: ...\" on stderr);\n"
    "2 usage error (bad command line).\n";

struct Options {
    std::string model, out, images;
    int32_t count = 1000, scale = 12, sf_atoms = 16, sf_scale = 4;
};

/** argv checked: UsageError (one line) for a bad or missing flag, sfl_cli::HelpRequest for -h / --help. */
Options parse(int argc, char **argv) {
    Options o;
    const char *env = std::getenv("SFL_DATA");
    o.images = std::string(env && *env ? env : "data") + "/mnist/t10k-images-idx3-ubyte";
    for (int i = 1; i < argc; ++i) {
        const sfl_cli::FlagArg f = sfl_cli::read_flag(argv[i]);
        sfl_cli::FlagValue v(f, argc, argv, i);
        if (f.flag == "--model") o.model = v();
        else if (f.flag == "--out") o.out = v();
        else if (f.flag == "--images") o.images = v();
        else if (f.flag == "--count") o.count = int32_t(sfl_cli::parse_int(f.flag, v(), 0, 10000000));
        else if (f.flag == "--scale") o.scale = int32_t(sfl_cli::parse_int(f.flag, v(), 1, 64));
        else if (f.flag == "--sf-atoms") o.sf_atoms = int32_t(sfl_cli::parse_int(f.flag, v(), 1, 4096));
        else if (f.flag == "--sf-scale") o.sf_scale = int32_t(sfl_cli::parse_int(f.flag, v(), 1, 64));
        else throw UsageError("unknown option '" + f.flag + "' (see --help)");
    }
    if (o.model.empty()) throw UsageError("--model is required (see --help)");
    if (o.out.empty()) {
        const std::filesystem::path dir = std::filesystem::path(o.model).parent_path();
        o.out = (dir.empty() ? std::filesystem::path(".") : dir).string() + "/figures";
    }
    return o;
}

/** The first `count` images of an idx file as floats for a model taking `in`. */
std::vector<float> load_images(const std::string &path, int32_t count, const sfl_dims4 &in, int32_t &n) {
    const sfl::idx::Images im = sfl::idx::load_images(path);
    if (in.c != 1 || im.rows != in.h || im.cols != in.w)
        throw std::runtime_error(path + ": images are " + std::to_string(im.rows) + "x" + std::to_string(im.cols) +
                         ", the model takes " + sfl::model_shape_str(in));
    n = std::min(count, im.n);
    std::vector<float> x(size_t(n) * size_t(im.rows) * size_t(im.cols));
    for (size_t i = 0; i < x.size(); ++i) x[i] = float(im.pixels[i]) / 255.0f;
    return x;
}

/** SF atom indices: the `k` most used (ties: lower index first), or the first k. */
std::vector<int32_t> pick_atoms(int32_t K, int32_t k, const LayerCodes *use) {
    std::vector<int32_t> idx(static_cast<size_t>(K));
    std::iota(idx.begin(), idx.end(), 0);
    if (use)
        std::stable_sort(idx.begin(), idx.end(), [&](int32_t a, int32_t b) {
            return use->atom_use[size_t(a)] > use->atom_use[size_t(b)];
        });
    idx.resize(size_t(std::min(K, k)));
    return idx;
}

/** sfl-train's model.sflc is a checkpoint (weights by name), not a model blob: say which file to give. */
void refuse_checkpoint(const std::string &path) {
    char magic[8] = {};
    if (FILE *f = std::fopen(path.c_str(), "rb")) {
        const size_t got = std::fread(magic, 1, sizeof magic, f);
        std::fclose(f);
        if (got == sizeof magic && std::memcmp(magic, "SFLCKPT", 8) == 0)
            throw std::runtime_error(path + ": an sfl checkpoint, not a model blob; give the model.sflm "
                                            "sfl-train writes next to model.sflc");
    }
}

int run(const Options &o) {
    refuse_checkpoint(o.model);
    const sfl::LoadedModel loaded = sfl::LoadedModel::from_file(o.model);
    const sfl_model &m = loaded.model();
    std::filesystem::create_directories(o.out);

    std::vector<LayerCodes> codes;
    int32_t n = 0;
    if (o.count > 0) {
        const std::vector<float> x = load_images(o.images, o.count, m.in, n);
        codes = measure_codes(m, x.data(), n);
    }
    auto codes_of = [&](int32_t layer) -> const LayerCodes * {
        for (const auto &c : codes)
            if (c.layer == layer) return &c;
        return nullptr;
    };

    for (int32_t i = 0; i < m.n_layers; ++i) {
        const sfl_model_layer &L = m.layers[i];
        const std::string stem = o.out + "/layer" + std::to_string(paper_layer_number(m, i));
        std::string file;
        if (L.kind == SFL_MODEL_CSF || (L.kind == SFL_MODEL_CONV2D && i == 0)) {
            std::vector<int32_t> all(static_cast<size_t>(L.out.c));
            std::iota(all.begin(), all.end(), 0);
            file = stem + (L.kind == SFL_MODEL_CSF ? "_csf_atoms.png" : "_conv_filters.png");
            write_png(file, layer_atoms(L, all, o.scale, std::min<int32_t>(L.out.c, 10), 1, kChannelGap));
            std::printf("%s: %d atoms of %dx%dx%d\n", file.c_str(), L.out.c, L.geom.kernel.h, L.geom.kernel.w, L.in.c);
        } else if (L.kind == SFL_MODEL_SF) {
            const LayerCodes *use = codes_of(i);
            const std::vector<int32_t> which = pick_atoms(L.out.c, o.sf_atoms, use);
            file = stem + "_sf_atoms.png";
            write_png(file, layer_atoms(L, which, o.sf_scale, 4, 6, kAtomGap));
            std::printf("%s: %zu of %d atoms (%s), each %d channel maps of %dx%d:", file.c_str(), which.size(),
                        L.out.c, use ? "the most used on the images" : "the first ones", L.in.c, L.in.h, L.in.w);
            for (int32_t j : which) std::printf(" %d", j);
            std::printf("\n");
        }
    }
    if (!codes.empty()) {
        const std::filesystem::path mp(o.model); // "RUN/model.sflm" in the title
        const std::string svg = sparsity_svg(codes, n, (mp.parent_path().filename() / mp.filename()).string());
        const std::string file = o.out + "/sparsity.svg";
        sfl::write_file_atomically(file, svg.data(), svg.size());
        std::printf("%s: %d images\n", file.c_str(), n);
        for (const auto &c : codes) {
            const Histogram h = sparsity_histogram(c);
            int64_t unused = 0;
            for (int64_t u : c.atom_use) unused += u == 0;
            std::printf("  layer %d %s K=%d: %zu codes, mean fraction nonzero %.4f, all-zero codes %.2f%%, "
                        "atoms never used %lld%s\n",
                        c.paper_layer, sfl::model_kind_name(c.kind).c_str(), c.K, c.nnz.size(), h.mean_fraction,
                        h.zero_percent, static_cast<long long>(unused),
                        c.not_converged ? " (some solves hit max_iter)" : "");
        }
    } else {
        std::printf("no SF/CSF layer (or --count 0): no sparsity histogram\n");
    }
    return 0;
}

} // namespace

int main(int argc, char **argv) {
    return sfl_cli::run_main({"sfl-figures", kUsage}, [&] { return run(parse(argc, argv)); });
}
