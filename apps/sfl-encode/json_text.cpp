// JSON text of numbers.
#include "json_text.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace sfl_encode {

std::string json_number(double v) {
    if (!std::isfinite(v)) return "null";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

std::string json_float(float v) {
    if (!std::isfinite(v)) return "null";
    char buf[40];
    for (int digits = 6; digits <= 9; ++digits) {
        std::snprintf(buf, sizeof buf, "%.*g", digits, double(v));
        if (std::strtof(buf, nullptr) == v) break;
    }
    return buf;
}

} // namespace sfl_encode
