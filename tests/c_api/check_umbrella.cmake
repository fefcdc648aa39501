# check_umbrella.cmake - sfl.h includes every other public header.
#
#   cmake -DHEADER_DIR=<include/sfl> -P check_umbrella.cmake
cmake_policy(VERSION 3.22)
file(READ "${HEADER_DIR}/sfl.h" umbrella)
file(GLOB headers "${HEADER_DIR}/*.h")
list(APPEND headers "${HEADER_DIR}/sfl_version.h") # generated from sfl_version.h.in
set(missing "")
foreach(h IN LISTS headers)
  get_filename_component(name "${h}" NAME)
  if(NOT name STREQUAL "sfl.h" AND NOT umbrella MATCHES "#include [<\"](sfl/)?${name}[>\"]")
    list(APPEND missing "${name}")
  endif()
endforeach()
if(missing)
  message(FATAL_ERROR "include/sfl/sfl.h does not include: ${missing}")
endif()
message(STATUS "sfl.h includes every public header")
