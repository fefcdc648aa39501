// json_output.hpp - where a program's --json FILE goes: "-" is stdout, anything
// else a file written atomically (complete or not at all).
#pragma once

#include <string>

namespace sfl_cli {

/** True when --json names stdout ("-"): the program then prints the JSON instead of
 *  its summary for people, so that stdout is one JSON document. */
inline bool json_to_stdout(const std::string &path) { return path == "-"; }

/** Write text (a JSON document) to path: stdout for "-", else a temporary file renamed
 *  to path. Throws std::runtime_error "cannot write <path>" when it fails. */
void write_json_output(const std::string &path, const std::string &text);

} // namespace sfl_cli
