// libFuzzer target: the idx (MNIST) reader (cpp/src/idx.cpp) on arbitrary
// bytes, through an in-memory file, as images and as labels. Each load must
// either return data matching its header or throw sfl::idx::Error; any other
// exception, crash, leak or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>

#include <sfl/idx.hpp>

#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const sfl_fuzz::MemFile file(data, size);
    try {
        const sfl::idx::Images im = sfl::idx::load_images(file.path());
        SFL_FUZZ_REQUIRE(im.n >= 1 && im.rows >= 1 && im.cols >= 1);
        SFL_FUZZ_REQUIRE(im.pixels.size() == size_t(im.n) * size_t(im.rows) * size_t(im.cols));
        SFL_FUZZ_REQUIRE(im.pixels.size() + 16 == size);
    } catch (const sfl::idx::Error &e) {
        SFL_FUZZ_REQUIRE(e.what()[0] != '\0');
    }
    try {
        const std::vector<uint8_t> labels = sfl::idx::load_labels(file.path());
        SFL_FUZZ_REQUIRE(!labels.empty() && labels.size() + 8 == size);
    } catch (const sfl::idx::Error &e) {
        SFL_FUZZ_REQUIRE(e.what()[0] != '\0');
    }
    return 0;
}
