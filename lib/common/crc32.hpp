// CRC-32 of IEEE 802.3 / zlib / PNG (reflected, polynomial 0xEDB88320, initial
// value and final xor 0xFFFFFFFF), table-driven with a compile-time table. The
// one copy in the project: sfl_crc32() (sfl_model.h) and the C++ wrapper's
// checkpoint files both go through it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sfl {

/** Continue a CRC-32 over bytes more bytes (start with crc = 0):
 *  crc32_update(crc32_update(0, a), b) == crc32_update(0, a || b). */
uint32_t crc32_update(uint32_t crc, const void *data, size_t bytes);

} // namespace sfl
