// svg_hist.hpp - the code-sparsity histograms as SVG text (one panel per SF/CSF layer).
#pragma once

#include <string>
#include <vector>

#include "codes.hpp"

namespace sfl_figures {

struct Histogram {
    double x_max = 1.0;            // bins cover [0, x_max] of the fraction of nonzeros
    std::vector<double> percent;   // share of the codes in each bin, in percent
    double mean_fraction = 0.0;    // mean fraction of nonzeros per code
    double zero_percent = 0.0;     // codes with no nonzero, in percent
};

/** K <= 50: one bin per nonzero count 0..K (x_max 1). Otherwise 25 equal bins over
 *  [0, x_max], x_max the smallest of 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1 holding every
 *  code (a fraction on a bin edge goes to the upper bin, x_max to the last). */
Histogram sparsity_histogram(const LayerCodes &c);

/** An SVG document: one histogram panel per layer, `images` the inputs measured. */
std::string sparsity_svg(const std::vector<LayerCodes> &layers, int32_t images, const std::string &model_name);

} // namespace sfl_figures
