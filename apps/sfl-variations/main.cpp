// sfl-variations: writes MNIST-rot, MNIST-rand or MNIST-img (docs/design.md section 4,
// docs/variations.md) as MNIST idx files, deterministically from a seed.
#include <chrono>
#include <cstdio>
#include <memory>

#include "cli_main.hpp"
#include "generate.hpp"
#include "montage.hpp"
#include "options.hpp"
#include "patch_bank.hpp"
#include "variation_files.hpp"

namespace {

using namespace sfl_variations;

int run(const Options &o) {
    const auto t0 = std::chrono::steady_clock::now();
    // Every input is read and every digit made before anything is written.
    const Pool pool = load_pool(o.mnist_dir);
    std::unique_ptr<PatchBank> bank;
    if (o.cfg.kind == Kind::img) {
        std::vector<GreyImage> images;
        for (const std::string &name : o.image_names) images.push_back(load_grey(o.images_dir + "/" + name, name));
        bank = std::make_unique<PatchBank>(std::move(images), pool.rows, pool.cols, o.min_std);
    }
    const Variation v = make_variation(pool, o.cfg, bank.get());
    ManifestInputs in;
    in.pool = &pool;
    in.bank = bank.get();
    in.min_std = o.min_std;
    write_variation(o.out_dir, v, in);
    if (!o.montage.empty()) write_montage_png(o.montage, v.pixels, v.train, v.rows, v.cols);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!o.quiet)
        std::printf("sfl-variations: mnist-%s, seed %u: %d train + %d test digits in %s (%.2f s)\n",
                    kind_name(v.kind), unsigned(v.seed), int(v.train), int(v.test), o.out_dir.c_str(), secs);
    return 0;
}

} // namespace

int main(int argc, char **argv) {
    return sfl_cli::run_main({"sfl-variations", usage()}, [&] { return run(parse_options(argc, argv)); });
}
