// posix_compat.hpp - what the file code needs of POSIX, where newlib differs. newlib is the
// C library of the emulated Cortex-M boards, whose doctest suite reads its .npy fixtures
// through npy.cpp (apps/board-mps2/doctest.cmake).
#pragma once

#include <fcntl.h>
#include <sys/stat.h>

// Flags newlib lacks; a board has no exec and opens no directories.
#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif
#ifndef O_DIRECTORY
#define O_DIRECTORY 0
#endif

namespace sfl {
namespace detail {

// A file whose bytes can be read as a file. newlib's semihosting fstat (libgloss) reports
// every host file as a character device (with its true size), so there that counts too.
inline bool is_regular_file(const struct stat &st) {
#ifdef __NEWLIB__
    return S_ISREG(st.st_mode) || S_ISCHR(st.st_mode);
#else
    return S_ISREG(st.st_mode);
#endif
}

} // namespace detail
} // namespace sfl
