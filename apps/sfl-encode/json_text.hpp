// json_text.hpp - JSON values as text for the one-line summaries of sfl-encode.
#pragma once

#include <string>

#include "json_string.hpp"

namespace sfl_encode {

/** A JSON number ("%.9g"), or null for NaN/Inf (which JSON cannot hold). */
std::string json_number(double v);

/** The shortest text that reads back as the same float (0.1f prints as 0.1); null for NaN/Inf. */
std::string json_float(float v);

/** A JSON string literal (apps/common/json_string.hpp). */
using sfl_cli::json_string;

} // namespace sfl_encode
