#include "sfl/sfl_version.h"
#include "simd/simd.hpp"

extern "C" SFL_API unsigned sfl_version(void) { return SFL_VERSION_NUMBER; }
extern "C" SFL_API const char *sfl_version_string(void) { return SFL_VERSION_STRING; }
extern "C" SFL_API const char *sfl_simd_arch(void) { return sfl::simd::arch_name(); }
