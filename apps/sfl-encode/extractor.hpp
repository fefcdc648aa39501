// extractor.hpp - sfl-encode --model: the prefix of a model that is run (by
// default up to and including its first SF/CSF layer: the CSF extractor), and
// the threaded forward pass of that prefix over a batch of samples.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "row_progress.hpp"
#include "sfl/sfl.h"

namespace sfl_encode {

/** The prefix of a model that sfl-encode runs. */
struct Extractor {
    sfl_model model{};  // copy of the model with n_layers = run, out = layers[run - 1].out
    int32_t run = 0;    // layers run
    int32_t total = 0;  // layers of the model file
    bool chosen = false; // --layers chose run (else: up to the first SF/CSF layer)
};

/** The prefix of `full`: its first `layers` layers (1 .. full.n_layers), or with
 *  layers == 0 every layer up to and including the first SF or CSF one. Throws
 *  InputError naming --layers / the file `path` when there is no such prefix. */
Extractor make_extractor(const sfl_model &full, int32_t layers, const std::string &path);

struct ForwardResult {
    std::vector<float> Y;           // n x out floats
    unsigned threads = 0;           // threads used
    double seconds = 0.0;           // wall clock of the forward (threads started .. joined)
    size_t not_converged = 0;       // samples with a solve that hit max_iter (SFL_WARN_NOT_CONVERGED)
    size_t errors = 0;              // samples whose forward returned SFL_WARN_ROWS_FAILED (Y written)
    long first_error_sample = -1;   // the first of them, -1 if none
    int first_error_status = 0;     // its status
};

/** Run model (plans present) on the n samples X (n x in, finite) with `threads`
 *  threads: contiguous sample ranges, one workspace each, one sfl_model_forward
 *  call per sample. A call per sample gives each sample's status (the counts) and
 *  makes Y the same bit for bit for every thread count; the solves dominate the
 *  time, not the call. Throws sfl::Error when a call fails as a whole (bad model,
 *  workspace; no Y then). The samples done are counted in `progress`. */
ForwardResult run_forward(const sfl_model &model, const float *X, size_t n, unsigned threads,
                          RowProgress &progress);

} // namespace sfl_encode
