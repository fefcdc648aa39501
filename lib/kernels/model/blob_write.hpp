// Writing a model blob (sfl_model_write): the values scan that comes first,
// then every field in little-endian byte order at the offsets of blob_format.hpp.
#pragma once

#include "sfl/sfl_model.h"
#include "kernels/model/blob_layout.hpp"

namespace sfl {
namespace model {

// SFL_ERR_NOT_FINITE if a weight, bias or (stored) plan value is NaN or infinite.
sfl_status check_values(const sfl_model &model, const BlobLayout &layout);

// Writes layout.total bytes at buf (any alignment): header, records, tensors,
// zero padding, then the two CRCs. The model is checked and its values finite.
void write_blob(const sfl_model &model, const BlobLayout &layout, unsigned char *buf);

} // namespace model
} // namespace sfl
