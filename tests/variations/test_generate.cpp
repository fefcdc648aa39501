// One variation end to end on a synthetic pool (generate.hpp, variation_files.hpp):
// the draw of digits, each kind's transform replayed from its definition, and the
// files: readable by sfl::idx, byte-identical for a seed, different for another.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <stdexcept>

#include "backgrounds.hpp"
#include "draw.hpp"
#include "generate.hpp"
#include "rotate.hpp"
#include "sfl/idx.hpp"
#include "synthetic_pool.hpp"
#include "temp_dir.hpp"
#include "variation_files.hpp"

using namespace sfl_variations;
using sfl_variations_test::half_flat_image;
using sfl_variations_test::synthetic_pool;
using sfl_variations_test::window_std_two_pass;

namespace {

std::vector<unsigned char> bytes_of(const std::filesystem::path &p) {
    std::ifstream f(p, std::ios::binary);
    REQUIRE(f.good());
    return std::vector<unsigned char>(std::istreambuf_iterator<char>(f), {});
}

const std::vector<std::string> kFiles = {kTrainImages, kTrainLabels, kTestImages, kTestLabels, kManifest};

Config config(Kind k, uint32_t seed, int32_t train, int32_t test) {
    Config c;
    c.kind = k;
    c.seed = seed;
    c.train = train;
    c.test = test;
    return c;
}

PatchBank small_bank(double min_std) {
    return PatchBank({half_flat_image("a", 60, 40), half_flat_image("b", 45, 70)}, 28, 28, min_std);
}

} // namespace

TEST_CASE("the digits are distinct pool entries with their labels, the same for every kind") {
    const Pool pool = synthetic_pool(700, 300);
    const PatchBank bank = small_bank(0.05);
    const Variation rot = make_variation(pool, config(Kind::rot, 4, 120, 480), nullptr);
    const Variation rnd = make_variation(pool, config(Kind::rand, 4, 120, 480), nullptr);
    const Variation img = make_variation(pool, config(Kind::img, 4, 120, 480), &bank);
    REQUIRE(rot.source.size() == 600);
    CHECK(std::set<int32_t>(rot.source.begin(), rot.source.end()).size() == 600);
    CHECK(rot.source == rnd.source);
    CHECK(rot.source == img.source);
    Stream s(4, Purpose::select);
    CHECK(rot.source == draw_without_replacement(s, 1000, 600));
    for (const Variation *v : {&rot, &rnd, &img}) {
        REQUIRE(v->pixels.size() == 600 * 784);
        REQUIRE(v->labels.size() == 600);
        for (size_t i = 0; i < 600; ++i) REQUIRE(v->labels[i] == pool.labels[size_t(v->source[i])]);
    }
    // The test digits reach into both MNIST files of the pool (indices >= n_train too).
    CHECK(*std::max_element(rot.source.begin(), rot.source.end()) >= pool.n_train);
}

TEST_CASE("label counts follow the pool's classes (hypergeometric draw)") {
    // 10 balanced classes of 1000; 3000 drawn: each class count ~ 300 +- 15.9 (hypergeometric sd).
    const Pool pool = synthetic_pool(8000, 2000);
    const Variation v = make_variation(pool, config(Kind::rot, 1, 1000, 2000), nullptr);
    std::vector<int> count(10, 0);
    for (uint8_t l : v.labels) ++count[l];
    for (int c : count) CHECK(std::abs(c - 300) < 5 * 16);
}

TEST_CASE("MNIST-rot: each digit is the pool digit turned by its own angle word") {
    const Pool pool = synthetic_pool(200, 100);
    const Variation v = make_variation(pool, config(Kind::rot, 2, 50, 60), nullptr);
    Stream s(2, Purpose::rot);
    std::vector<uint8_t> want(784);
    for (size_t i = 0; i < 110; ++i) {
        const uint32_t w = s.word();
        REQUIRE(v.angles[i] == w);
        rotate_bilinear(pool.pixels.data() + size_t(v.source[i]) * 784, 28, 28, angle_cos_sin(w), want.data());
        REQUIRE(std::equal(want.begin(), want.end(), v.pixels.begin() + std::ptrdiff_t(i * 784)));
    }
}

TEST_CASE("MNIST-rand: digit pixels never lowered, background mean 1/2") {
    const Pool pool = synthetic_pool(200, 100);
    const Variation v = make_variation(pool, config(Kind::rand, 3, 100, 200), nullptr);
    double sum = 0.0;
    int64_t n = 0, digit_pixels = 0;
    for (size_t i = 0; i < 300; ++i) {
        const uint8_t *d = pool.pixels.data() + size_t(v.source[i]) * 784;
        const uint8_t *o = v.pixels.data() + i * 784;
        for (size_t k = 0; k < 784; ++k) {
            REQUIRE(o[k] >= d[k]);
            if (d[k] == 0) {
                sum += o[k] / 255.0;
                ++n;
            } else {
                ++digit_pixels;
            }
        }
    }
    REQUIRE(digit_pixels > 0);
    CHECK(std::fabs(sum / double(n) - 0.5) < 4.0 * std::sqrt(1.0 / 12.0 / double(n)) + 1e-9);
}

