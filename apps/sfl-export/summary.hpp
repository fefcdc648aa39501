// summary.hpp - what sfl-export read and wrote, a few lines on stdout.
#pragma once

#include <cstdio>
#include <string>

#include "c_header.hpp"
#include "sfl/model.hpp"

namespace sfl_export {

/** The model: layer count, shapes, blob size, then one line per layer. */
void print_model(std::FILE *f, const std::string &path, const sfl::LoadedModel &lm);

/** A header written: name, const, workspace and plan bytes. */
void print_header(std::FILE *f, const std::string &path, const std::string &name, const HeaderSizes &s);

/** A blob written. */
void print_blob(std::FILE *f, const std::string &path, size_t bytes, bool plans, const HeaderSizes &s);

} // namespace sfl_export
