// Helpers shared by the libFuzzer targets (fuzz/fuzz_*.cpp): a reader that
// takes typed values off the fuzzer's bytes, an in-memory file for the
// path-based readers; aligned storage is tests/support/aligned_buffer.hpp
// (exact size, so ASan reports a read one byte past the end).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <sys/mman.h>
#include <unistd.h>

#include <sfl/sfl_types.h>

#include "../tests/support/aligned_buffer.hpp"

namespace sfl_fuzz {

// Report a broken property and abort: libFuzzer records the input as a crash.
[[noreturn]] inline void fail(const char *what) {
    std::fprintf(stderr, "fuzz property violated: %s\n", what);
    std::abort();
}

#define SFL_FUZZ_REQUIRE(cond)                                        \
    do {                                                              \
        if (!(cond)) ::sfl_fuzz::fail(#cond " (" __FILE__ ")");       \
    } while (0)

// Consumes the input front to back; past the end every value reads as zero bytes.
class Bytes {
public:
    Bytes(const uint8_t *data, size_t size) : p_(data), n_(size) {}
    size_t left() const { return n_ - at_; }
    uint8_t u8() {
        return at_ < n_ ? p_[at_++] : 0;
    }
    uint32_t u32() {
        uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v |= uint32_t(u8()) << (8 * i);
        return v;
    }
    float f32_bits() { // any bit pattern: NaN, inf, denormals, negative zero
        const uint32_t u = u32();
        float f;
        std::memcpy(&f, &u, 4);
        return f;
    }

private:
    const uint8_t *p_;
    size_t n_;
    size_t at_ = 0;
};

// The bytes as an anonymous in-memory file (memfd), reachable by the path
// /proc/self/fd/N: the readers' own open/fstat/read code runs, no disk I/O.
class MemFile {
public:
    MemFile(const uint8_t *data, size_t size) {
        fd_ = memfd_create("sfl-fuzz", MFD_CLOEXEC);
        if (fd_ < 0) fail("memfd_create");
        size_t done = 0;
        while (done < size) {
            const ssize_t w = ::write(fd_, data + done, size - done);
            if (w <= 0) fail("write to memfd");
            done += static_cast<size_t>(w);
        }
        path_ = "/proc/self/fd/" + std::to_string(fd_);
    }
    ~MemFile() { ::close(fd_); }
    MemFile(const MemFile &) = delete;
    MemFile &operator=(const MemFile &) = delete;
    const std::string &path() const { return path_; }

private:
    int fd_ = -1;
    std::string path_;
};

inline bool all_finite(const float *x, size_t n) {
    for (size_t i = 0; i < n; ++i)
        if (!(x[i] - x[i] == 0.0f)) return false;
    return true;
}

} // namespace sfl_fuzz
