# Cross toolchain: Linux on 64-bit ARM (ARMv8-A). NEON (Advanced SIMD) is part of
# the base architecture, so xsimd picks `neon64` with no extra flag.
# Debian packages: g++-aarch64-linux-gnu (compilers + sysroot /usr/aarch64-linux-gnu),
# qemu-user (runs the tests: ctest prefixes every test with the emulator below).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# Libraries, headers and CMake packages come from the target's sysroot only; programs
# (qemu, python, ...) from the host. Header-only host packages (xsimd, doctest) are
# staged into the build tree by cmake/stage_headers.cmake, never taken from /usr/include.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# qemu-user with the sysroot as the dynamic loader's root.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64;-L;/usr/aarch64-linux-gnu)
