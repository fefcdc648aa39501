// sfl::Workspace: 64-byte aligned owned scratch buffer.
#include <new>

#include "sfl/sfl.hpp"

namespace sfl {

void Workspace::AlignedDelete::operator()(std::byte *p) const noexcept {
    ::operator delete(p, std::align_val_t{SFL_WORKSPACE_ALIGN});
}

void Workspace::reserve(size_t bytes) {
    if (bytes <= size_) return;
    // Allocate before releasing the old buffer: on bad_alloc the workspace is unchanged.
    void *p = ::operator new(bytes, std::align_val_t{SFL_WORKSPACE_ALIGN});
    buf_.reset(static_cast<std::byte *>(p));
    size_ = bytes;
}

} // namespace sfl
