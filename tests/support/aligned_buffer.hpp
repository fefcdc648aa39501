// aligned_buffer.hpp - the heap buffer that tests, benchmarks and fuzz targets
// hand to the C API as workspace, cache, plan or blob memory: exactly size()
// bytes at an SFL_WORKSPACE_ALIGN-aligned address, zero-filled (or filled with
// a given byte), copied deeply, moved cheaply. Header-only.
//
// Exactly size() bytes, no slack: under ASan (asan and fuzz presets) a read or
// write one byte past the end is reported, which a buffer padded up to the
// alignment would hide. data() is never NULL (size 0 included) but after a move.
//
// Not sfl::Workspace (cpp/include/sfl/sfl.hpp): that needs the C++ wrapper,
// which the zero-allocation tests (tests/alloc, C library only), the fuzz seed
// maker and builds with SFL_BUILD_CPP=OFF do not link; it also cannot be copied.
// The zero-allocation tests construct these before counting starts: the
// allocation (C++17 aligned operator new) is one counted heap call.
#pragma once

#include <cstddef>
#include <cstring>
#include <new>
#include <utility>

#include <sfl/sfl_layers.h> // sfl_layer_cache
#include <sfl/sfl_types.h>  // SFL_WORKSPACE_ALIGN, sfl_workspace

namespace sfl_test {

class AlignedBuffer {
public:
    explicit AlignedBuffer(size_t bytes = 0, unsigned char fill = 0) : p_(allocate(bytes)), size_(bytes) {
        std::memset(p_, fill, bytes);
    }
    AlignedBuffer(const AlignedBuffer &o) : p_(allocate(o.size_)), size_(o.size_) { std::memcpy(p_, o.p_, size_); }
    AlignedBuffer(AlignedBuffer &&o) noexcept : p_(std::exchange(o.p_, nullptr)), size_(std::exchange(o.size_, 0)) {}
    AlignedBuffer &operator=(AlignedBuffer o) noexcept { // copy or move, then swap
        std::swap(p_, o.p_);
        std::swap(size_, o.size_);
        return *this;
    }
    ~AlignedBuffer() {
        if (p_) ::operator delete(p_, std::align_val_t{SFL_WORKSPACE_ALIGN});
    }

    /** New zero-filled memory of `bytes` bytes (the contents are not kept). */
    void resize(size_t bytes) { *this = AlignedBuffer(bytes); }

    unsigned char *data() noexcept { return p_; }
    const unsigned char *data() const noexcept { return p_; }
    size_t size() const noexcept { return size_; }
    unsigned char &operator[](size_t i) noexcept { return p_[i]; }
    const unsigned char &operator[](size_t i) const noexcept { return p_[i]; }

    /** The whole buffer as the C API's workspace or layer cache. */
    sfl_workspace workspace() noexcept { return sfl_workspace{p_, size_}; }
    sfl_layer_cache cache() noexcept { return sfl_layer_cache{p_, size_}; }

    friend bool operator==(const AlignedBuffer &a, const AlignedBuffer &b) {
        return a.size_ == b.size_ && (a.size_ == 0 || std::memcmp(a.p_, b.p_, a.size_) == 0);
    }
    friend bool operator!=(const AlignedBuffer &a, const AlignedBuffer &b) { return !(a == b); }

private:
    static unsigned char *allocate(size_t bytes) {
        return static_cast<unsigned char *>(::operator new(bytes ? bytes : 1, std::align_val_t{SFL_WORKSPACE_ALIGN}));
    }
    unsigned char *p_;
    size_t size_;
};

} // namespace sfl_test
