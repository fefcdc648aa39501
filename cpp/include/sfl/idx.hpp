// idx.hpp - read the idx files MNIST is distributed in (uncompressed).
//
// Layout (big-endian): a 4-byte magic 0x00 0x00 <type> <ndim> with type 0x08
// (uint8), then ndim u32 sizes, then the data. Images: magic 0x00000803,
// n x rows x cols pixels, row-major. Labels: magic 0x00000801, n bytes.
// Other idx types are rejected. Bounds: 1 <= n <= 10^8, 1 <= rows, cols <= 4096.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace sfl {
namespace idx {

/** An idx problem; what() is one line naming the file and the problem. */
struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/** uint8 images; pixels holds n*rows*cols values, image after image, row-major. */
struct Images {
    int32_t n = 0, rows = 0, cols = 0;
    std::vector<uint8_t> pixels;
};

/** Load an image file (magic 0x803). Throws Error on a missing or unreadable file,
 *  a file shorter than the header, another magic (a label file, a gzip file, ...),
 *  zero or out-of-bounds sizes, and data shorter or longer than the header says. */
Images load_images(const std::string &path);

/** Load a label file (magic 0x801): n labels. Throws Error as load_images does. */
std::vector<uint8_t> load_labels(const std::string &path);

} // namespace idx
} // namespace sfl
