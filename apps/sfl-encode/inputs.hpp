// inputs.hpp - load and validate the dictionary and the signals of sfl-encode.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "options.hpp"
#include "sfl/npy.hpp"

namespace sfl_encode {

struct Inputs {
    sfl::npy::Array P; // (m, K)
    sfl::npy::Array X; // (N, m)
    size_t m = 0, K = 0, n = 0;
};

/** Load --dict and --input and check everything the encoder needs: 2-D, matching
 *  m, sizes within the library's limits, finite values, no zero-norm atom, and an
 *  existing writable directory for --output. Throws InputError naming the problem. */
Inputs load_inputs(const Options &opt);

/** InputError unless --output names a file in an existing, writable directory. */
void require_output_dir(const std::string &path);

/** "(a, b, c)" ("(a,)" for one dimension), as NumPy prints a shape. */
std::string shape_text(const std::vector<size_t> &shape);

} // namespace sfl_encode
