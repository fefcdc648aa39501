// c_header.hpp - an sfl_model as a C header of static const arrays and a
// static const sfl_model (the contract is in sfl-export's --help and docs/deploy.md).
#pragma once

#include <cstddef>
#include <string>

#include "sfl/sfl.h"

namespace sfl_export {

struct HeaderSizes {
    size_t const_bytes = 0;     // NAME_CONST_BYTES: weights, biases, plans in the arrays
    size_t workspace_bytes = 0; // NAME_WORKSPACE_BYTES: sfl_model_forward_workspace_size(model, 1)
    size_t act_floats = 0;      // NAME_ACT_FLOATS: the largest output of layers 0 .. n-2, per sample
    size_t layer_ws = 0;        // NAME_LAYER_WORKSPACE_BYTES: the largest layer workspace for one image
    size_t plan_bytes = 0;      // NAME_PLAN_BYTES: sfl_model_plans_size (0 when the plans are in the header)
};

/** Sizes of the header of model (checked; plans as they are: NULL ones are built on the device).
 *  Throws sfl::Error. */
HeaderSizes header_sizes(const sfl_model &model);

/** The header text. name: a C identifier, prefix of every identifier (NAME_model, NAME_IN_H, ...);
 *  source: the model file, named in the first comment. Present plans go into the header. */
std::string c_header(const sfl_model &model, const std::string &name, const std::string &source);

} // namespace sfl_export
