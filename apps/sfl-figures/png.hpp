// png.hpp - write an Image as PNG (stb_image_write, Debian's libstb-dev), atomically.
#pragma once

#include <string>

#include "raster.hpp"

namespace sfl_figures {

/** Encode im as an RGB PNG and write it to path atomically. Throws std::runtime_error naming path. */
void write_png(const std::string &path, const Image &im);

} // namespace sfl_figures
