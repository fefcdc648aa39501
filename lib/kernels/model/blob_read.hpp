// Loading a model blob (sfl_model_load): the framing checks (size, magic,
// endianness mark, version, stated size, CRCs), then the content, with every
// offset and length checked before anything is read through it. The model
// holds views into the blob.
#pragma once

#include <cstddef>

#include "sfl/sfl_model.h"

namespace sfl {
namespace model {

// blob: non-NULL, SFL_WORKSPACE_ALIGN aligned, size bytes; little-endian host.
// Fills *model only on SFL_OK. Statuses as sfl_model_load().
sfl_status load_blob(const unsigned char *blob, size_t size, sfl_model *model);

} // namespace model
} // namespace sfl
