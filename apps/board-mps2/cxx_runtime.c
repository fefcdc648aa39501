/* cxx_runtime.c - what libstdc++ needs of a hosted start-up and -nostartfiles leaves out
 * (the doctest suite only: apps/board-mps2/doctest.cmake). __dso_handle names the module
 * whose static destructors __cxa_atexit records (crtbegin.o defines it in a hosted link);
 * there is one module. */
void *__dso_handle = &__dso_handle;
