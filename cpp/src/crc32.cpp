// CRC-32 of the checkpoint files: the C library's sfl_crc32() (lib/common/crc32.cpp),
// so the table lives once in the program.
#include "crc32.hpp"

#include <sfl/sfl_model.h>

namespace sfl {
namespace detail {

uint32_t crc32_update(uint32_t crc, const void *data, size_t n) { return sfl_crc32(crc, data, n); }

} // namespace detail
} // namespace sfl
