# check_readme_example.cmake - README.md shows docs/examples/encode_one.c unchanged.
#
#   cmake -DREADME=<README.md> -DEXAMPLE=<encode_one.c> -P check_readme_example.cmake
#
# The example is compiled and run by ctest (sfl_example_encode_one); this keeps
# the copy a reader sees in the README identical to the tested file.
cmake_policy(VERSION 3.22)
file(READ "${README}" readme)
file(READ "${EXAMPLE}" example)
string(FIND "${readme}" "```c\n${example}```" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${README} does not contain ${EXAMPLE} verbatim in a ```c block; paste the file again")
endif()
message(STATUS "README example matches ${EXAMPLE}")
