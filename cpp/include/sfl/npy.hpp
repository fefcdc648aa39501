// npy.hpp - read and write NumPy .npy files holding float arrays.
//
// Reader: format versions 1.0, 2.0 and 3.0; dtype '<f4' (kept) or '<f8'
// (converted to float); C order only. NaN and Inf are passed through: callers
// that need finite data check it themselves.
// Writer: version 1.0, '<f4', C order, written atomically (a temporary file in
// the same directory, fsync, rename), so a failed save leaves nothing behind
// and never a partial file at `path`.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace sfl {
namespace npy {

/** A .npy problem; what() is one line naming the file and the problem. */
struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/** A float32 array in C order (row-major). shape is empty for a 0-d array. */
struct Array {
    std::vector<size_t> shape;
    std::vector<float> data;
};

/** Load a .npy file as float32. Throws Error on a missing or unreadable file,
 *  a file that is not .npy, a malformed header, a dtype other than <f4/<f8,
 *  Fortran order, or data shorter or longer than the header says. */
Array load_f32(const std::string &path);

/** Save data (product of shape floats, C order) as a v1.0 '<f4' .npy file,
 *  atomically. Throws Error on any failure, after removing its temporary file. */
void save_f32(const std::string &path, const float *data, const std::vector<size_t> &shape);

} // namespace npy
} // namespace sfl
