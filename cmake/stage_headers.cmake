# Cross builds: the header-only host packages (xsimd, doctest) are copied into the
# build tree and found there, so the cross compiler never sees the host's
# /usr/include (which also holds x86 glibc headers that would shadow the sysroot's).
#
#   <build>/staged/include/{xsimd,doctest}/   copies of the host's headers
#   <build>/staged/cmake/<pkg>/               minimal <pkg>Config.cmake + version files
#
# xsimd_DIR / doctest_DIR point at the staged packages, so the usual
# find_package(xsimd CONFIG) / find_package(doctest CONFIG) calls find them and not
# the sysroot (CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY would find nothing there).
# The targets are the ones the host packages define: `xsimd` and `doctest::doctest`.
# doctest's test-discovery scripts (doctest.cmake, doctestAddTests.cmake) run in
# CMake on the host; they are staged beside the config and run the test binary
# through CMAKE_CROSSCOMPILING_EMULATOR.

set(SFL_HOST_PREFIX /usr CACHE PATH "Host prefix holding the header-only packages staged for cross builds")
set(SFL_STAGED_DIR ${PROJECT_BINARY_DIR}/staged)

# Copies <host>/include/<dir> into the staged include dir; sets <var> to the version
# X.Y.Z read from the #defines <macro>_MAJOR/_MINOR/_PATCH in <version_header>.
function(sfl_stage_headers dir version_header macro var)
  set(src ${SFL_HOST_PREFIX}/include/${dir})
  if(NOT EXISTS ${src}/${version_header})
    message(FATAL_ERROR "sfl: ${src}/${version_header} not found: install the host package "
                        "(Debian: libxsimd-dev, doctest-dev) or set SFL_HOST_PREFIX")
  endif()
  file(COPY ${src} DESTINATION ${SFL_STAGED_DIR}/include)
  file(STRINGS ${src}/${version_header} defs REGEX "#define ${macro}_(MAJOR|MINOR|PATCH) +[0-9]+")
  set(version "")
  foreach(part MAJOR MINOR PATCH)
    string(REGEX MATCH "${macro}_${part} +([0-9]+)" _ "${defs}")
    list(APPEND version ${CMAKE_MATCH_1})
  endforeach()
  list(JOIN version "." version)
  set(${var} ${version} PARENT_SCOPE)
endfunction()

# Writes <staged>/cmake/<pkg>/<pkg>Config.cmake (body) and its version file, and
# points <pkg>_DIR there. Header-only: ARCH_INDEPENDENT, so a 32-bit target accepts it.
function(sfl_stage_package pkg version body)
  set(dir ${SFL_STAGED_DIR}/cmake/${pkg})
  file(CONFIGURE OUTPUT ${dir}/${pkg}Config.cmake CONTENT "${body}" @ONLY)
  write_basic_package_version_file(${dir}/${pkg}ConfigVersion.cmake VERSION ${version}
                                   COMPATIBILITY SameMajorVersion ARCH_INDEPENDENT)
  set(${pkg}_DIR ${dir} CACHE PATH "Staged ${pkg} package (cross build)" FORCE)
endfunction()

set(SFL_STAGED_INCLUDE ${SFL_STAGED_DIR}/include)

if(SFL_SIMD)
  sfl_stage_headers(xsimd config/xsimd_config.hpp XSIMD_VERSION SFL_STAGED_XSIMD_VERSION)
  sfl_stage_package(xsimd ${SFL_STAGED_XSIMD_VERSION} [=[
# Staged by sfl's cmake/stage_headers.cmake: xsimd headers copied from the host.
if(NOT TARGET xsimd)
  add_library(xsimd INTERFACE IMPORTED)
  set_target_properties(xsimd PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "@SFL_STAGED_INCLUDE@")
endif()
set(xsimd_INCLUDE_DIRS "@SFL_STAGED_INCLUDE@")
]=])
endif()

if(SFL_BUILD_TESTS OR SFL_BOARD_DOCTEST)
  sfl_stage_headers(doctest doctest.h DOCTEST_VERSION SFL_STAGED_DOCTEST_VERSION)
  find_path(SFL_HOST_DOCTEST_SCRIPTS doctestAddTests.cmake
            PATHS ${SFL_HOST_PREFIX}/lib/cmake/doctest ${SFL_HOST_PREFIX}/share/doctest/cmake
                  ${SFL_HOST_PREFIX}/lib/${CMAKE_LIBRARY_ARCHITECTURE}/cmake/doctest
            NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
  if(NOT SFL_HOST_DOCTEST_SCRIPTS)
    message(FATAL_ERROR "sfl: doctest's CMake scripts (doctest.cmake) not found under ${SFL_HOST_PREFIX}")
  endif()
  foreach(script doctest.cmake doctestAddTests.cmake)
    configure_file(${SFL_HOST_DOCTEST_SCRIPTS}/${script} ${SFL_STAGED_DIR}/cmake/doctest/${script} COPYONLY)
  endforeach()
  sfl_stage_package(doctest ${SFL_STAGED_DOCTEST_VERSION} [=[
# Staged by sfl's cmake/stage_headers.cmake: doctest headers copied from the host,
# doctest.cmake (doctest_discover_tests) beside this file.
if(NOT TARGET doctest::doctest)
  add_library(doctest::doctest INTERFACE IMPORTED)
  set_target_properties(doctest::doctest PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "@SFL_STAGED_INCLUDE@")
endif()
list(APPEND CMAKE_MODULE_PATH "${CMAKE_CURRENT_LIST_DIR}")
]=])
endif()

message(STATUS "sfl: cross build, header-only packages staged in ${SFL_STAGED_INCLUDE}")
