// solvers_built.hpp - which solvers this build of the library has. SFL_WITH_CD is 1 unless
// CMake's SFL_WITH_CD=OFF (a LARS-only firmware build, docs/embedded.md "Flash budget"):
// then the parameters refuse SFL_ENET_CD with SFL_ERR_UNSUPPORTED and nothing references
// the CD solver, so a firmware link leaves it out.
#pragma once

#ifndef SFL_WITH_CD
#  define SFL_WITH_CD 1
#endif
