# The C library's doctest suite on the emulated board (SFL_BOARD_DOCTEST; included by
# apps/board-mps2/CMakeLists.txt; docs/embedded.md "Running on emulated boards").
#
# The "kernel" doctest sources of the host builds (tests/test_sources.cmake: solvers against
# their fixtures, the layers' references and gradients, bad-input tables, golden outputs),
# compiled for the board with C++ exceptions and RTTI (the tests use them; the library
# itself stays without). Fixtures are read from the source tree through semihosting; the
# heap is the board's 16 MiB PSRAM (psram_heap.c). Left out: test_stack.cpp (it paints a
# pthread's stack; no threads here). One ctest per source file (doctest --source-file),
# as under valgrind: every test is a boot of the board.
#
# libstdc++ (Debian: libstdc++-arm-none-eabi-newlib) is linked by its path, with the C
# driver: nano.specs would turn -lstdc++ into libstdc++_nano, which is built without
# exceptions (a throw aborts), and the tests throw (fixture readers) and catch (doctest).
# The C library stays newlib-nano.
separate_arguments(cpu_flags UNIX_COMMAND "${SFL_CORTEX_M_FLAGS}")
execute_process(COMMAND ${CMAKE_CXX_COMPILER} ${cpu_flags} -mthumb -print-file-name=libstdc++.a
                OUTPUT_VARIABLE libstdcxx OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT IS_ABSOLUTE "${libstdcxx}")
  message(FATAL_ERROR "SFL_BOARD_DOCTEST: ${CMAKE_CXX_COMPILER} has no libstdc++ for newlib "
                      "(Debian: apt-get install libstdc++-arm-none-eabi-newlib), or configure with -DSFL_BOARD_DOCTEST=OFF")
endif()

find_package(doctest REQUIRED CONFIG) # staged by cmake/stage_headers.cmake
include(${PROJECT_SOURCE_DIR}/tests/test_sources.cmake)
set(board_doctest_sources ${SFL_KERNEL_TEST_SOURCES})
list(REMOVE_ITEM board_doctest_sources test_stack.cpp)
list(TRANSFORM board_doctest_sources PREPEND ${PROJECT_SOURCE_DIR}/tests/)
# The .npy reader of the fixtures (the C++ wrapper is not built on bare metal).
set(npy_reader npy.cpp npy_header.cpp atomic_file.cpp)
list(TRANSFORM npy_reader PREPEND ${PROJECT_SOURCE_DIR}/cpp/src/)

sfl_board_program(sfl_board_doctest cxx_runtime.c psram_heap.c ${PROJECT_SOURCE_DIR}/tests/main.cpp ${board_doctest_sources} ${npy_reader})
target_link_libraries(sfl_board_doctest PRIVATE doctest::doctest ${libstdcxx} m)
target_include_directories(sfl_board_doctest PRIVATE ${PROJECT_SOURCE_DIR}/tests ${PROJECT_SOURCE_DIR}/lib
                           ${PROJECT_SOURCE_DIR}/cpp/include ${PROJECT_SOURCE_DIR}/cpp/src)
target_compile_options(sfl_board_doctest PRIVATE -O1 $<$<COMPILE_LANGUAGE:CXX>:-fexceptions -frtti>)
target_compile_definitions(sfl_board_doctest PRIVATE SFL_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
                           SFL_FORCE_SCALAR=1 SFL_EXPECT_ARCH="scalar" SFL_TESTS_SHORT=1 SFL_TESTS_HAVE_CPP=1
                           DOCTEST_CONFIG_NO_POSIX_SIGNALS DOCTEST_CONFIG_NO_MULTITHREADING)
# The files that take over 30 s on the M4F board (its double arithmetic is libgcc
# calls; measured 32-320 s each, the rest 0.1-16 s) also carry the label board_long, which
# CI's board stage leaves out (.ci/run); the M7 runs them in a fraction of that.
set(board_long test_enet_real test_enet_reference test_gemm test_layers_lanes test_enet_degenerate
               test_enet_solvers test_enet_lars_lanes)
foreach(src IN LISTS board_doctest_sources)
  get_filename_component(stem ${src} NAME_WE)
  sfl_board_test(doctest.${stem} sfl_board_doctest --source-file=*/${stem}.cpp)
  if(stem IN_LIST board_long)
    set_tests_properties(board.doctest.${stem} PROPERTIES LABELS "board;board_long" TIMEOUT 1800
                         ENVIRONMENT SFL_BOARD_TIMEOUT=1800)
  endif()
endforeach()
