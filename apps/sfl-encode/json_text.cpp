// JSON text of numbers and strings.
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

std::string json_string(const std::string &s) {
    std::string out = "\"";
    for (const char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(c));
            out += buf;
        } else {
            out += ch; // UTF-8 bytes pass through
        }
    }
    return out + "\"";
}

} // namespace sfl_encode
