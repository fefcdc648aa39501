# Installation: headers, libraries, CMake package and pkg-config file.
#
#   <prefix>/include/sfl/*.h                     public C headers (+ generated sfl_version.h)
#   <prefix>/lib/libsfl.a, libsfl.so*            static library, shared library (SFL_BUILD_SHARED)
#   <prefix>/lib/cmake/sfl/                      find_package(sfl CONFIG): sfl::sfl, sfl::sfl_static
#   <prefix>/lib/pkgconfig/sfl.pc                pkg-config sfl (add --static for Libs.private)
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
