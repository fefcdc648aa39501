// The .npy header dictionary: a tiny parser for the Python literal numpy writes.
#include "npy_header.hpp"

#include <cstdint>
#include <stdexcept>

namespace sfl {
namespace npy {
namespace detail {
namespace {

class Parser {
public:
    explicit Parser(const std::string &text) : s_(text) {}

    Header parse() {
        Header h;
        bool have_descr = false, have_order = false, have_shape = false;
        expect('{');
        while (!accept('}')) {
            const std::string key = string_literal();
            expect(':');
            if (key == "descr") {
                mark(have_descr, key);
                h.descr = string_literal();
            } else if (key == "fortran_order") {
                mark(have_order, key);
                h.fortran_order = boolean();
            } else if (key == "shape") {
                mark(have_shape, key);
                h.shape = tuple();
            } else {
                fail("unexpected key '" + key + "'");
            }
            if (!accept(',')) {
                expect('}');
                break;
            }
        }
        skip_space();
        if (pos_ != s_.size()) fail("unexpected text after the dictionary");
        if (!have_descr) fail("missing key 'descr'");
        if (!have_order) fail("missing key 'fortran_order'");
        if (!have_shape) fail("missing key 'shape'");
        return h;
    }

private:
    [[noreturn]] static void fail(const std::string &what) { throw std::invalid_argument(what); }

    static void mark(bool &seen, const std::string &key) {
        if (seen) fail("duplicate key '" + key + "'");
        seen = true;
    }

    void skip_space() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
            ++pos_;
    }

    bool accept(char c) {
        skip_space();
        if (pos_ < s_.size() && s_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }

    void expect(char c) {
        if (!accept(c)) fail(std::string("expected '") + c + "'");
    }

    std::string string_literal() {
        skip_space();
        if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"')) fail("expected a quoted string");
        const char quote = s_[pos_++];
        const size_t end = s_.find(quote, pos_);
        if (end == std::string::npos) fail("unterminated string");
        std::string out = s_.substr(pos_, end - pos_);
        if (out.find('\\') != std::string::npos) fail("escaped characters in a string");
        pos_ = end + 1;
        return out;
    }

    bool boolean() {
        skip_space();
        if (s_.compare(pos_, 4, "True") == 0) {
            pos_ += 4;
            return true;
        }
        if (s_.compare(pos_, 5, "False") == 0) {
            pos_ += 5;
            return false;
        }
        fail("expected True or False");
    }

    size_t integer() {
        skip_space();
        if (pos_ >= s_.size() || s_[pos_] < '0' || s_[pos_] > '9') fail("expected a non-negative integer");
        uint64_t v = 0;
        while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
            const unsigned d = static_cast<unsigned>(s_[pos_++] - '0');
            if (v > (UINT64_MAX - d) / 10 || v * 10 + d > SIZE_MAX) fail("dimension too large");
            v = v * 10 + d;
        }
        if (pos_ < s_.size() && s_[pos_] == 'L') ++pos_; // Python 2 long suffix
        return static_cast<size_t>(v);
    }

    std::vector<size_t> tuple() {
        std::vector<size_t> dims;
        expect('(');
        if (accept(')')) return dims;
        for (;;) {
            dims.push_back(integer());
            if (accept(')')) break;
            expect(',');
            if (accept(')')) break;
        }
        if (dims.size() > 64) fail("more than 64 dimensions");
        return dims;
    }

    const std::string &s_;
    size_t pos_ = 0;
};

} // namespace

Header parse_header(const std::string &text) { return Parser(text).parse(); }

std::string format_shape(const std::vector<size_t> &shape) {
    std::string out = "(";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i > 0) out += ", ";
        out += std::to_string(shape[i]);
    }
    if (shape.size() == 1) out += ",";
    out += ")";
    return out;
}

std::string format_header_f32(const std::vector<size_t> &shape, size_t prefix_bytes) {
    std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + format_shape(shape) + ", }";
    const size_t unpadded = prefix_bytes + dict.size() + 1; // + '\n'
    const size_t padded = (unpadded + 63) / 64 * 64;
    dict.append(padded - unpadded, ' ');
    dict.push_back('\n');
    return dict;
}

} // namespace detail
} // namespace npy
} // namespace sfl
