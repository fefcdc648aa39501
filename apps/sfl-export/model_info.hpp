// model_info.hpp - sizes and names of an sfl_model's layers (sfl_model.h), as the
// header writer and the summary need them.
#pragma once

#include <cstddef>
#include <string>

#include "sfl/sfl.h"

#include "sfl/model.hpp"

namespace sfl_export {

using sfl::model_kind_name;
using sfl::model_shape_str;

/** Floats of the layer's weight (0 if none): conv2d m x cout, linear in x out, csf/sf m x K. */
size_t weight_floats(const sfl_model_layer &l);

/** Floats of the layer's bias (0 if none). */
size_t bias_floats(const sfl_model_layer &l);

/** Rows m of a csf/sf layer's P (0 for the others). */
int32_t dict_rows(const sfl_model_layer &l);

/** Bytes of the layer's plan (sfl_enet_plan_size), 0 unless csf/sf with a plan. */
size_t plan_bytes(const sfl_model_layer &l);

/** Bytes the model needs in static const arrays: weights, biases and present plans. */
size_t const_bytes(const sfl_model &m);

} // namespace sfl_export
