// sfl::Arena - carves aligned regions out of one caller buffer (zstd's cwksp,
// simplified). The same code runs in counting mode (buf == nullptr) for the
// *_workspace_size queries and in carving mode for the kernels, so the size a
// query reports and the size a kernel uses cannot drift apart.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sfl/sfl_types.h"

namespace sfl {

class Arena {
public:
    // Counting mode: take() returns nullptr and only adds up sizes.
    Arena() = default;
    // Carving mode over [buf, buf + size).
    Arena(void *buf, size_t size) : base_(static_cast<unsigned char *>(buf)), cap_(size) {}

    static constexpr size_t align_up(size_t n) { return SFL_ALIGN_UP(n); }

    // Reserve count objects of T; each region starts SFL_WORKSPACE_ALIGN-aligned
    // and is rounded up to a multiple of it (the macros in the headers do the same).
    template <class T> T *take(size_t count) {
        const size_t bytes = align_up(count * sizeof(T));
        T *p = nullptr;
        if (base_ != nullptr && used_ + bytes <= cap_) p = reinterpret_cast<T *>(base_ + used_);
        if (base_ != nullptr && used_ + bytes > cap_) overflow_ = true;
        used_ += bytes;
        return p;
    }

    size_t used() const { return used_; }
    bool overflowed() const { return overflow_; }

private:
    unsigned char *base_ = nullptr;
    size_t cap_ = 0;
    size_t used_ = 0;
    bool overflow_ = false;
};

inline bool is_aligned(const void *p) {
    return (reinterpret_cast<uintptr_t>(p) & (SFL_WORKSPACE_ALIGN - 1)) == 0;
}

} // namespace sfl
