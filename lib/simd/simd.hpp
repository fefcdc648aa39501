// The only include of xsimd in the project. SFL_HAS_SIMD is 1 when xsimd found
// an instruction set for this target and SFL_FORCE_SCALAR is not set (SFL_SIMD=OFF,
// Cortex-M); every kernel then has a scalar *_ref path that always compiles.
#pragma once

#if !defined(SFL_FORCE_SCALAR)
#  include <xsimd/xsimd.hpp>
#  if !defined(XSIMD_NO_SUPPORTED_ARCHITECTURE)
#    define SFL_HAS_SIMD 1
#  endif
#endif
#ifndef SFL_HAS_SIMD
#  define SFL_HAS_SIMD 0
#endif

namespace sfl {
namespace simd {

#if SFL_HAS_SIMD
using arch = xsimd::default_arch;
using fbatch = xsimd::batch<float, arch>;
constexpr int lanes = static_cast<int>(fbatch::size);
// Double registers exist (x86, aarch64); 32-bit NEON declares its double register as
// xsimd's empty invalid_register: the double kernels take their scalar path there.
constexpr bool has_double = xsimd::types::has_simd_register<double, arch>::value &&
                            sizeof(xsimd::types::simd_register<double, arch>) >= 2 * sizeof(double);

// Horizontal sum (xsimd 8.x names it hadd; reduce_add arrived in 9.0).
inline float reduce_add(const fbatch &v) { return xsimd::hadd(v); }

inline const char *arch_name() { return arch::name(); }
#else
constexpr int lanes = 1;
constexpr bool has_double = false;
inline const char *arch_name() { return "scalar"; }
#endif

} // namespace simd
} // namespace sfl
