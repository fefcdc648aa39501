# Cross toolchain: bare-metal Cortex-M4F (ARMv7E-M, single-precision FPv4, hard-float ABI).
# No NEON: the library is built scalar (preset cortex-m4-none-gcc-release: SFL_SIMD=OFF).
set(SFL_CORTEX_M_FLAGS "-mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard")
include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi-common.cmake)
