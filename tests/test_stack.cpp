// Stack use of the C API (sfl_types.h: SFL_MAX_STACK_BYTES). Each call runs on a
// thread whose stack this test owns and paints with a pattern first; afterwards the
// lowest overwritten byte gives the deepest the call went (the high-water mark),
// measured, not estimated. The bound covers the SIMD GEMM's packed panel (12 KiB on
// the stack) and every frame above it. Not under the sanitizers (ASan moves frames to
// its own fake stacks and enlarges them) nor valgrind (memcheck marks a finished
// thread's stack unreadable): SFL_TESTS_NO_STACK_PAINT, set by tests/CMakeLists.txt.
#include <doctest/doctest.h>

#include <pthread.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <sfl/sfl.h>

#include "layer_fixture.hpp"
#include "model_fixture.hpp"

#if defined(__SANITIZE_ADDRESS__)
#  define SFL_TESTS_NO_STACK_PAINT 1
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    define SFL_TESTS_NO_STACK_PAINT 1
#  endif
#endif

#ifndef SFL_TESTS_NO_STACK_PAINT
namespace {

constexpr unsigned char kPaint = 0xA5;
// The thread's own frames (start routine, std::function, this file's lambda) and libc's
// thread set-up sit on top of what sfl uses; allowed on top of the bound.
constexpr size_t kHarness = 16 * 1024;
constexpr size_t kStack = 256 * 1024;

struct Job {
    std::function<void()> fn;
};

void *run_job(void *p) {
    static_cast<Job *>(p)->fn();
    return nullptr;
}

// Bytes of the painted stack the call overwrote (stacks grow down on every target we build for).
size_t stack_used(const std::function<void()> &fn) {
    std::vector<unsigned char> mem(kStack + 4096);
    unsigned char *base = mem.data() + (4096 - reinterpret_cast<uintptr_t>(mem.data()) % 4096) % 4096;
    std::memset(base, kPaint, kStack);
    pthread_attr_t attr;
    REQUIRE(pthread_attr_init(&attr) == 0);
    REQUIRE(pthread_attr_setstack(&attr, base, kStack) == 0);
    Job job{fn};
    pthread_t t;
    REQUIRE(pthread_create(&t, &attr, run_job, &job) == 0);
    REQUIRE(pthread_join(t, nullptr) == 0);
    pthread_attr_destroy(&attr);
    size_t untouched = 0;
    while (untouched < kStack && base[untouched] == kPaint) ++untouched;
    return kStack - untouched;
}

} // namespace

TEST_CASE("stack: every call stays within SFL_MAX_STACK_BYTES (painted thread stack)") {
    // The baseline: the harness alone (an empty job). Every job below only calls the C API
    // (inputs prepared outside, statuses checked after), so the rest is sfl's.
    const size_t idle = stack_used([] {});
    MESSAGE("harness alone: " << idle << " bytes");
    REQUIRE(idle < kHarness);
    size_t worst = 0;
    auto check = [&](const std::string &what, const std::function<void()> &fn) {
        const size_t used = stack_used(fn);
        const size_t by_sfl = used > idle ? used - idle : 0;
        MESSAGE(what << ": " << by_sfl << " bytes above the harness");
        CHECK(by_sfl <= SFL_MAX_STACK_BYTES);
        worst = by_sfl > worst ? by_sfl : worst;
    };
    // SF and CSF layers, plan, forward and backward (GEMMs of every shape the layers use).
    for (bool csf : {false, true}) {
        const sfl_gradcheck::Case c =
            csf ? sfl_test::csf_case(3, sfl_dims4{3, 12, 12, 2}, SFL_PATCH_PARAMS_INIT(5, 1), 20, 0.05f, 0.01f, 7u)
                : sfl_test::sf_case(70, 300, 120, 0.05f, 0.01f, 7u);
        sfl_gradcheck::LibResult r;
        check(csf ? "csf plan + forward + backward" : "sf plan + forward + backward",
              [&] { r = sfl_gradcheck::run_library(c); });
        CHECK(r.ok());
    }
    // Whole models: conv2d, maxpool, relu, linear; csf (LARS), sf (CD), and the plans they build.
    sfl_model_test::ConvNet conv;
    sfl_model_test::FactorNet factor;
    const int32_t n = 4;
    std::vector<float> X(size_t(n) * 64, 0.5f), Y(size_t(n) * 5);
    size_t conv_bytes = 0, factor_bytes = 0;
    REQUIRE(sfl_model_forward_workspace_size(&conv.model, n, &conv_bytes) == SFL_OK);
    REQUIRE(sfl_model_forward_workspace_size(&factor.model, n, &factor_bytes) == SFL_OK);
    sfl_model_test::Bytes conv_mem(conv_bytes), factor_mem(factor_bytes);
    const sfl_workspace conv_ws = {conv_mem.data(), conv_bytes}, factor_ws = {factor_mem.data(), factor_bytes};
    sfl_status st1 = SFL_ERR_NULL_ARG, st2 = SFL_ERR_NULL_ARG, st3 = SFL_ERR_NULL_ARG;
    check("model forward (conv net)", [&] { st1 = sfl_model_forward(&conv_ws, &conv.model, n, X.data(), Y.data()); });
    check("model build plans (factor net)", [&] { st2 = factor.build_plans(); });
    check("model forward (factor net)",
          [&] { st3 = sfl_model_forward(&factor_ws, &factor.model, n, X.data(), Y.data()); });
    CHECK(st1 == SFL_OK);
    CHECK(st2 == SFL_OK);
    CHECK(st3 >= 0);
    MESSAGE("worst: " << worst << " of SFL_MAX_STACK_BYTES = " << SFL_MAX_STACK_BYTES);
}
#endif
