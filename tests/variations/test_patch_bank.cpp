// MNIST-img backgrounds (patch_bank.hpp): grey conversion, PNG reading, the
// standard-deviation threshold against a two-pass computation, and the draws.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <stdexcept>
#include <vector>

#include <stb/stb_image_write.h>

#include "draw.hpp"
#include "options.hpp"
#include "patch_bank.hpp"
#include "synthetic_pool.hpp"
#include "temp_dir.hpp"

using namespace sfl_variations;
using sfl_variations_test::half_flat_image;
using sfl_variations_test::window_std_two_pass;

TEST_CASE("luma601 is BT.601 luma rounded to nearest, exact on greys") {
    for (int g = 0; g < 256; ++g) REQUIRE(luma601(uint8_t(g), uint8_t(g), uint8_t(g)) == g);
    CHECK(luma601(255, 0, 0) == 76);  // 0.299 * 255 = 76.245
    CHECK(luma601(0, 255, 0) == 150); // 0.587 * 255 = 149.685
    CHECK(luma601(0, 0, 255) == 29);  // 0.114 * 255 = 29.07
    CHECK(luma601(10, 200, 30) == 124); // 2.99 + 117.4 + 3.42 = 123.81
}

TEST_CASE("load_grey reads grey, grey+alpha, RGB and RGBA PNGs") {
    sfl_test::TempDir dir("variations_png");
    const int w = 5, h = 3;
    for (int comp = 1; comp <= 4; ++comp) {
        CAPTURE(comp);
        std::vector<uint8_t> px(size_t(w * h * comp));
        for (size_t i = 0; i < px.size(); ++i) px[i] = uint8_t((i * 53 + 7) % 256);
        const std::string path = (dir.path / ("c" + std::to_string(comp) + ".png")).string();
        REQUIRE(stbi_write_png(path.c_str(), w, h, comp, px.data(), w * comp) != 0);
        const GreyImage g = load_grey(path, "x.png");
        REQUIRE(g.width == w);
        REQUIRE(g.height == h);
        CHECK(g.name == "x.png");
        for (int i = 0; i < w * h; ++i) {
            const uint8_t *p = px.data() + i * comp;
            REQUIRE(g.pixels[size_t(i)] == (comp >= 3 ? luma601(p[0], p[1], p[2]) : p[0]));
        }
    }
}

TEST_CASE("load_grey names the file when it is missing or not an image") {
    sfl_test::TempDir dir("variations_png_bad");
    const std::string missing = (dir.path / "missing.png").string();
    CHECK_THROWS_WITH_AS(load_grey(missing, "missing.png"), doctest::Contains(missing.c_str()), std::runtime_error);
    const std::string junk = dir.file("junk.png", {'n', 'o', 't', ' ', 'a', ' ', 'p', 'n', 'g'});
    CHECK_THROWS_WITH_AS(load_grey(junk, "junk.png"), doctest::Contains(junk.c_str()), std::runtime_error);
}

TEST_CASE("a window passes exactly when its standard deviation reaches the threshold") {
    const GreyImage g = half_flat_image("half", 60, 40);
    for (double t : {0.03, 0.1, 0.2}) {
        CAPTURE(t);
        PatchBank bank({g}, 28, 28, t);
        int64_t passing = 0, close = 0;
        for (int32_t y = 0; y + 28 <= g.height; ++y)
            for (int32_t x = 0; x + 28 <= g.width; ++x) {
                const double s = window_std_two_pass(g, x, y, 28, 28);
                if (std::fabs(s - t) < 1e-12) ++close; // on the threshold: either side is right
                else if (s > t) ++passing;
            }
        CHECK(close == 0);
        CHECK(passing > 0);
        CHECK(passing < bank.windows(0));
        CHECK(bank.windows(0) == 33 * 13);
        CHECK(bank.passing(0) == passing);
    }
    // Threshold 0: every window, including the flat ones, passes.
    CHECK(PatchBank({g}, 28, 28, 0.0).passing(0) == 33 * 13);
}

