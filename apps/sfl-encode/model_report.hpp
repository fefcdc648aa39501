// model_report.hpp - what sfl-encode --model ran (layers, shapes, input, output)
// and how fast, printed for people or as one JSON object.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include "extractor.hpp"
#include "images.hpp"
#include "options.hpp"

namespace sfl_encode {

struct ModelSummary {
    const Options *opt = nullptr;
    const Extractor *ex = nullptr;
    bool plans_in_model = false;     // the file stored the SF/CSF plans (else built at load)
    std::string input_format;        // "npy" or "idx"
    std::vector<size_t> input_shape; // as stored
    std::vector<size_t> output_shape;
    size_t samples = 0;
    unsigned threads = 0;
    double seconds = 0.0;
    double samples_per_second = 0.0;
    size_t not_converged = 0, errors = 0;
};

ModelSummary summarize_model(const Options &opt, const Extractor &ex, bool plans_in_model, const ImageBatch &images,
                             const std::vector<size_t> &output_shape, const ForwardResult &r);

/** Aligned "name  value" lines, one per layer run. */
void print_model_human(std::FILE *out, const ModelSummary &s);

/** One JSON object on one line, with its line break. Keys: mode ("model"), model, model_layers, layers_run,
 *  layers (one object per layer run: layer (1-based, as --layers counts), kind, in, out as [h, w, c], and for csf/sf
 *  l1, l2, solver, tol, max_iter; for conv2d/csf/maxpool2d kernel, stride, padding as
 *  [h, w]), plans_in_model, input, input_format, input_shape, output, output_shape,
 *  samples, threads, seconds, samples_per_second, not_converged, errors. */
std::string model_summary_json(const ModelSummary &s);

} // namespace sfl_encode
