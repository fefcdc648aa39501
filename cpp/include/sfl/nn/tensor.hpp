// tensor.hpp - the wrapper's float storage: a 64-byte aligned, zero-initialised
// array (Tensor) and the per-sample shape of an activation (Shape, HWC).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <utility>

#include "sfl/sfl_types.h"

namespace sfl {
namespace nn {

/** Shape of one sample's activation, HWC (a feature vector is 1 x 1 x c). */
struct Shape {
    int32_t h = 1;
    int32_t w = 1;
    int32_t c = 1;
    int64_t size() const noexcept { return int64_t(h) * w * c; }
    bool operator==(const Shape &o) const noexcept { return h == o.h && w == o.w && c == o.c; }
    std::string str() const { return std::to_string(h) + "x" + std::to_string(w) + "x" + std::to_string(c); }
};

/** Owned float array, SFL_WORKSPACE_ALIGN aligned, zero-initialised; move-only.
 *  resize() keeps nothing (the wrapper's buffers are rewritten every step). */
class Tensor {
public:
    Tensor() = default;
    explicit Tensor(size_t count) { resize(count); }
    Tensor(Tensor &&o) noexcept : p_(std::move(o.p_)), n_(std::exchange(o.n_, 0)), cap_(std::exchange(o.cap_, 0)) {}
    Tensor &operator=(Tensor &&o) noexcept {
        p_ = std::move(o.p_);
        n_ = std::exchange(o.n_, 0);
        cap_ = std::exchange(o.cap_, 0);
        return *this;
    }
    Tensor(const Tensor &) = delete;
    Tensor &operator=(const Tensor &) = delete;

    /** Make room for `count` floats, all zero. Throws std::bad_alloc. */
    void resize(size_t count) {
        if (count > cap_) {
            void *p = ::operator new(count * sizeof(float) + 64, std::align_val_t{SFL_WORKSPACE_ALIGN});
            p_.reset(static_cast<float *>(p));
            cap_ = count;
        }
        n_ = count;
        zero();
    }
    void zero() noexcept {
        if (n_) std::memset(p_.get(), 0, n_ * sizeof(float));
    }
    /** Copy of the values (same size). */
    void copy_from(const float *src, size_t count) {
        resize(count);
        if (count) std::memcpy(p_.get(), src, count * sizeof(float));
    }

    float *data() noexcept { return p_.get(); }
    const float *data() const noexcept { return p_.get(); }
    size_t size() const noexcept { return n_; }
    float &operator[](size_t i) noexcept { return p_.get()[i]; }
    float operator[](size_t i) const noexcept { return p_.get()[i]; }

private:
    struct Del {
        void operator()(float *p) const noexcept { ::operator delete(p, std::align_val_t{SFL_WORKSPACE_ALIGN}); }
    };
    std::unique_ptr<float[], Del> p_;
    size_t n_ = 0;
    size_t cap_ = 0;
};

} // namespace nn
} // namespace sfl
