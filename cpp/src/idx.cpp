// idx reader (MNIST files): header checks with messages that say what the
// file is, then one read straight into the output vector.
#include "sfl/idx.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <sys/stat.h>

#include "posix_compat.hpp"

namespace sfl {
namespace idx {
namespace {

constexpr uint32_t kLabelMagic = 0x00000801u;
constexpr uint32_t kImageMagic = 0x00000803u;
constexpr uint32_t kMaxCount = 100000000u; // 10^8 items
constexpr uint32_t kMaxSide = 4096u;

[[noreturn]] void fail(const std::string &path, const std::string &what) { throw Error(path + ": " + what); }

std::string hex(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%X", static_cast<unsigned>(v));
    return buf;
}

uint32_t be32(const unsigned char *b) {
    return uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | uint32_t(b[3]);
}

// Owns a FILE opened for reading a regular file; knows its size.
class Input {
public:
    explicit Input(const std::string &path) : path_(path) {
        f_ = std::fopen(path.c_str(), "rb");
        if (!f_) fail(path_, std::string("cannot open: ") + std::strerror(errno));
        struct stat st;
        std::string problem;
        if (::fstat(fileno(f_), &st) != 0) problem = std::string("cannot stat: ") + std::strerror(errno);
        else if (S_ISDIR(st.st_mode)) problem = "is a directory, not an idx file";
        else if (!sfl::detail::is_regular_file(st)) problem = "is not a regular file";
        if (!problem.empty()) {
            std::fclose(f_); // the destructor does not run when the constructor throws
            fail(path_, problem);
        }
        size_ = static_cast<uint64_t>(st.st_size);
    }
    ~Input() { std::fclose(f_); }
    Input(const Input &) = delete;
    Input &operator=(const Input &) = delete;

    uint64_t size() const { return size_; }

    // Read exactly n bytes (the caller has checked them against size()).
    void read(void *dst, size_t n) {
        if (n > 0 && std::fread(dst, 1, n, f_) != n)
            fail(path_, std::ferror(f_) ? std::string("read error: ") + std::strerror(errno)
                                        : std::string("file shrank while reading"));
    }

private:
    std::string path_;
    FILE *f_ = nullptr;
    uint64_t size_ = 0;
};

const char *kind_name(uint32_t magic) { return magic == kImageMagic ? "images" : "labels"; }

// What a wrong (non-gzip) magic says about the file, e.g. "is a label file (magic 0x801)".
std::string describe_magic(const unsigned char *m, uint32_t magic) {
    if (magic == kLabelMagic) return "is a label file (magic 0x801)";
    if (magic == kImageMagic) return "is an image file (magic 0x803)";
    if (m[0] == 0 && m[1] == 0)
        return "is an idx file of type " + hex(m[2]) + " with " + std::to_string(m[3]) +
               " dimensions (magic " + hex(magic) + "), only uint8 (0x08) is supported";
    return "is not an idx file (magic " + hex(magic) + ")";
}

// Read and check the header of a file expected to have `want` magic; returns
// its sizes (1 for labels, 3 for images). Leaves the file at the data.
std::vector<uint32_t> read_header(Input &in, const std::string &path, uint32_t want) {
    const size_t ndim = want & 0xFFu;
    const size_t header = 4 + 4 * ndim;
    if (in.size() < 4) fail(path, "too short for an idx header: " + std::to_string(in.size()) + " bytes");
    unsigned char m[4];
    in.read(m, 4);
    const uint32_t magic = be32(m);
    if (m[0] == 0x1F && m[1] == 0x8B)
        fail(path, std::string("is gzip-compressed: decompress first (e.g. gunzip; found magic 1f 8b, expected ") +
                       kind_name(want) + " " + hex(want) + ")");
    if (magic != want)
        fail(path, describe_magic(m, magic) + ", expected " + kind_name(want) + " (" + hex(want) + ")");
    if (in.size() < header)
        fail(path, std::string("too short for an idx ") + kind_name(want) + " header: " + std::to_string(in.size()) +
                       " bytes, need " + std::to_string(header));
    unsigned char raw[12];
    in.read(raw, 4 * ndim);
    std::vector<uint32_t> dims(ndim);
    for (size_t d = 0; d < ndim; ++d) dims[d] = be32(raw + 4 * d);
    return dims;
}

// The data must be exactly `need` bytes after the header.
void check_data_size(const Input &in, const std::string &path, uint64_t header, uint64_t need,
                     const std::string &what) {
    const uint64_t have = in.size() - header;
    if (have < need)
        fail(path, "truncated: " + what + " need " + std::to_string(need) + " data bytes, file holds " +
                       std::to_string(have));
    if (have > need)
        fail(path, std::to_string(have - need) + " unexpected trailing bytes after the " + std::to_string(need) +
                       " data bytes of " + what);
}

} // namespace

Images load_images(const std::string &path) {
    Input in(path);
    const std::vector<uint32_t> d = read_header(in, path, kImageMagic);
    const uint32_t n = d[0], rows = d[1], cols = d[2];
    if (n == 0 || n > kMaxCount || rows == 0 || rows > kMaxSide || cols == 0 || cols > kMaxSide)
        fail(path, "bad header: " + std::to_string(n) + " images of " + std::to_string(rows) + "x" +
                       std::to_string(cols) + " (allowed: 1.." + std::to_string(kMaxCount) + " images of 1.." +
                       std::to_string(kMaxSide) + " x 1.." + std::to_string(kMaxSide) + " pixels)");
    const uint64_t need = uint64_t(n) * rows * cols; // <= 10^8 * 2^24, no overflow
    check_data_size(in, path, 16, need,
                    std::to_string(n) + " images of " + std::to_string(rows) + "x" + std::to_string(cols));

    Images im;
    im.n = static_cast<int32_t>(n);
    im.rows = static_cast<int32_t>(rows);
    im.cols = static_cast<int32_t>(cols);
    im.pixels.resize(static_cast<size_t>(need));
    in.read(im.pixels.data(), im.pixels.size());
    return im;
}

std::vector<uint8_t> load_labels(const std::string &path) {
    Input in(path);
    const uint32_t n = read_header(in, path, kLabelMagic)[0];
    if (n == 0 || n > kMaxCount)
        fail(path, "bad header: " + std::to_string(n) + " labels (allowed: 1.." + std::to_string(kMaxCount) + ")");
    check_data_size(in, path, 8, n, std::to_string(n) + " labels");
    std::vector<uint8_t> labels(n);
    in.read(labels.data(), labels.size());
    return labels;
}

} // namespace idx
} // namespace sfl
