# Installation: headers, libraries, CMake package, pkg-config file and Python package.
#
#   <prefix>/include/sfl/*.h                     public C headers (+ generated sfl_version.h)
#   <prefix>/lib/libsfl.a, libsfl.so*            static library, shared library (SFL_BUILD_SHARED)
#   <prefix>/lib/cmake/sfl/                      find_package(sfl CONFIG): sfl::sfl, sfl::sfl_static
#   <prefix>/lib/pkgconfig/sfl.pc                pkg-config sfl (add --static for Libs.private)
#   <prefix>/lib/python3/dist-packages/sfl/     the Python package (SFL_INSTALL_PYTHONDIR; with the shared library)
#
# The static library is made of the objects of sfl_objects (which uses xsimd
# privately, header-only): consumers need nothing from xsimd, so no target in
# the export set mentions it.

set(SFL_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/sfl CACHE STRING
    "Where the sfl CMake package files go, relative to the prefix")
set(SFL_INSTALL_PKGCONFIGDIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig CACHE STRING
    "Where sfl.pc goes, relative to the prefix")

# Public headers: every include/sfl/*.h plus the generated version header.
file(GLOB SFL_PUBLIC_HEADERS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/include/sfl/*.h)
install(FILES ${SFL_PUBLIC_HEADERS} ${PROJECT_BINARY_DIR}/include/sfl/sfl_version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/sfl COMPONENT sfl_dev)

set(SFL_INSTALL_TARGETS sfl_static)
if(TARGET sfl_shared)
  list(APPEND SFL_INSTALL_TARGETS sfl_shared)
endif()
install(TARGETS ${SFL_INSTALL_TARGETS} EXPORT sflTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT sfl_dev
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT sfl_runtime NAMELINK_COMPONENT sfl_dev
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT sfl_runtime)
install(EXPORT sflTargets NAMESPACE sfl:: FILE sflTargets.cmake
        DESTINATION ${SFL_INSTALL_CMAKEDIR} COMPONENT sfl_dev)

# Libraries a static link needs besides libsfl.a (the library itself is C++
# built without exceptions/RTTI and calls only libc and libm).
set(SFL_STATIC_LINK_LIBS m)
set(SFL_PC_LIBS_PRIVATE "")
foreach(lib IN LISTS SFL_STATIC_LINK_LIBS)
  string(APPEND SFL_PC_LIBS_PRIVATE " -l${lib}")
endforeach()
string(STRIP "${SFL_PC_LIBS_PRIVATE}" SFL_PC_LIBS_PRIVATE)

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/sflConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/sflConfig.cmake
                              INSTALL_DESTINATION ${SFL_INSTALL_CMAKEDIR})
# 0.x: minor versions may break the API, so only the same minor is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/sflConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/sflConfig.cmake ${PROJECT_BINARY_DIR}/sflConfigVersion.cmake
        DESTINATION ${SFL_INSTALL_CMAKEDIR} COMPONENT sfl_dev)

# pkg-config: prefix is found from the .pc file's own location, so the
# installed tree can be moved (and `cmake --install --prefix` works).
file(RELATIVE_PATH SFL_PC_TO_PREFIX /sfl-root/${SFL_INSTALL_PKGCONFIGDIR} /sfl-root)
string(REGEX REPLACE "/$" "" SFL_PC_TO_PREFIX "${SFL_PC_TO_PREFIX}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/sfl.pc.in ${PROJECT_BINARY_DIR}/sfl.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/sfl.pc DESTINATION ${SFL_INSTALL_PKGCONFIGDIR} COMPONENT sfl_dev)

# Python package (python/sfl: ctypes over libsfl.so, needs NumPy) when the shared library
# is built: <prefix>/<SFL_INSTALL_PYTHONDIR>/sfl/, plus a generated _install.py recording
# where libsfl.so was installed (cmake/python_install.cmake). The default is Debian's directory
# of pure-Python packages, not under CMAKE_INSTALL_LIBDIR (no multiarch part): with the
# prefix /usr it is on Debian's python path, elsewhere PYTHONPATH names it.
set(SFL_INSTALL_PYTHONDIR lib/python3/dist-packages CACHE STRING
    "Where the Python package sfl goes, relative to the prefix or absolute; empty: not installed")
if(TARGET sfl_shared AND SFL_INSTALL_PYTHONDIR)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/python/sfl DESTINATION ${SFL_INSTALL_PYTHONDIR} COMPONENT sfl_python
          FILES_MATCHING PATTERN "*.py" PATTERN "_install.py" EXCLUDE PATTERN "__pycache__" EXCLUDE)
  install(CODE "set(SFL_PY_DIR \"${SFL_INSTALL_PYTHONDIR}/sfl\")
set(SFL_PY_LIBDIR \"${CMAKE_INSTALL_LIBDIR}\")
set(SFL_PY_LIBNAME \"$<TARGET_FILE_NAME:sfl_shared>\")
include(\"${CMAKE_CURRENT_LIST_DIR}/python_install.cmake\")" COMPONENT sfl_python)
endif()
