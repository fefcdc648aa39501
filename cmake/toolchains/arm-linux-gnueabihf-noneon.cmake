# Cross toolchain: Linux on 32-bit ARMv7-A, hard float, VFPv3-D16 only (no NEON):
# the FPU of e.g. Cortex-A9/Tegra 2 parts without NEON, and Debian armhf's default.
# xsimd 8.1 then defines XSIMD_NO_SUPPORTED_ARCHITECTURE and the library's scalar
# path (the *_ref kernels) is what runs, as in xsimd's own armv7 CI.
set(SFL_ARMV7_FPU vfpv3-d16)
include(${CMAKE_CURRENT_LIST_DIR}/arm-linux-gnueabihf.cmake)
