# Shared part of the bare-metal Cortex-M toolchains (arm-none-eabi-cortex-m4.cmake,
# arm-none-eabi-cortex-m7.cmake set SFL_CORTEX_M_FLAGS and include this file).
# Debian packages: gcc-arm-none-eabi, libnewlib-arm-none-eabi (C library),
# libstdc++-arm-none-eabi-dev (C++ headers only: the library uses <cstdint>, <cmath>, ...;
# no libstdc++ is linked, so libstdc++-arm-none-eabi-newlib is not needed).
#
# No operating system: CMake cannot link a test program without a board's startup
# code, so its compiler checks build static libraries. The library is C++17 built
# without exceptions, RTTI or thread-safe statics, so it needs no C++ runtime;
# newlib-nano (--specs=nano.specs) is the C library. Every function and object gets
# its own section so the firmware link (--gc-sections) keeps only what is called.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)

# -fno-short-enums: arm-none-eabi defaults to the AAPCS "small enums" (an enum takes
# 1 byte when its values fit), but sfl's C ABI has 32-bit enums (sfl_status, the
# sfl_enet_params.solver field; lib/api/enet_api.cpp static_asserts it). Code that
# includes <sfl/...> headers must be compiled with the same flag (docs/embedded.md);
# ld then notes that newlib uses small enums (no newlib call takes an enum): the
# firmware link passes --no-enum-size-warning.
set(SFL_BAREMETAL_FLAGS
    "${SFL_CORTEX_M_FLAGS} -mthumb --specs=nano.specs -ffunction-sections -fdata-sections -fno-short-enums")
set(CMAKE_C_FLAGS_INIT "${SFL_BAREMETAL_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT
    "${SFL_BAREMETAL_FLAGS} -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,--gc-sections")

# No CMAKE_CROSSCOMPILING_EMULATOR: Debian's qemu-user 7.2 aborts on M-profile CPUs
# (`qemu-arm -cpu cortex-m4`: assertion in page_set_flags). Programs run on whole emulated
# boards instead (qemu-system-arm, SFL_BOARD: apps/board-mps2 sets each program's
# CROSSCOMPILING_EMULATOR to its run_qemu.sh).

# Nothing to find on the host: everything comes from the toolchain's own prefix.
set(CMAKE_FIND_ROOT_PATH /usr/lib/arm-none-eabi)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
