// CRC-32 (IEEE 802.3, reflected): one byte per step through a 256-entry table
// computed at compile time (it lives in .rodata, flash on a microcontroller).
// Model blobs are at most a few megabytes; byte-at-a-time is enough.
#include "common/crc32.hpp"

#include "sfl/sfl_model.h"

namespace sfl {
namespace {

struct Table {
    uint32_t v[256];
};

// v[b] = the CRC register after shifting byte b through the reflected polynomial.
constexpr Table make_table() {
    Table t{};
    for (uint32_t b = 0; b < 256; ++b) {
        uint32_t c = b;
        for (int k = 0; k < 8; ++k) c = (c & 1u) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        t.v[b] = c;
    }
    return t;
}

constexpr Table kTable = make_table();
static_assert(kTable.v[1] == 0x77073096u && kTable.v[255] == 0x2D02EF8Du, "CRC-32 table");

} // namespace

uint32_t crc32_update(uint32_t crc, const void *data, size_t bytes) {
    const unsigned char *p = static_cast<const unsigned char *>(data);
    crc = ~crc;
    for (size_t i = 0; i < bytes; ++i) crc = kTable.v[(crc ^ p[i]) & 0xFFu] ^ (crc >> 8);
    return ~crc;
}

} // namespace sfl

extern "C" SFL_API uint32_t sfl_crc32(uint32_t crc, const void *data, size_t bytes) {
    if (bytes == 0) return crc; // data may be NULL then
    return sfl::crc32_update(crc, data, bytes);
}