TEST_CASE("drawn patches pass the threshold, come from usable images uniformly, and are cut exactly") {
    GreyImage flat;
    flat.name = "flat";
    flat.width = 50;
    flat.height = 50;
    flat.pixels.assign(2500, 77);
    const double t = 0.1;
    const std::vector<GreyImage> images = {half_flat_image("a", 60, 40), flat, half_flat_image("b", 45, 70)};
    PatchBank bank(images, 28, 28, t);
    CHECK(bank.passing(1) == 0);
    Stream s(3, Purpose::img);
    std::vector<int> per_image(3, 0);
    std::vector<uint8_t> patch(784), cut(784);
    const int draws = 6000;
    for (int i = 0; i < draws; ++i) {
        const PatchPick p = bank.draw(s, patch.data());
        REQUIRE(p.image >= 0);
        REQUIRE(p.image != 1); // the flat image has no passing window
        const GreyImage &g = images[size_t(p.image)];
        REQUIRE(p.x >= 0);
        REQUIRE(p.y >= 0);
        REQUIRE(p.x + 28 <= g.width);
        REQUIRE(p.y + 28 <= g.height);
        REQUIRE(window_std_two_pass(g, p.x, p.y, 28, 28) >= t);
        REQUIRE(std::fabs(bank.window_std(p) - window_std_two_pass(g, p.x, p.y, 28, 28)) < 1e-12);
        for (int32_t r = 0; r < 28; ++r)
            for (int32_t c = 0; c < 28; ++c)
                REQUIRE(patch[size_t(r * 28 + c)] == g.pixels[size_t(p.y + r) * size_t(g.width) + size_t(p.x + c)]);
        bank.cut(p, cut.data());
        REQUIRE(cut == patch);
        ++per_image[size_t(p.image)];
    }
    // Images 0 and 2 equally likely: |n0 - n2| within 4 standard deviations of a fair coin.
    CHECK(std::abs(per_image[0] - per_image[2]) < 4.0 * std::sqrt(double(draws)));
}

TEST_CASE("the bank refuses images smaller than a patch and a set with no passing window") {
    GreyImage small = half_flat_image("small", 27, 40);
    CHECK_THROWS_WITH_AS(PatchBank({small}, 28, 28, 0.0), doctest::Contains("small"), std::runtime_error);
    GreyImage flat;
    flat.name = "flat";
    flat.width = flat.height = 30;
    flat.pixels.assign(900, 5);
    CHECK_THROWS_WITH_AS(PatchBank({flat}, 28, 28, 0.01), doctest::Contains("--min-std"), std::runtime_error);
}

TEST_CASE("the default skimage images all load and give patches above the default threshold") {
    const std::string dir = SFL_SKIMAGE_DATA_DIR;
    if (!std::filesystem::exists(dir + "/camera.png")) {
        MESSAGE("python3-skimage not installed (" << dir << "): real-image check skipped");
        return;
    }
    const std::vector<std::string> names = default_image_names();
    CHECK(names.size() == 13);
    std::vector<GreyImage> images;
    for (const std::string &n : names) images.push_back(load_grey(dir + "/" + n, n));
    const double t = kDefaultMinStd;
    PatchBank bank(images, 28, 28, t);
    for (size_t i = 0; i < names.size(); ++i) {
        CAPTURE(names[i]);
        CHECK(bank.passing(i) > 1000);
        CHECK(bank.passing(i) <= bank.windows(i));
    }
    Stream s(1, Purpose::img);
    std::vector<uint8_t> patch(784);
    for (int i = 0; i < 3000; ++i) {
        const PatchPick p = bank.draw(s, patch.data());
        REQUIRE(window_std_two_pass(images[size_t(p.image)], p.x, p.y, 28, 28) >= t);
    }
}
