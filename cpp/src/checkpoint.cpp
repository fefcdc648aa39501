// Checkpoint container (format in sfl/checkpoint.hpp): validate-then-write
// through AtomicFile with a running CRC-32; load reads the whole file, parses
// with every length checked against the bytes left, then verifies the CRC.
#include "sfl/checkpoint.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unordered_set>

#include <sys/stat.h>

#include "posix_compat.hpp"

#include "atomic_file.hpp"
#include "crc32.hpp"

namespace sfl {
namespace ckpt {
namespace {

constexpr unsigned char kMagic[8] = {'S', 'F', 'L', 'C', 'K', 'P', 'T', '\0'};
constexpr uint32_t kVersion = 1;
constexpr uint64_t kMaxString = uint64_t(1) << 20;  // bytes per key, value or name
constexpr uint64_t kMaxElements = uint64_t(1) << 31; // per tensor, and per dim
constexpr size_t kMaxNdim = 8;
constexpr size_t kFlushBytes = size_t(1) << 16;

[[noreturn]] void fail(const std::string &path, const std::string &what) { throw Error(path + ": " + what); }

// A name or key for a one-line message: quoted, bytes outside printable ASCII as \xNN,
// at most 64 bytes shown (strings are arbitrary bytes, possibly corrupt ones).
std::string quoted(const std::string &s) {
    std::string q = "'";
    const size_t shown = s.size() <= 64 ? s.size() : 64;
    for (size_t i = 0; i < shown; ++i) {
        const unsigned char ch = static_cast<unsigned char>(s[i]);
        if (ch >= 0x20 && ch < 0x7F && ch != '\\') {
            q += static_cast<char>(ch);
        } else {
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\x%02X", static_cast<unsigned>(ch));
            q += esc;
        }
    }
    return q + (shown < s.size() ? "'... (" + std::to_string(s.size()) + " bytes)" : "'");
}

std::string format_shape(const std::vector<int64_t> &shape) {
    std::string s = "[";
    for (size_t d = 0; d < shape.size(); ++d) s += (d ? ", " : "") + std::to_string(shape[d]);
    return s + "]";
}

// Set count to the number of elements of shape; return what is wrong with the shape, or "".
std::string count_elements(const std::vector<int64_t> &shape, uint64_t &count) {
    count = 1;
    if (shape.size() > kMaxNdim)
        return std::to_string(shape.size()) + " dimensions (at most " + std::to_string(kMaxNdim) + ")";
    for (int64_t d : shape)
        if (d < 0 || uint64_t(d) > kMaxElements)
            return "bad dimension " + std::to_string(d) + " in shape " + format_shape(shape);
    for (int64_t d : shape) {
        count *= uint64_t(d); // both factors <= 2^31: no overflow
        if (count > kMaxElements) return "shape " + format_shape(shape) + " has more than 2^31 elements";
    }
    return std::string();
}

void put_u32(unsigned char *b, uint32_t v) {
    for (int k = 0; k < 4; ++k) b[k] = static_cast<unsigned char>(v >> (8 * k));
}

uint32_t get_u32(const unsigned char *b) {
    return uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
}

// The problem with c that would make a file load() rejects, or "".
std::string validate(const Checkpoint &c) {
    if (c.meta.size() > UINT32_MAX || c.tensors.size() > UINT32_MAX) return "too many entries";
    std::unordered_set<std::string> seen;
    for (const auto &kv : c.meta) {
        if (kv.first.size() > kMaxString) return "meta key longer than 1 MiB";
        if (kv.second.size() > kMaxString) return "meta value of " + quoted(kv.first) + " longer than 1 MiB";
        if (!seen.insert(kv.first).second) return "duplicate meta key " + quoted(kv.first);
    }
    seen.clear();
    for (const Tensor &t : c.tensors) {
        if (t.name.size() > kMaxString) return "tensor name longer than 1 MiB";
        if (!seen.insert(t.name).second) return "duplicate tensor name " + quoted(t.name);
        uint64_t count = 0;
        const std::string problem = count_elements(t.shape, count);
        if (!problem.empty()) return "tensor " + quoted(t.name) + ": " + problem;
        if (t.data.size() != count)
            return "tensor " + quoted(t.name) + ": shape " + format_shape(t.shape) + " needs " +
                   std::to_string(count) + " values, data holds " + std::to_string(t.data.size());
    }
    return std::string();
}

// Little-endian encoder into an AtomicFile, buffered, with a running CRC of all bytes written.
class Writer {
public:
    explicit Writer(detail::AtomicFile &out) : out_(out) { buf_.reserve(kFlushBytes + 64); }

