// crc32.hpp - CRC-32 of IEEE 802.3 / zlib / PNG (reflected, polynomial 0xEDB88320,
// initial value and final xor 0xFFFFFFFF). Guards the checkpoint files
// (checkpoint.hpp). Internal to sflpp; the table is the C library's (sfl_crc32).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sfl {
namespace detail {

/** Continue a CRC-32 over n more bytes, zlib style: start with crc = 0, feed the
 *  result back in for the next piece; crc32_update(0, "123456789", 9) == 0xCBF43926. */
uint32_t crc32_update(uint32_t crc, const void *data, size_t n);

} // namespace detail
} // namespace sfl
