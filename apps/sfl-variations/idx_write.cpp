// idx writer (idx_write.hpp): header and data in one buffer, written atomically.
#include "idx_write.hpp"

#include <stdexcept>

#include "sfl/model.hpp" // sfl::write_file_atomically

namespace sfl_variations {
namespace {

void put_be32(std::vector<uint8_t> &b, uint32_t v) {
    b.push_back(uint8_t(v >> 24));
    b.push_back(uint8_t(v >> 16));
    b.push_back(uint8_t(v >> 8));
    b.push_back(uint8_t(v));
}

// Header then data, written with the C++ wrapper's atomic writer (temporary file,
// fsync, rename: a failed write leaves no partial file).
void write_file(const std::string &path, std::vector<uint8_t> header, const void *data, size_t bytes) {
    const uint8_t *d = static_cast<const uint8_t *>(data);
    header.insert(header.end(), d, d + bytes);
    sfl::write_file_atomically(path, header.data(), header.size());
}

} // namespace

void write_idx_images(const std::string &path, int32_t n, int32_t rows, int32_t cols,
                      const std::vector<uint8_t> &pixels) {
    if (n <= 0 || rows <= 0 || cols <= 0 || pixels.size() != size_t(n) * size_t(rows) * size_t(cols))
        throw std::runtime_error(path + ": " + std::to_string(pixels.size()) + " pixels do not make " +
                                 std::to_string(n) + " images of " + std::to_string(rows) + "x" +
                                 std::to_string(cols));
    std::vector<uint8_t> h;
    put_be32(h, 0x00000803u);
    put_be32(h, uint32_t(n));
    put_be32(h, uint32_t(rows));
    put_be32(h, uint32_t(cols));
    write_file(path, h, pixels.data(), pixels.size());
}

void write_idx_labels(const std::string &path, const std::vector<uint8_t> &labels) {
    if (labels.empty()) throw std::runtime_error(path + ": no labels to write");
    std::vector<uint8_t> h;
    put_be32(h, 0x00000801u);
    put_be32(h, uint32_t(labels.size()));
    write_file(path, h, labels.data(), labels.size());
}

void write_text_file(const std::string &path, const std::string &text) {
    write_file(path, {}, text.data(), text.size());
}

} // namespace sfl_variations
