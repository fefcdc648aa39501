// npy_header.hpp - the .npy header dictionary: parse what numpy writes, format
// what we write. Internal to sflpp. Failures throw std::invalid_argument with a
// short description (no file name: the caller adds it).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace sfl {
namespace npy {
namespace detail {

struct Header {
    std::string descr;          // e.g. "<f4"
    bool fortran_order = false; // true: column-major data
    std::vector<size_t> shape;  // empty for a 0-d array
};

/** Parse the Python dict literal of a .npy header, e.g.
 *  "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }". The three
 *  keys are required and no other key is accepted (as numpy does). */
Header parse_header(const std::string &text);

/** "(3, 4)", "(7,)" or "()": a shape as numpy prints it. */
std::string format_shape(const std::vector<size_t> &shape);

/** The dict of a '<f4' C-order array, padded with spaces and ended with '\n'
 *  so that prefix_bytes + its length is a multiple of 64. */
std::string format_header_f32(const std::vector<size_t> &shape, size_t prefix_bytes);

} // namespace detail
} // namespace npy
} // namespace sfl
