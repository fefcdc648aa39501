// sfl.hpp - thin C++ wrapper basics over the sfl C API (oneDNN style):
// a status-carrying exception, one check() that turns errors into it, and
// move-only owners of the memory the C API asks callers for.
// Warnings (positive statuses) are returned, never thrown.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "sfl/sfl.h"
#include "sfl/threads.hpp"

namespace sfl {


/** An sfl call failed; status() is the C status (< 0). */
class Error : public std::runtime_error {
public:
    Error(sfl_status status, const std::string &message) : std::runtime_error(message), status_(status) {}
    sfl_status status() const noexcept { return status_; }

private:
    sfl_status status_;
};

/** Throw Error(st, "what: <sfl_status_string(st)>") if st < 0; otherwise return st
 *  (SFL_OK or a warning such as SFL_WARN_NOT_CONVERGED). */
sfl_status check(sfl_status st, const char *what);

/** Owned scratch memory, SFL_WORKSPACE_ALIGN (64) byte aligned. Move-only. */
class Workspace {
public:
    Workspace() = default;
    explicit Workspace(size_t bytes) { reserve(bytes); }
    Workspace(Workspace &&other) noexcept : buf_(std::move(other.buf_)), size_(std::exchange(other.size_, 0)) {}
    Workspace &operator=(Workspace &&other) noexcept {
        buf_ = std::move(other.buf_);
        size_ = std::exchange(other.size_, 0);
        return *this;
    }
    Workspace(const Workspace &) = delete;
    Workspace &operator=(const Workspace &) = delete;

    /** Grow to at least `bytes` (never shrinks). Contents are not kept when it grows.
     *  Throws std::bad_alloc. */
    void reserve(size_t bytes);

    size_t size() const noexcept { return size_; }
    void *data() const noexcept { return buf_.get(); }

    /** The C view of this buffer, for the *workspace arguments of the C API. */
    sfl_workspace view() const noexcept { return sfl_workspace{buf_.get(), size_}; }

private:
    struct AlignedDelete {
        void operator()(std::byte *p) const noexcept;
    };
    std::unique_ptr<std::byte[], AlignedDelete> buf_;
    size_t size_ = 0;
};

/** Owner of an elastic-net plan (G = P^T P + l2 I and 1/G_jj) and its memory.
 *  Move-only; moving keeps get() valid (the memory does not move). */
class EnetPlan {
public:
    EnetPlan() = default;
    /** sfl_enet_plan_size + sfl_enet_plan_init for the m x K row-major dictionary P
     *  (only params.l2 is used). Throws Error (e.g. SFL_ERR_ZERO_ATOM, SFL_ERR_NOT_FINITE). */
    EnetPlan(const sfl_enet_params &params, int32_t m, int32_t K, const float *P);
    EnetPlan(EnetPlan &&other) noexcept;
    EnetPlan &operator=(EnetPlan &&other) noexcept;
    EnetPlan(const EnetPlan &) = delete;
    EnetPlan &operator=(const EnetPlan &) = delete;

    /** Rebuild in place for a new P of the same shape (after an optimizer step):
     *  no allocation. threads.count > 1 shares the Gram's rows among that many threads
     *  (sfl_enet_plan_init_rows, blocks of SFL_ENET_PLAN_ROW_BLOCK rows; the same plan,
     *  float for float), on the workers of threads.pool when given (sfl/thread_pool.hpp).
     *  Throws Error; on error the owner is empty. */
    void rebuild(const sfl_enet_params &params, const float *P, Threads threads = {});

    /** The C plan, for the C API; nullptr for a default-constructed or moved-from owner. */
    const sfl_enet_plan *get() const noexcept { return plan_; }
    explicit operator bool() const noexcept { return plan_ != nullptr; }
    /** Shape the plan was built for ({0, 0} when empty). */
    sfl_enet_dims dims() const noexcept { return dims_; }

private:
    Workspace mem_;
    sfl_enet_plan *plan_ = nullptr;
    sfl_enet_dims dims_{0, 0};
};

} // namespace sfl
