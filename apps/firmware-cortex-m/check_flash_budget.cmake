# cmake -DMAP=<link map> -DBUDGET=<bytes> -P check_flash_budget.cmake
#
# The flash budget of the CSF inference path (issue 20; docs/embedded.md "Flash budget"):
# the bytes of libsfl.a that the firmware example's link kept (code, read-only data and
# initialised data of each libsfl.a member, from the link map after --gc-sections) must
# not exceed BUDGET. The firmware example calls exactly that path: plan, encode, CSF forward.
file(READ ${MAP} map)
string(FIND "${map}" "Linker script and memory map" start)
string(SUBSTRING "${map}" ${start} -1 map)
string(REGEX MATCHALL "\n \\.?[A-Za-z_][^ \n]*[ \n]+0x[0-9a-f]+ +0x[0-9a-f]+ [^\n]*libsfl\\.a\\([^\n]+" entries "${map}")
set(total 0)
foreach(e IN LISTS entries)
  string(REGEX MATCH "\n (\\.?[A-Za-z_][^ \n]*)[ \n]+0x[0-9a-f]+ +(0x[0-9a-f]+) " _ "${e}")
  set(section "${CMAKE_MATCH_1}")
  set(bytes "${CMAKE_MATCH_2}") # (if(MATCHES) below resets CMAKE_MATCH_*)
  if(section MATCHES "^\\.(text|rodata|ARM\\.exidx|data)")
    math(EXPR total "${total} + ${bytes}")
  endif()
endforeach()
if(total EQUAL 0)
  message(FATAL_ERROR "flash budget: no libsfl.a section found in ${MAP}")
endif()
if(total GREATER BUDGET)
  message(FATAL_ERROR "flash budget: the CSF inference path links ${total} bytes of sfl code, over the budget of ${BUDGET}")
endif()
message(STATUS "flash budget: ${total} bytes of sfl code linked, budget ${BUDGET}")