    void bytes(const void *p, size_t n) {
        const unsigned char *b = static_cast<const unsigned char *>(p);
        buf_.insert(buf_.end(), b, b + n);
        if (buf_.size() >= kFlushBytes) flush();
    }
    void u32(uint32_t v) {
        unsigned char b[4];
        put_u32(b, v);
        bytes(b, 4);
    }
    void i64(int64_t v) {
        const uint64_t u = static_cast<uint64_t>(v);
        u32(static_cast<uint32_t>(u));
        u32(static_cast<uint32_t>(u >> 32));
    }
    void str(const std::string &s) {
        u32(static_cast<uint32_t>(s.size()));
        bytes(s.data(), s.size());
    }
    void floats(const float *v, size_t n) {
        for (size_t i = 0; i < n; ++i) {
            uint32_t u;
            std::memcpy(&u, &v[i], 4);
            const size_t at = buf_.size();
            buf_.resize(at + 4);
            put_u32(&buf_[at], u);
            if (buf_.size() >= kFlushBytes) flush();
        }
    }
    // Append the CRC of everything written so far and flush.
    void finish() {
        flush();
        unsigned char b[4];
        put_u32(b, crc_);
        out_.write(b, 4);
    }

private:
    void flush() {
        crc_ = detail::crc32_update(crc_, buf_.data(), buf_.size());
        out_.write(buf_.data(), buf_.size());
        buf_.clear();
    }

    detail::AtomicFile &out_;
    std::vector<unsigned char> buf_;
    uint32_t crc_ = 0;
};

std::vector<unsigned char> read_file(const std::string &path) {
    FILE *f = std::fopen(path.c_str(), "rb");
    if (!f) fail(path, std::string("cannot open: ") + std::strerror(errno));
    struct stat st;
    std::string problem;
    if (::fstat(fileno(f), &st) != 0) problem = std::string("cannot stat: ") + std::strerror(errno);
    else if (S_ISDIR(st.st_mode)) problem = "is a directory, not an sfl checkpoint";
    else if (!sfl::detail::is_regular_file(st)) problem = "is not a regular file";
    std::vector<unsigned char> bytes;
    if (problem.empty()) {
        bytes.resize(static_cast<size_t>(st.st_size));
        if (!bytes.empty() && std::fread(bytes.data(), 1, bytes.size(), f) != bytes.size())
            problem = std::ferror(f) ? std::string("read error: ") + std::strerror(errno)
                                     : std::string("file shrank while reading");
    }
    std::fclose(f);
    if (!problem.empty()) fail(path, problem);
    return bytes;
}

// Little-endian decoder over the file's bytes; every read is checked against the bytes left.
class Reader {
public:
    Reader(const std::string &path, const std::vector<unsigned char> &b) : path_(path), b_(b) {}

    size_t pos() const { return pos_; }
    size_t left() const { return b_.size() - pos_; }

