# Run by `cmake --install` (install(CODE) in cmake/install.cmake): writes the Python
# package's _install.py, which records where the shared library was installed, as a
# path relative to the package (so the installed tree can be moved or staged with
# DESTDIR) and as an absolute path. Expects, set by the caller:
#   SFL_PY_DIR      the package's directory, relative to the prefix or absolute
#   SFL_PY_LIBDIR   the library's directory, relative to the prefix or absolute
#   SFL_PY_LIBNAME  the library's file name (libsfl.so.X.Y.Z)
foreach(var SFL_PY_DIR SFL_PY_LIBDIR)
  if(NOT IS_ABSOLUTE "${${var}}")
    set(${var} "${CMAKE_INSTALL_PREFIX}/${${var}}")
  endif()
endforeach()
set(library "${SFL_PY_LIBDIR}/${SFL_PY_LIBNAME}")
file(RELATIVE_PATH relative "${SFL_PY_DIR}" "${library}")
set(out "$ENV{DESTDIR}${SFL_PY_DIR}/_install.py")
message(STATUS "Installing: ${out}")
file(WRITE "${out}"
     "\"\"\"Written by cmake --install (cmake/python_install.cmake): the libsfl installed with this package.\"\"\"\n"
     "LIBRARY_RELATIVE = \"${relative}\"  # from this package's directory\n"
     "LIBRARY_ABSOLUTE = \"${library}\"\n")
