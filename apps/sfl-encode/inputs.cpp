// Loading and validation of sfl-encode's inputs: every check that can name the
// offending file, row or column is done here, before any work starts.
#include "inputs.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <unistd.h>

namespace sfl_encode {
namespace {

std::string quoted(const std::string &s) { return "'" + s + "'"; }

sfl::npy::Array load(const char *flag, const std::string &path) {
    try {
        return sfl::npy::load_f32(path);
    } catch (const sfl::npy::Error &e) {
        throw InputError(std::string(flag) + ": " + e.what());
    }
}

void require_2d(const char *flag, const std::string &path, const sfl::npy::Array &a, const char *layout) {
    if (a.shape.size() != 2)
        throw InputError(std::string(flag) + " " + quoted(path) + " must be 2-D " + layout + ", got shape " +
                         shape_text(a.shape));
}

void require_finite(const char *flag, const std::string &path, const sfl::npy::Array &a) {
    const size_t cols = a.shape[1];
    for (size_t i = 0; i < a.data.size(); ++i) {
        const float v = a.data[i];
        if (!std::isfinite(v))
            throw InputError(std::string(flag) + " " + quoted(path) + " holds " + (std::isnan(v) ? "NaN" : "Inf") +
                             " at row " + std::to_string(i / cols) + ", column " + std::to_string(i % cols));
    }
}

void require_dim(const char *what, size_t v) {
    if (v < 1 || v > SFL_ENET_MAX_DIM)
        throw InputError(std::string(what) + " = " + std::to_string(v) + " is outside 1 .. " +
                         std::to_string(SFL_ENET_MAX_DIM));
}

void require_nonzero_atoms(const std::string &path, const sfl::npy::Array &P) {
    const size_t m = P.shape[0], K = P.shape[1];
    std::vector<double> sq(K, 0.0);
    for (size_t i = 0; i < m; ++i)
        for (size_t k = 0; k < K; ++k) sq[k] += double(P.data[i * K + k]) * double(P.data[i * K + k]);
    for (size_t k = 0; k < K; ++k)
        if (sq[k] == 0.0)
            throw InputError("--dict " + quoted(path) + " column " + std::to_string(k) +
                             " (an atom) has zero norm");
}

} // namespace

std::string shape_text(const std::vector<size_t> &shape) {
    std::string out = "(";
    for (size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
    return out + (shape.size() == 1 ? ",)" : ")");
}

void require_output_dir(const std::string &path) {
    const size_t slash = path.find_last_of('/');
    const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    if (slash != std::string::npos && slash + 1 == path.size())
        throw InputError("--output " + quoted(path) + " is a directory name, not a file name");
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
        throw InputError("--output " + quoted(path) + ": directory " + quoted(dir) +
                         " does not exist or is not writable");
}

Inputs load_inputs(const Options &opt) {
    require_output_dir(opt.output);
    Inputs in;
    in.P = load("--dict", opt.dict);
    require_2d("--dict", opt.dict, in.P, "(m, K)");
    in.X = load("--input", opt.input);
    require_2d("--input", opt.input, in.X, "(N, m)");

    in.m = in.P.shape[0];
    in.K = in.P.shape[1];
    in.n = in.X.shape[0];
    if (in.X.shape[1] != in.m)
        throw InputError("shape mismatch: --input " + quoted(opt.input) + " is " + shape_text(in.X.shape) +
                         " but --dict " + quoted(opt.dict) + " is " + shape_text(in.P.shape) +
                         "; X must be (N, m) for P (m, K)");
    require_dim("m (rows of --dict)", in.m);
    require_dim("K (columns of --dict)", in.K);
    if (in.n < 1) throw InputError("--input " + quoted(opt.input) + " holds no signals (0 rows)");
    if (in.n > INT32_MAX)
        throw InputError("--input " + quoted(opt.input) + " has more than " + std::to_string(INT32_MAX) + " rows");

    require_finite("--dict", opt.dict, in.P);
    require_finite("--input", opt.input, in.X);
    require_nonzero_atoms(opt.dict, in.P);
    return in;
}

} // namespace sfl_encode
