// PNG output. The one translation unit with stb_image_write's implementation.
#include "png.hpp"

#include <stdexcept>
#include <vector>

#include "sfl/model.hpp"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb/stb_image_write.h>

namespace sfl_figures {
namespace {

void append(void *ctx, void *data, int size) {
    auto *out = static_cast<std::vector<unsigned char> *>(ctx);
    const auto *p = static_cast<const unsigned char *>(data);
    out->insert(out->end(), p, p + size);
}

} // namespace

void write_png(const std::string &path, const Image &im) {
    std::vector<unsigned char> bytes;
    if (!stbi_write_png_to_func(append, &bytes, im.w, im.h, 3, im.px.data(), im.w * 3))
        throw std::runtime_error(path + ": PNG encoding failed");
    sfl::write_file_atomically(path, bytes.data(), bytes.size());
}

} // namespace sfl_figures
