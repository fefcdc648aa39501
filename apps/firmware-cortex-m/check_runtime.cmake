# cmake -DNM=.. -DOBJDUMP=.. -DMAP=<link map> -DELF=<firmware> -DLIB=<libsfl.a> -P check_runtime.cmake
#
# Fails when the bare-metal firmware or the library's objects need a C++ runtime or a heap:
#  1. undefined references of libsfl.a's objects: operator new/delete, __cxa_* (guards,
#     atexit, pure virtual, exceptions), personality routines, unwinder, std:: symbols,
#     malloc & co.;
#  2. sections of libsfl.a's objects: static constructors (.init_array, .preinit_array,
#     .ctors) and exception tables (.ARM.extab, .gcc_except_table, .eh_frame);
#  3. the link map: no archive member of libstdc++ / libsupc++ was pulled in;
#  4. the firmware's symbol table: none of the symbols of 1.
set(cxx_runtime "_Znw|_Zna|_ZdlPv|_ZdaPv|__cxa_|__gxx_personality|__aeabi_unwind_cpp_pr|_Unwind_|_ZSt|_ZNSt|_ZNKSt|__dso_handle")
set(heap "malloc|calloc|realloc|free|_sbrk")
set(failures "")

execute_process(COMMAND ${NM} -u ${LIB} OUTPUT_VARIABLE undef RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} -u ${LIB} failed")
endif()
string(REGEX MATCHALL "U [^\n]*(${cxx_runtime})[^\n]*" bad "${undef}")
string(REGEX MATCHALL "U _?(${heap})(_r)?\n" bad_heap "${undef}")
if(bad OR bad_heap)
  list(APPEND failures "libsfl.a references the C++ runtime or the heap: ${bad} ${bad_heap}")
endif()

execute_process(COMMAND ${OBJDUMP} -h ${LIB} OUTPUT_VARIABLE sections RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${OBJDUMP} -h ${LIB} failed")
endif()
string(REGEX MATCHALL "[ \t](\\.init_array|\\.preinit_array|\\.ctors|\\.ARM\\.extab|\\.gcc_except_table|\\.eh_frame)[^ \t\n]*"
       bad "${sections}")
if(bad)
  list(APPEND failures "libsfl.a objects have constructor or exception sections: ${bad}")
endif()

file(READ ${MAP} map)
string(FIND "${map}" "Memory Configuration" end)
string(SUBSTRING "${map}" 0 ${end} members) # "Archive member included ..." comes first
string(REGEX MATCHALL "[^\n/]*lib(stdc\\+\\+|supc\\+\\+)[^\n]*" bad "${members}")
if(bad)
  list(APPEND failures "the firmware link pulled in libstdc++/libsupc++ members: ${bad}")
endif()

execute_process(COMMAND ${NM} ${ELF} OUTPUT_VARIABLE syms RESULT_VARIABLE rc)
string(REGEX MATCHALL "[^\n]* [A-Za-z] [^\n]*(${cxx_runtime})[^\n]*" bad "${syms}")
if(bad)
  list(APPEND failures "the firmware contains C++ runtime symbols: ${bad}")
endif()

if(failures)
  list(JOIN failures "\n  " text)
  message(FATAL_ERROR "sfl bare-metal runtime check failed:\n  ${text}")
endif()
string(REGEX MATCHALL "[^\n]* [A-Za-z] _?(${heap})(_r)?\n" heap_syms "${syms}")
if(heap_syms)
  message(STATUS "note: the firmware links newlib's allocator (not called by sfl): ${heap_syms}")
endif()
message(STATUS "sfl runtime check: no operator new/delete, no __cxa_*, no personality/unwinder, "
               "no static constructors, no libstdc++/libsupc++, no heap calls from libsfl.a")