    const unsigned char *take(uint64_t n, const std::string &what) {
        if (n > left())
            fail(path_, "truncated at byte " + std::to_string(b_.size()) + ": " + what + " at byte " +
                            std::to_string(pos_) + " needs " + std::to_string(n) + " bytes");
        const unsigned char *p = b_.data() + pos_;
        pos_ += static_cast<size_t>(n);
        return p;
    }
    uint32_t u32(const std::string &what) { return get_u32(take(4, what)); }
    int64_t i64(const std::string &what) {
        const unsigned char *p = take(8, what);
        return static_cast<int64_t>(uint64_t(get_u32(p)) | uint64_t(get_u32(p + 4)) << 32);
    }
    std::string str(const std::string &what) {
        const size_t at = pos_;
        const uint32_t n = u32("length of " + what);
        if (n > kMaxString)
            fail(path_, "length " + std::to_string(n) + " of " + what + " at byte " + std::to_string(at) +
                            " exceeds the 1 MiB limit");
        const unsigned char *p = take(n, what);
        return std::string(reinterpret_cast<const char *>(p), n);
    }

private:
    const std::string &path_;
    const std::vector<unsigned char> &b_;
    size_t pos_ = 0;
};

void check_magic_and_version(Reader &in, const std::vector<unsigned char> &bytes, const std::string &path) {
    if (bytes.empty()) fail(path, "not an sfl checkpoint (empty file)");
    const size_t have = bytes.size() < 8 ? bytes.size() : 8;
    if (std::memcmp(bytes.data(), kMagic, have) != 0) fail(path, "not an sfl checkpoint (bad magic)");
    in.take(8, "magic");
    const uint32_t version = in.u32("format version");
    if (version != kVersion)
        fail(path, "unsupported checkpoint format version " + std::to_string(version) + " (supported: " +
                       std::to_string(kVersion) + ")");
}

Tensor read_tensor(Reader &in, const std::string &path, uint32_t index) {
    Tensor t;
    t.name = in.str("name of tensor " + std::to_string(index));
    const std::string what = "tensor " + quoted(t.name);
    const uint32_t ndim = in.u32("ndim of " + what);
    if (ndim > kMaxNdim)
        fail(path, what + ": " + std::to_string(ndim) + " dimensions (at most " + std::to_string(kMaxNdim) + ")");
    t.shape.resize(ndim);
    for (uint32_t d = 0; d < ndim; ++d) t.shape[d] = in.i64("dims of " + what);
    uint64_t count = 0;
    const std::string problem = count_elements(t.shape, count);
    if (!problem.empty()) fail(path, what + ": " + problem);
    const unsigned char *p = in.take(4 * count, "data of " + what);
    t.data.resize(static_cast<size_t>(count));
    for (size_t i = 0; i < t.data.size(); ++i) {
        const uint32_t u = get_u32(p + 4 * i);
        std::memcpy(&t.data[i], &u, 4);
    }
    return t;
}

} // namespace

void Checkpoint::set(const std::string &key, const std::string &value) {
    if (key.size() > kMaxString || value.size() > kMaxString)
        throw Error("checkpoint: meta key or value longer than 1 MiB (key " + quoted(key) + ")");
    for (auto &kv : meta) {
        if (kv.first == key) {
            kv.second = value;
            return;
        }
    }
    meta.emplace_back(key, value);
}

const std::string *Checkpoint::get(const std::string &key) const {
    for (const auto &kv : meta)
        if (kv.first == key) return &kv.second;
    return nullptr;
}

const std::string &Checkpoint::require(const std::string &key) const {
    const std::string *v = get(key);
    if (!v) throw Error("checkpoint has no meta key " + quoted(key));
    return *v;
}

void Checkpoint::add(std::string name, std::vector<int64_t> shape, const float *data) {
    if (name.size() > kMaxString) throw Error("checkpoint: tensor name longer than 1 MiB");
    if (find(name)) throw Error("checkpoint: duplicate tensor name " + quoted(name));
    uint64_t count = 0;
    const std::string problem = count_elements(shape, count);
    if (!problem.empty()) throw Error("checkpoint: tensor " + quoted(name) + ": " + problem);
    if (count > 0 && !data) throw Error("checkpoint: tensor " + quoted(name) + ": no data");
    Tensor t;
    t.name = std::move(name);
    t.shape = std::move(shape);
    if (count > 0) t.data.assign(data, data + count);
    tensors.push_back(std::move(t));
}

const Tensor *Checkpoint::find(const std::string &name) const {
    for (const Tensor &t : tensors)
        if (t.name == name) return &t;
    return nullptr;
}

const Tensor &Checkpoint::require_tensor(const std::string &name, const std::vector<int64_t> &shape) const {
    const Tensor *t = find(name);
    if (!t) throw Error("checkpoint has no tensor " + quoted(name));
    if (t->shape != shape)
        throw Error("checkpoint tensor " + quoted(name) + " has shape " + format_shape(t->shape) + ", expected " +
                    format_shape(shape));
    return *t;
}

void save(const std::string &path, const Checkpoint &c) {
    // Everything that load() would reject is refused before the file is touched.
    const std::string problem = validate(c);
    if (!problem.empty()) fail(path, "cannot save: " + problem);
    try {
        detail::AtomicFile out(path);
        Writer w(out);
        w.bytes(kMagic, sizeof kMagic);
        w.u32(kVersion);
        w.u32(static_cast<uint32_t>(c.meta.size()));
        for (const auto &kv : c.meta) {
            w.str(kv.first);
            w.str(kv.second);
        }
        w.u32(static_cast<uint32_t>(c.tensors.size()));
        for (const Tensor &t : c.tensors) {
            w.str(t.name);
            w.u32(static_cast<uint32_t>(t.shape.size()));
            for (int64_t d : t.shape) w.i64(d);
            w.floats(t.data.data(), t.data.size());
        }
        w.finish();
        out.commit();
    } catch (const std::runtime_error &e) {
        fail(path, std::string("cannot save: ") + e.what());
    }
}

Checkpoint load(const std::string &path) {
    const std::vector<unsigned char> bytes = read_file(path);
    Reader in(path, bytes);
    check_magic_and_version(in, bytes, path);

    Checkpoint c;
    const uint32_t n_meta = in.u32("meta count");
    for (uint32_t i = 0; i < n_meta; ++i) {
        std::string key = in.str("key of meta entry " + std::to_string(i));
        std::string value = in.str("value of meta " + quoted(key));
        c.meta.emplace_back(std::move(key), std::move(value));
    }
    const uint32_t n_tensors = in.u32("tensor count");
    for (uint32_t i = 0; i < n_tensors; ++i) c.tensors.push_back(read_tensor(in, path, i));

    const size_t end = in.pos();
    const uint32_t stored = in.u32("CRC");
    if (in.left() > 0)
        fail(path, std::to_string(in.left()) + " unexpected trailing bytes after the CRC at byte " +
                       std::to_string(end));
    const uint32_t computed = detail::crc32_update(0, bytes.data(), end);
    if (stored != computed) {
        char buf[64];
        std::snprintf(buf, sizeof buf, " (stored 0x%08X, computed 0x%08X)", static_cast<unsigned>(stored),
                      static_cast<unsigned>(computed));
        fail(path, std::string("corrupt: CRC mismatch") + buf);
    }
    // Checked after the CRC, so that damage is reported as damage.
    const std::string problem = validate(c);
    if (!problem.empty()) fail(path, problem);
    return c;
}

} // namespace ckpt
} // namespace sfl
