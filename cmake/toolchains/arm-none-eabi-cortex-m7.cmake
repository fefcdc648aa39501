# Cross toolchain: bare-metal Cortex-M7 (ARMv7E-M, double-precision FPv5, hard-float ABI).
# fpv5-d16 also does doubles in hardware (the LARS Cholesky and the duality gap use some);
# use -mfpu=fpv5-sp-d16 for the single-precision M7 parts.
set(SFL_CORTEX_M_FLAGS "-mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard")
include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi-common.cmake)
