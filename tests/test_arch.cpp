// Which SIMD path was compiled: sfl_simd_arch() (the library's kernels) must be the
// instruction set the build configuration asks for. CMake passes the expectation as
// SFL_EXPECT_ARCH (tests/CMakeLists.txt): the cross presets set xsimd's names
// "arm64+neon" (aarch64), "arm32+neon" (armv7 -mfpu=neon-vfpv4) and "scalar"
// (armv7 -mfpu=vfpv3-d16, where xsimd 8.1 has no architecture); SFL_SIMD=OFF gives
// "scalar". Without an expectation the library must agree with the xsimd default
// of this test's own compile. Under qemu this shows NEON code runs, not the fallback.
#include <doctest/doctest.h>

#include <string>

#include "sfl/sfl_version.h"
#include "simd/simd.hpp"

TEST_CASE("arch: the library's kernels use the instruction set the build expects") {
    const std::string lib = sfl_simd_arch();
    CAPTURE(lib);
#ifdef SFL_EXPECT_ARCH
    CHECK(lib == SFL_EXPECT_ARCH);
#endif
    // The tests see the same configuration as the library (same flags, same SIMD choice).
    CHECK(lib == sfl::simd::arch_name());
    MESSAGE("sfl_simd_arch() = " << lib << ", " << sfl::simd::lanes << " float lanes");
}

TEST_CASE("arch: lane count and target macros agree with the reported instruction set") {
    const std::string lib = sfl_simd_arch();
    if (lib == "scalar") {
        CHECK(sfl::simd::lanes == 1);
        CHECK(SFL_HAS_SIMD == 0);
    } else if (lib == "arm64+neon" || lib == "arm32+neon" || lib.rfind("sse", 0) == 0) {
        CHECK(sfl::simd::lanes == 4);
    } else if (lib.find("avx512") != std::string::npos) {
        CHECK(sfl::simd::lanes == 16);
    } else if (lib.find("avx") != std::string::npos) {
        CHECK(sfl::simd::lanes == 8);
    }
#if defined(__aarch64__)
    // AArch64 always has Advanced SIMD: a scalar build there must be deliberate (SFL_SIMD=OFF).
#  if SFL_HAS_SIMD
    CHECK(lib == "arm64+neon");
#  endif
#elif defined(__arm__)
#  if defined(__ARM_NEON) && SFL_HAS_SIMD
    CHECK(lib == "arm32+neon");
#  elif !defined(__ARM_NEON)
    CHECK(lib == "scalar"); // xsimd 8.1: XSIMD_NO_SUPPORTED_ARCHITECTURE without NEON
#  endif
#endif
}

#if SFL_HAS_SIMD
TEST_CASE("arch: the CPU running the tests supports the compiled instruction set") {
    // xsimd's run-time detection (cpuid / getauxval(AT_HWCAP) on armv7; qemu reports
    // its emulated CPU's features) must rate this CPU at least as high as the
    // instruction set compiled in.
    const auto cpu = xsimd::available_architectures();
    CAPTURE(cpu.best);
    CHECK(cpu.best >= sfl::simd::arch::version());
}
#endif
