// backgrounds.hpp - MNIST-rand and MNIST-img: a background under the digit,
// combined as max(digit, background) (docs/design.md section 4; docs/variations.md).
#pragma once

#include <cstdint>

namespace sfl_variations {

class Stream;

/** MNIST-rand: for every pixel i (image order), u_i = s.unit24() (uniform in [0, 1)),
 *  v = max(digit_i / 255, u_i) in float and out_i = floor(255 v + 0.5) (round half up),
 *  which equals max(digit_i, floor(255 u_i + 0.5)): a digit pixel is never lowered.
 *  Draws exactly n words from s. digit and out may be the same array. */
void combine_noise(const uint8_t *digit, int32_t n, Stream &s, uint8_t *out);

/** out_i = max(digit_i, background_i): MNIST-img with a uint8 grey patch. */
void combine_max(const uint8_t *digit, const uint8_t *background, int32_t n, uint8_t *out);

} // namespace sfl_variations
