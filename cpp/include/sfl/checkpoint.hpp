// checkpoint.hpp - a small binary container of named float32 tensors and
// string metadata: the training checkpoint and the saved model.
//
// File format, version 1 (all integers little-endian):
//   8 bytes   magic "SFLCKPT\0"
//   u32       format version (1)
//   u32       meta count M; M times:
//               u32 key length, key bytes, u32 value length, value bytes
//   u32       tensor count T; T times:
//               u32 name length, name bytes,
//               u32 ndim (0..8), ndim x i64 dims (each >= 0),
//               prod(dims) x float32 (IEEE 754 bits; a 0-d tensor holds 1 value)
//   u32       CRC-32 (IEEE 802.3 / zlib: reflected, polynomial 0xEDB88320)
//             of every byte before it
// Limits: strings (keys, values, names) <= 1 MiB; dims and elements per tensor
// <= 2^31. Meta keys are unique, tensor names are unique. Strings are bytes
// (no encoding is imposed). Files are written atomically (temporary file in the
// same directory, fsync, rename): a failed save leaves the old file untouched
// and no temporary file behind.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace sfl {
namespace ckpt {

/** A checkpoint problem; what() is one line (naming the file for save/load). */
struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/** A named float32 array, C order. shape empty: 0-d (one value). */
struct Tensor {
    std::string name;
    std::vector<int64_t> shape;
    std::vector<float> data;
};

struct Checkpoint {
    std::vector<std::pair<std::string, std::string>> meta; // ordered key/value strings
    std::vector<Tensor> tensors;                           // in file order

    /** Replace the value of key, or append the pair. Throws Error if key or value exceeds 1 MiB. */
    void set(const std::string &key, const std::string &value);
    /** The value of key, or nullptr. Invalidated by set() and other changes to meta. */
    const std::string *get(const std::string &key) const;
    /** The value of key; throws Error naming the key if absent. */
    const std::string &require(const std::string &key) const;
    /** Append a tensor copying prod(shape) floats from data (may be null when that is 0).
     *  Throws Error on a duplicate name, ndim > 8, a negative dim or > 2^31 elements. */
    void add(std::string name, std::vector<int64_t> shape, const float *data);
    /** The tensor called name, or nullptr. */
    const Tensor *find(const std::string &name) const;
    /** The tensor called name, which must have exactly this shape; throws Error
     *  if it is missing or has another shape (the message gives both shapes). */
    const Tensor &require_tensor(const std::string &name, const std::vector<int64_t> &shape) const;
};

/** Write c to path atomically. Everything is validated first (limits, unique names,
 *  data.size() == prod(shape)), so an invalid checkpoint throws before any file is
 *  touched. Throws Error; on failure nothing is left behind and an existing file is intact. */
void save(const std::string &path, const Checkpoint &c);

/** Read and verify a checkpoint. Throws Error on a missing or unreadable file, wrong
 *  magic ("not an sfl checkpoint"), an unsupported version, a truncated file
 *  ("truncated at byte N"), limits exceeded, duplicate names, trailing bytes and a
 *  CRC mismatch ("corrupt: CRC mismatch"). */
Checkpoint load(const std::string &path);

} // namespace ckpt
} // namespace sfl
