// Backgrounds combined with the digit by max (backgrounds.hpp). Compiled with
// -ffp-contract=off (CMakeLists.txt): the float steps round the same everywhere.
#include "backgrounds.hpp"

#include <algorithm>
#include <cmath>

#include "draw.hpp"

namespace sfl_variations {

void combine_noise(const uint8_t *digit, int32_t n, Stream &s, uint8_t *out) {
    for (int32_t i = 0; i < n; ++i) {
        const float u = s.unit24();
        const float v = std::max(float(digit[i]) / 255.0f, u);
        // 255 * (d / 255) lies within an ulp of d, so the digit value survives rounding.
        out[i] = uint8_t(std::floor(255.0f * v + 0.5f));
    }
}

void combine_max(const uint8_t *digit, const uint8_t *background, int32_t n, uint8_t *out) {
    for (int32_t i = 0; i < n; ++i) out[i] = std::max(digit[i], background[i]);
}

} // namespace sfl_variations
