// json_string.hpp - a JSON string literal, for the programs' JSON summaries and manifests.
#pragma once

#include <cstdio>
#include <string>

namespace sfl_cli {

/** s in quotes with ", \ and control characters escaped; other bytes (UTF-8) as they are. */
inline std::string json_string(const std::string &s) {
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
            out += ch;
        }
    }
    return out + "\"";
}

} // namespace sfl_cli
