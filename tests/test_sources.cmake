# The doctest sources of the suite, shared by tests/CMakeLists.txt (host and Linux cross
# builds) and apps/board-mps2/doctest.cmake (the emulated Cortex-M boards):
#   SFL_KERNEL_TEST_SOURCES  the C library through its API and kernels (sfl_tests, label kernel)
#   SFL_CPP_TEST_SOURCES     the C++ wrapper (sfl_cpp_tests, label cpp)
# Paths relative to tests/.
set(SFL_CPP_TEST_SOURCES test_checkpoint.cpp test_idx.cpp test_model_cpp.cpp test_nn_wrapper.cpp test_npy.cpp
                         test_parallel.cpp)
file(GLOB SFL_KERNEL_TEST_SOURCES CONFIGURE_DEPENDS RELATIVE ${CMAKE_CURRENT_LIST_DIR} ${CMAKE_CURRENT_LIST_DIR}/test_*.cpp)
list(REMOVE_ITEM SFL_KERNEL_TEST_SOURCES ${SFL_CPP_TEST_SOURCES})
