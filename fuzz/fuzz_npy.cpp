// libFuzzer target: the .npy reader (cpp/src/npy.cpp, npy_header.cpp) on
// arbitrary bytes, through an in-memory file. The reader must either return an
// array whose data matches its shape or throw sfl::npy::Error; any other
// exception, crash, leak or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>

#include <sfl/npy.hpp>

#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const sfl_fuzz::MemFile file(data, size);
    try {
        const sfl::npy::Array a = sfl::npy::load_f32(file.path());
        size_t count = 1;
        for (size_t d : a.shape) count *= d; // the reader checked the product for overflow
        SFL_FUZZ_REQUIRE(a.data.size() == count);
        SFL_FUZZ_REQUIRE(a.shape.size() <= 64);
        // Every float of a '<f4' file is 4 bytes of it: the data cannot exceed the input.
        SFL_FUZZ_REQUIRE(count <= size / 4);
    } catch (const sfl::npy::Error &e) {
        SFL_FUZZ_REQUIRE(e.what()[0] != '\0');
    }
    return 0;
}
