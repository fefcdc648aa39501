# Cross toolchain: Linux on 32-bit ARMv7-A, hard-float ABI, NEON.
# -mfpu=neon-vfpv4 enables NEON and the fused multiply-add (vfma), so xsimd picks
# `neon` and xsimd::fma is fused; -mfpu=neon alone would give an unfused fma.
# The no-NEON variant (arm-linux-gnueabihf-noneon.cmake) sets SFL_ARMV7_FPU first.
# Debian packages: g++-arm-linux-gnueabihf (sysroot /usr/arm-linux-gnueabihf), qemu-user.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7-a)

set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)

if(NOT DEFINED SFL_ARMV7_FPU)
  set(SFL_ARMV7_FPU neon-vfpv4)
endif()
set(CMAKE_C_FLAGS_INIT "-march=armv7-a -mfpu=${SFL_ARMV7_FPU} -mfloat-abi=hard")
set(CMAKE_CXX_FLAGS_INIT "-march=armv7-a -mfpu=${SFL_ARMV7_FPU} -mfloat-abi=hard")

# Libraries, headers and CMake packages from the sysroot only; programs from the host.
set(CMAKE_FIND_ROOT_PATH /usr/arm-linux-gnueabihf)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# qemu-arm emulates the most capable ARMv7/v8 AArch32 CPU by default, so the NEON
# and the VFP-only builds both run on it.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm;-L;/usr/arm-linux-gnueabihf)
