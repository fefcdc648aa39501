// options.hpp - command line of sfl-variations.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli_parse.hpp"
#include "generate.hpp"

namespace sfl_variations {

using sfl_cli::UsageError;

/** The natural images of Debian's python3-skimage used by default (docs/variations.md). */
extern const char *const kDefaultImagesDir;
std::vector<std::string> default_image_names();

/** Default --min-std: patches with a standard deviation below 0.05 (grey / 255) are skipped. */
constexpr double kDefaultMinStd = 0.05;

struct Options {
    bool quiet = false;
    Config cfg;
    std::string mnist_dir, out_dir;
    std::string images_dir;               // img
    std::vector<std::string> image_names; // img
    double min_std = kDefaultMinStd;      // img
    std::string montage;                  // PNG of the first 16 training digits, if set
};

const char *usage();

/** Parse argv; throws UsageError (one line) on a bad or missing flag, sfl_cli::HelpRequest
 *  for -h / --help. */
Options parse_options(int argc, const char *const *argv);

} // namespace sfl_variations
