# Installation: headers, libraries, CMake package and pkg-config file (filled in by the build issue work).
