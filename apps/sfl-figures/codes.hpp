// codes.hpp - the sparse codes a model's SF/CSF layers give on a set of images:
// nonzeros per code and how often each atom is used.
#pragma once

#include <cstdint>
#include <vector>

#include "sfl/sfl.h"

namespace sfl_figures {

struct LayerCodes {
    int32_t layer = 0;              // index in the model (0-based)
    int32_t kind = 0;               // SFL_MODEL_CSF or SFL_MODEL_SF
    int32_t paper_layer = 0;        // 1-based number among the paper's layers (paper_layer_number)
    int32_t K = 0;                  // atoms
    std::vector<int32_t> nnz;       // nonzeros of every code (CSF: one code per patch position and image)
    std::vector<int64_t> atom_use;  // K: codes in which the atom is nonzero
    int64_t not_converged = 0;      // forward calls that reported SFL_WARN_NOT_CONVERGED
};

// 1-based number of layer i among the paper's layers (docs/design.md section 3): l2norm
// layers (sfl-train --sf-input-norm) are not counted, so the SF layer stays layer 5.
int32_t paper_layer_number(const sfl_model &model, int32_t i);


/** Run every prefix of `model` that ends in an SF or CSF layer (an extractor,
 *  sfl_model.h) on the n images X (n x model.in, HWC) and count the nonzeros of its
 *  codes. Throws sfl::Error on a failing forward pass. */
std::vector<LayerCodes> measure_codes(const sfl_model &model, const float *X, int32_t n);

} // namespace sfl_figures
