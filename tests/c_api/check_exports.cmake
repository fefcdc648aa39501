# check_exports.cmake - the shared library exports exactly the SFL_API functions.
#
#   cmake -DNM=<nm> -DLIB=<libsfl.so> -DLIST=<symbols.txt> -P check_exports.cmake
#
# LIST is written by gen_symbol_refs.cmake from the headers. Fails if a
# declared function is not exported, or if the library exports anything else
# (an internal C++ symbol leaking past -fvisibility=hidden). Toolchain symbols
# (_init, _fini, _edata, _end, __*) are ignored.
cmake_policy(VERSION 3.22)
foreach(var NM LIB LIST)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_exports.cmake: ${var} not set")
  endif()
endforeach()

file(STRINGS "${LIST}" declared)
execute_process(COMMAND "${NM}" -D --defined-only "${LIB}"
                OUTPUT_VARIABLE nm_out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "check_exports.cmake: ${NM} -D ${LIB} failed (${rc})")
endif()
string(REPLACE "\n" ";" lines "${nm_out}")
set(exported "")
foreach(line IN LISTS lines)
  if(line MATCHES "^[0-9a-fA-F]* *[A-Za-z] ([^ ]+)$")
    set(sym "${CMAKE_MATCH_1}")
    string(REGEX REPLACE "@.*" "" sym "${sym}")
    if(NOT sym MATCHES "^(__.*|_init|_fini|_edata|_end)$")
      list(APPEND exported "${sym}")
    endif()
  endif()
endforeach()

set(errors 0)
foreach(fn IN LISTS declared)
  if(NOT fn IN_LIST exported)
    message(SEND_ERROR "declared with SFL_API but not exported: ${fn}")
    math(EXPR errors "${errors} + 1")
  endif()
endforeach()
foreach(sym IN LISTS exported)
  if(NOT sym IN_LIST declared)
    message(SEND_ERROR "exported but not declared in include/sfl: ${sym}")
    math(EXPR errors "${errors} + 1")
  endif()
endforeach()
list(LENGTH declared n_declared)
list(LENGTH exported n_exported)
message(STATUS "${n_declared} declared, ${n_exported} exported, ${errors} mismatches")