TEST_CASE("MNIST-img: max(digit, patch) with every patch above the threshold") {
    const Pool pool = synthetic_pool(200, 100);
    const double t = 0.08;
    const PatchBank bank = small_bank(t);
    const Variation v = make_variation(pool, config(Kind::img, 5, 90, 110), &bank);
    REQUIRE(v.patches.size() == 200);
    std::vector<uint8_t> patch(784);
    std::set<int32_t> used;
    for (size_t i = 0; i < 200; ++i) {
        const PatchPick &p = v.patches[i];
        used.insert(p.image);
        REQUIRE(window_std_two_pass(bank.images()[size_t(p.image)], p.x, p.y, 28, 28) >= t);
        bank.cut(p, patch.data());
        const uint8_t *d = pool.pixels.data() + size_t(v.source[i]) * 784;
        for (size_t k = 0; k < 784; ++k) REQUIRE(v.pixels[i * 784 + k] == std::max(d[k], patch[k]));
    }
    CHECK(used.size() == 2);
}

TEST_CASE("bad counts and a missing bank are refused") {
    const Pool pool = synthetic_pool(60, 40);
    CHECK_THROWS_WITH_AS(make_variation(pool, config(Kind::rot, 1, 60, 41), nullptr), doctest::Contains("exceed"),
                         std::runtime_error);
    CHECK_THROWS_AS(make_variation(pool, config(Kind::rot, 1, 0, 10), nullptr), std::runtime_error);
    CHECK_THROWS_AS(make_variation(pool, config(Kind::rand, 1, 10, 0), nullptr), std::runtime_error);
    CHECK_THROWS_AS(make_variation(pool, config(Kind::img, 1, 10, 10), nullptr), std::runtime_error);
    // The whole pool is allowed.
    CHECK(make_variation(pool, config(Kind::rand, 1, 60, 40), nullptr).source.size() == 100);
}

TEST_CASE("files: MNIST idx layout, same seed same bytes, other seed other bytes") {
    const Pool pool = synthetic_pool(300, 100);
    const PatchBank bank = small_bank(0.05);
    for (Kind k : {Kind::rot, Kind::rand, Kind::img}) {
        CAPTURE(kind_name(k));
        sfl_test::TempDir a("variations_a"), b("variations_b"), c("variations_c");
        ManifestInputs in;
        in.pool = &pool;
        in.bank = k == Kind::img ? &bank : nullptr;
        in.min_std = 0.05;
        const Variation v1 = make_variation(pool, config(k, 1, 40, 70), in.bank);
        write_variation((a.path / "out").string(), v1, in); // creates the directory
        write_variation(b.path.string(), make_variation(pool, config(k, 1, 40, 70), in.bank), in);
        write_variation(c.path.string(), make_variation(pool, config(k, 2, 40, 70), in.bank), in);
        for (const std::string &f : kFiles) {
            CAPTURE(f);
            CHECK(bytes_of(a.path / "out" / f) == bytes_of(b.path / f));
        }
        CHECK(a.entries("out") == std::vector<std::string>{"manifest.json", kTestImages, kTestLabels, kTrainImages,
                                                           kTrainLabels});
        CHECK(bytes_of(a.path / "out" / kTrainImages) != bytes_of(c.path / kTrainImages));
        CHECK(bytes_of(a.path / "out" / kTestImages) != bytes_of(c.path / kTestImages));

        // Read back with the C++ wrapper's idx reader (the one sfl-train uses).
        const std::string dir = (a.path / "out").string();
        const sfl::idx::Images tr = sfl::idx::load_images(dir + "/" + kTrainImages);
        const sfl::idx::Images te = sfl::idx::load_images(dir + "/" + kTestImages);
        CHECK(tr.n == 40);
        CHECK(te.n == 70);
        CHECK(tr.rows == 28);
        CHECK(tr.cols == 28);
        CHECK(std::equal(tr.pixels.begin(), tr.pixels.end(), v1.pixels.begin()));
        CHECK(std::equal(te.pixels.begin(), te.pixels.end(), v1.pixels.begin() + 40 * 784));
        const std::vector<uint8_t> tl = sfl::idx::load_labels(dir + "/" + kTrainLabels);
        const std::vector<uint8_t> sl = sfl::idx::load_labels(dir + "/" + kTestLabels);
        CHECK(std::equal(tl.begin(), tl.end(), v1.labels.begin()));
        CHECK(std::equal(sl.begin(), sl.end(), v1.labels.begin() + 40));

        // The manifest's file hashes are those of the bytes on disk.
        const std::vector<unsigned char> m = bytes_of(a.path / "out" / kManifest);
        const std::string manifest(m.begin(), m.end());
        for (const char *f : {kTrainImages, kTrainLabels, kTestImages, kTestLabels}) {
            const std::vector<unsigned char> data = bytes_of(a.path / "out" / f);
            char hex[20];
            std::snprintf(hex, sizeof hex, "%016llx", (unsigned long long)fnv1a(data.data(), data.size()));
            CHECK(manifest.find("\"" + std::string(f) + "\": \"" + hex + "\"") != std::string::npos);
        }
        CHECK(manifest.find(std::string("\"variation\": \"mnist-") + kind_name(k) + "\"") != std::string::npos);
    }
}

TEST_CASE("write_variation reports an output path it cannot use") {
    const Pool pool = synthetic_pool(60, 40);
    const Variation v = make_variation(pool, config(Kind::rot, 1, 10, 10), nullptr);
    sfl_test::TempDir d("variations_bad_out");
    const std::string file = d.file("a_file", {'x'});
    ManifestInputs in;
    in.pool = &pool;
    CHECK_THROWS_WITH_AS(write_variation(file + "/sub", v, in), doctest::Contains(file.c_str()), std::runtime_error);
    CHECK(d.entries() == std::vector<std::string>{"a_file"});
}
