// .npy reader (float32/float64, C order, versions 1-3) and atomic float32 writer.
#include "sfl/npy.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "posix_compat.hpp"
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.hpp"
#include "npy_header.hpp"

namespace sfl {
namespace npy {
namespace {

constexpr char kMagic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};
constexpr size_t kChunk = 16384; // elements converted per step

[[noreturn]] void fail(const std::string &path, const std::string &what) { throw Error(path + ": " + what); }

// Owns a read-only descriptor.
class Input {
public:
    explicit Input(const std::string &path) : path_(path) {
        fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) fail(path_, std::string("cannot open: ") + std::strerror(errno));
        struct stat st;
        std::string problem;
        if (::fstat(fd_, &st) != 0) problem = std::string("cannot stat: ") + std::strerror(errno);
        else if (S_ISDIR(st.st_mode)) problem = "is a directory, not a .npy file";
        else if (!sfl::detail::is_regular_file(st)) problem = "is not a regular file";
        if (!problem.empty()) {
            (void)::close(fd_); // the destructor does not run when the constructor throws
            fail(path_, problem);
        }
        size_ = static_cast<uint64_t>(st.st_size);
    }
    ~Input() { (void)::close(fd_); }
    Input(const Input &) = delete;
    Input &operator=(const Input &) = delete;

    uint64_t size() const { return size_; }
    uint64_t left() const { return size_ - pos_; }

    // Read exactly n bytes; `what` names the part for the truncation message.
    void read(void *dst, size_t n, const char *what) {
        if (n > left()) fail(path_, std::string("truncated ") + what);
        char *p = static_cast<char *>(dst);
        while (n > 0) {
            const ssize_t got = ::read(fd_, p, n);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) fail(path_, std::string("read error: ") + std::strerror(errno));
            if (got == 0) fail(path_, std::string("truncated ") + what);
            p += got;
            n -= static_cast<size_t>(got);
            pos_ += static_cast<uint64_t>(got);
        }
    }

private:
    std::string path_;
    int fd_ = -1;
    uint64_t size_ = 0;
    uint64_t pos_ = 0;
};

uint32_t le32(const unsigned char *b) {
    return uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
}

uint64_t le64(const unsigned char *b) { return uint64_t(le32(b)) | uint64_t(le32(b + 4)) << 32; }

// Little-endian bytes to float, whatever the host byte order.
void decode_f4(const unsigned char *src, size_t n, float *dst) {
    for (size_t i = 0; i < n; ++i) {
        const uint32_t u = le32(src + 4 * i);
        std::memcpy(&dst[i], &u, 4);
    }
}

void decode_f8(const unsigned char *src, size_t n, float *dst) {
    for (size_t i = 0; i < n; ++i) {
        const uint64_t u = le64(src + 8 * i);
        double d;
        std::memcpy(&d, &u, 8);
        dst[i] = static_cast<float>(d);
    }
}

void encode_f4(const float *src, size_t n, unsigned char *dst) {
    for (size_t i = 0; i < n; ++i) {
        uint32_t u;
        std::memcpy(&u, &src[i], 4);
        for (int b = 0; b < 4; ++b) dst[4 * i + b] = static_cast<unsigned char>(u >> (8 * b));
    }
}

detail::Header read_header(Input &in, const std::string &path) {
    if (in.size() < 10) fail(path, "not a .npy file (too short)");
    unsigned char pre[8];
    in.read(pre, 8, "header");
    if (std::memcmp(pre, kMagic, 6) != 0) fail(path, "not a .npy file (bad magic string)");
    const unsigned major = pre[6], minor = pre[7];
    if (major < 1 || major > 3 || minor != 0)
        fail(path, "unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor));
    unsigned char len_bytes[4] = {0, 0, 0, 0};
    const size_t len_size = major == 1 ? 2 : 4;
    in.read(len_bytes, len_size, "header");
    const uint32_t header_len = len_size == 2 ? uint32_t(len_bytes[0]) | uint32_t(len_bytes[1]) << 8 : le32(len_bytes);
    if (header_len > in.left()) fail(path, "truncated header");
    std::string text(header_len, '\0');
    in.read(&text[0], header_len, "header");
    try {
        return detail::parse_header(text);
    } catch (const std::invalid_argument &e) {
        fail(path, std::string("bad header: ") + e.what());
    }
}

} // namespace

Array load_f32(const std::string &path) {
    Input in(path);
    const detail::Header h = read_header(in, path);

    size_t item = 0;
    if (h.descr == "<f4") item = 4;
    else if (h.descr == "<f8") item = 8;
    else fail(path, "unsupported dtype '" + h.descr + "' (need little-endian float32 '<f4' or float64 '<f8')");
    if (h.fortran_order) fail(path, "Fortran-order (column-major) data is not supported; save it in C order");

    size_t count = 1;
    for (size_t d : h.shape) {
        if (d != 0 && count > SIZE_MAX / item / d) fail(path, "bad header: shape " + detail::format_shape(h.shape) + " too large");
        count *= d;
    }
    const uint64_t need = uint64_t(count) * item;
    if (in.left() < need)
        fail(path, "truncated data: shape " + detail::format_shape(h.shape) + " needs " + std::to_string(need) +
                       " bytes, file holds " + std::to_string(in.left()));
    if (in.left() > need)
        fail(path, std::to_string(in.left() - need) + " unexpected bytes after the data of shape " +
                       detail::format_shape(h.shape));

    Array a;
    a.shape = h.shape;
    a.data.resize(count);
    std::vector<unsigned char> buf(kChunk * item);
    for (size_t i = 0; i < count; i += kChunk) {
        const size_t n = count - i < kChunk ? count - i : kChunk;
        in.read(buf.data(), n * item, "data");
        if (item == 4) decode_f4(buf.data(), n, a.data.data() + i);
        else decode_f8(buf.data(), n, a.data.data() + i);
    }
    return a;
}

void save_f32(const std::string &path, const float *data, const std::vector<size_t> &shape) {
    size_t count = 1;
    for (size_t d : shape) {
        if (d != 0 && count > SIZE_MAX / 4 / d) fail(path, "shape " + detail::format_shape(shape) + " too large");
        count *= d;
    }
    if (count > 0 && data == nullptr) fail(path, "no data to save");
    const std::string header = detail::format_header_f32(shape, 10);
    if (header.size() > 0xFFFF) fail(path, "shape " + detail::format_shape(shape) + " too long for a v1.0 header");

    try {
        sfl::detail::AtomicFile out(path);
        unsigned char pre[10];
        std::memcpy(pre, kMagic, 6);
        pre[6] = 1;
        pre[7] = 0;
        pre[8] = static_cast<unsigned char>(header.size() & 0xFF);
        pre[9] = static_cast<unsigned char>(header.size() >> 8);
        out.write(pre, sizeof pre);
        out.write(header.data(), header.size());
        std::vector<unsigned char> buf(kChunk * 4);
        for (size_t i = 0; i < count; i += kChunk) {
            const size_t n = count - i < kChunk ? count - i : kChunk;
            encode_f4(data + i, n, buf.data());
            out.write(buf.data(), n * 4);
        }
        out.commit();
    } catch (const std::runtime_error &e) {
        fail(path, std::string("cannot save: ") + e.what());
    }
}

} // namespace npy
} // namespace sfl
