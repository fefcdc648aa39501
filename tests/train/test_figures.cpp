// sfl-figures' drawing (apps/sfl-figures): atoms scaled to their own range, the
// tiling geometry and where each weight lands, and the sparsity histogram's bins.
#include <doctest/doctest.h>

#include <cstdint>
#include <numeric>
#include <vector>

#include "atoms.hpp"
#include "raster.hpp"
#include "svg_hist.hpp"

namespace {

using namespace sfl_figures;

bool same(Rgb a, Rgb b) { return a.r == b.r && a.g == b.g && a.b == b.b; }

} // namespace

TEST_CASE("figures: grey scaling maps min to 0 and max to 255, a constant to 128") {
    const std::vector<uint8_t> g = scale_to_grey({-2.0f, 0.0f, 2.0f, 1.0f}, -2.0f, 2.0f);
    CHECK(g == std::vector<uint8_t>{0, 128, 255, 191}); // 0.5 * 255 = 127.5 rounds to 128; 0.75 * 255 = 191.25
    CHECK(scale_to_grey({3.0f, 3.0f}, 3.0f, 3.0f) == std::vector<uint8_t>{128, 128});
}

TEST_CASE("figures: tiles in rows with gaps, each weight an s x s block at its place") {
    // A 2x3 single-channel atom with distinct values, upscaled by 2.
    const std::vector<float> v = {0, 1, 2, 3, 4, 5};
    const Image a = atom_image(v, 2, 3, 1, 2, 10);
    REQUIRE(a.w == 6);
    REQUIRE(a.h == 4);
    for (int32_t y = 0; y < 4; ++y)
        for (int32_t x = 0; x < 6; ++x) {
            const int32_t k = (y / 2) * 3 + x / 2;
            CHECK(a.at(x, y).r == uint8_t(k * 51)); // 255 / 5 per step
        }
    // Five such tiles, three per row, 1-px red gaps: 3*6 + 2 wide, 2*4 + 1 high.
    const Rgb red{255, 0, 0};
    const Image t = tile(std::vector<Image>(5, a), 3, 1, red);
    CHECK(t.w == 20);
    CHECK(t.h == 9);
    CHECK(same(t.at(6, 0), red));          // gap column after tile 0
    CHECK(same(t.at(0, 4), red));          // gap row
    CHECK(same(t.at(19, 8), red));         // the empty sixth cell keeps the gap colour
    CHECK(same(t.at(7 + 5, 5 + 3), a.at(5, 3))); // tile 4 (row 1, column 1), its last pixel
}

TEST_CASE("figures: an SF atom is one map per channel, HWC order, in rows of 10") {
    // 2x2x12: value (y*2 + x)*12 + ch; channel ch, pixel (y, x) at cell (ch % 10, ch / 10).
    std::vector<float> v(48);
    std::iota(v.begin(), v.end(), 0.0f);
    const Image a = atom_image(v, 2, 2, 12, 1, 10);
    REQUIRE(a.w == 10 * 2 + 9);
    REQUIRE(a.h == 2 * 2 + 1);
    const std::vector<uint8_t> g = scale_to_grey(v, 0.0f, 47.0f);
    for (int32_t ch = 0; ch < 12; ++ch)
        for (int32_t y = 0; y < 2; ++y)
            for (int32_t x = 0; x < 2; ++x) {
                const Rgb p = a.at((ch % 10) * 3 + x, (ch / 10) * 3 + y);
                CHECK(p.r == g[size_t((y * 2 + x) * 12 + ch)]);
            }
}

TEST_CASE("figures: sparsity histogram, exact counts for small K, 25 bins for large K") {
    LayerCodes c;
    c.K = 4;
    c.nnz = {0, 0, 1, 4};
    Histogram h = sparsity_histogram(c);
    REQUIRE(h.percent.size() == 5);
    CHECK(h.percent[0] == doctest::Approx(50.0));
    CHECK(h.percent[1] == doctest::Approx(25.0));
    CHECK(h.percent[4] == doctest::Approx(25.0));
    CHECK(h.mean_fraction == doctest::Approx((0.25 + 1.0) / 4));
    CHECK(h.zero_percent == doctest::Approx(50.0));

    c.K = 500;
    c.nnz = {0, 5, 10, 40}; // fractions 0, 0.01, 0.02, 0.08: x_max 0.1, bins of 0.004
    h = sparsity_histogram(c);
    REQUIRE(h.percent.size() == 25);
    CHECK(h.x_max == doctest::Approx(0.1));
    CHECK(h.percent[0] == doctest::Approx(25.0));
    CHECK(h.percent[2] == doctest::Approx(25.0)); // 0.01 / 0.004 = 2.5
    CHECK(h.percent[5] == doctest::Approx(25.0)); // 0.02 / 0.004 = 5: the upper bin at an edge
    CHECK(h.percent[20] == doctest::Approx(25.0));
    c.nnz = {500};
    h = sparsity_histogram(c);
    CHECK(h.x_max == doctest::Approx(1.0));
    CHECK(h.percent[24] == doctest::Approx(100.0)); // x_max goes to the last bin
}
