// Command-line parsing of sfl-variations: --flag value or --flag=value.
#include "options.hpp"

#include <sstream>

namespace sfl_variations {
namespace {

const char kUsage[] =
    "usage: sfl-variations --kind rot|rand|img --mnist DIR --out DIR [--seed N] [--train N] [--test N]\n"
    "                      [--images DIR] [--image-names LIST] [--min-std X] [--montage FILE] [--quiet]\n"
    "\n"
    "Writes an MNIST variation of Larochelle et al. (2007) (docs/design.md section 4, docs/variations.md) as the\n"
    "four MNIST idx files plus manifest.json into DIR, so sfl-train --data DIR reads it like MNIST.\n"
    "The digits are drawn without replacement from the 70,000 pooled MNIST images.\n"
    "\n"
    "  --kind K          rot: turned by an angle uniform in [0, 2pi), bilinear, about the centre\n"
    "                    rand: max(digit, uniform noise in [0, 1]) on every pixel\n"
    "                    img: max(digit, a 28x28 patch of a natural grey image)\n"
    "  --mnist DIR       the four MNIST idx files (scripts/fetch_mnist.sh DIR)\n"
    "  --out DIR         output directory (created; files in it are replaced)\n"
    "  --seed N          0 .. 4294967295 (default 1); same seed, same bytes on any machine\n"
    "  --train N         training digits (default 12000)\n"
    "  --test N          test digits (default 50000); train + test <= the pool (70,000)\n"
    "  --images DIR      img: folder of the background images\n"
    "                    (default /usr/lib/python3/dist-packages/skimage/data, Debian python3-skimage)\n"
    "  --image-names L   img: comma-separated file names in --images (default: the 13 natural images\n"
    "                    listed in docs/variations.md)\n"
    "  --min-std X       img: skip patches whose standard deviation (grey/255) is below X (default 0.05)\n"
    "  --montage FILE    also write a PNG of the first 16 training digits\n"
    "  --quiet           no summary line\n"
    "  -h, --help        this help\n"
    "\n"
    "Exit status: 0 success; 1 error (one line \"sfl-variations: error: ...\" on stderr; nothing is\n"
    "written before all inputs are read); 2 usage error (bad command line).\n";

std::vector<std::string> split_names(const std::string &t) {
    std::vector<std::string> out;
    std::stringstream ss(t);
    std::string item;
    while (std::getline(ss, item, ',')) {
        if (item.empty()) throw UsageError("--image-names has an empty name in '" + t + "'");
        out.push_back(item);
    }
    if (out.empty()) throw UsageError("--image-names needs at least one name");
    return out;
}

} // namespace

const char *const kDefaultImagesDir = "/usr/lib/python3/dist-packages/skimage/data";

std::vector<std::string> default_image_names() {
    // Photographs and textures; left out: drawings, text pages, charts, near-uniform
    // microscopy (cell.png), and motorcycle_right.png (the stereo twin of motorcycle_left.png).
    return {"astronaut.png", "brick.png",  "camera.png", "chelsea.png", "clock_motion.png",
            "coffee.png",    "coins.png",  "grass.png",  "gravel.png",  "ihc.png",
            "moon.png",      "motorcycle_left.png", "text.png"};
}

const char *usage() { return kUsage; }

Options parse_options(int argc, const char *const *argv) {
    using sfl_cli::parse_int;
    using sfl_cli::parse_real;
    Options o;
    o.images_dir = kDefaultImagesDir;
    o.image_names = default_image_names();
    bool have_kind = false;
    for (int i = 1; i < argc; ++i) {
        const sfl_cli::FlagArg f = sfl_cli::read_flag(argv[i]);
        const std::string &arg = f.flag;
        if (arg == "--quiet") {
            sfl_cli::refuse_value(f);
            o.quiet = true;
            continue;
        }
        sfl_cli::FlagValue value(f, argc, argv, i);
        if (arg == "--kind") {
            if (value() == "rot") o.cfg.kind = Kind::rot;
            else if (value() == "rand") o.cfg.kind = Kind::rand;
            else if (value() == "img") o.cfg.kind = Kind::img;
            else throw UsageError("--kind must be rot, rand or img, got '" + value() + "'");
            have_kind = true;
        } else if (arg == "--mnist") o.mnist_dir = value();
        else if (arg == "--out") o.out_dir = value();
        else if (arg == "--seed") o.cfg.seed = uint32_t(parse_int(arg, value(), 0, 4294967295L));
        else if (arg == "--train") o.cfg.train = int32_t(parse_int(arg, value(), 1, 100000000L));
        else if (arg == "--test") o.cfg.test = int32_t(parse_int(arg, value(), 1, 100000000L));
        else if (arg == "--images") o.images_dir = value();
        else if (arg == "--image-names") o.image_names = split_names(value());
        else if (arg == "--min-std") {
            o.min_std = parse_real(arg, value());
            if (o.min_std < 0.0 || o.min_std > 0.5) throw UsageError("--min-std must be in [0, 0.5], got " + value());
        } else if (arg == "--montage") o.montage = value();
        else throw UsageError("unknown option '" + arg + "' (see --help)");
        if (value().empty()) throw UsageError(arg + " needs a non-empty value");
    }
    if (!have_kind) throw UsageError("--kind is required (rot, rand or img)");
    if (o.mnist_dir.empty()) throw UsageError("--mnist DIR is required");
    if (o.out_dir.empty()) throw UsageError("--out DIR is required");
    return o;
}

} // namespace sfl_variations
