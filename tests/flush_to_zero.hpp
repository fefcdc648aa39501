// Whether the library's SIMD kernels flush subnormals to zero.
#pragma once

#include <cstring>

#include "sfl/sfl_version.h"

namespace sfl_test {

// ARMv7 NEON (xsimd "arm32+neon") always flushes subnormal operands and results
// to zero (Advanced SIMD ignores FPSCR.FZ): there a problem with subnormal data
// is solved as its flushed version. Every other target (x86, aarch64 NEON,
// scalar, Cortex-M) keeps IEEE subnormals (docs/robustness.md).
inline bool simd_flushes_subnormals() { return std::strcmp(sfl_simd_arch(), "arm32+neon") == 0; }

} // namespace sfl_test
