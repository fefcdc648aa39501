// .npy reader/writer (cpp/src/npy.cpp): fixtures written by numpy
// (tests/data/npy/make_npy_fixtures.py), error messages, bit-exact round trips
// and the atomic-write guarantee.
#ifdef SFL_TESTS_HAVE_CPP

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include <unistd.h>

#include "temp_dir.hpp"
#include "sfl/npy.hpp"

namespace fs = std::filesystem;
using sfl::npy::Array;

using sfl_test::TempDir;

namespace {

std::string fixture(const char *name) { return std::string(SFL_TEST_DATA_DIR) + "/npy/" + name; }

// The value the generator stores at flat index k of the "eighths" fixtures.
float eighth(size_t k) { return static_cast<float>(double(k) / 8.0 - 1.5); }


std::vector<unsigned char> read_bytes(const std::string &p) {
    std::ifstream f(p, std::ios::binary);
    return std::vector<unsigned char>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// load_f32 must throw npy::Error with a one-line message naming the file and containing `problem`.
void check_load_error(const std::string &path, const char *problem) {
    CAPTURE(path);
    std::string msg;
    try {
        (void)sfl::npy::load_f32(path);
    } catch (const sfl::npy::Error &e) {
        msg = e.what();
    }
    CAPTURE(msg);
    REQUIRE_FALSE(msg.empty());
    CHECK(msg.find(path) != std::string::npos);
    CHECK(msg.find(problem) != std::string::npos);
    CHECK(msg.find('\n') == std::string::npos);
}

uint32_t bits(float v) {
    uint32_t u;
    std::memcpy(&u, &v, 4);
    return u;
}

} // namespace

TEST_CASE("npy: float32 2-D array written by numpy") {
    const Array a = sfl::npy::load_f32(fixture("f4_2d.npy"));
    REQUIRE(a.shape == std::vector<size_t>{3, 4});
    REQUIRE(a.data.size() == 12);
    for (size_t k = 0; k < 12; ++k) CHECK(a.data[k] == eighth(k));
}

TEST_CASE("npy: float64 is rounded to float32") {
    const Array a = sfl::npy::load_f32(fixture("f8_2d.npy"));
    REQUIRE(a.shape == std::vector<size_t>{2, 5});
    REQUIRE(a.data.size() == 10);
    for (size_t k = 0; k < 10; ++k) CHECK(a.data[k] == static_cast<float>(double(k) * 0.1 + 1.0 / 3.0));
}

TEST_CASE("npy: 1-D, empty, version 2.0 header, NaN/Inf passed through") {
    const Array v = sfl::npy::load_f32(fixture("f4_1d.npy"));
    REQUIRE(v.shape == std::vector<size_t>{7});
    for (size_t k = 0; k < 7; ++k) CHECK(v.data[k] == static_cast<float>(double(k) * 0.5 - 1.0));

    const Array e = sfl::npy::load_f32(fixture("f4_empty.npy"));
    CHECK(e.shape == std::vector<size_t>{0, 3});
    CHECK(e.data.empty());

    const Array w = sfl::npy::load_f32(fixture("f4_v2.npy"));
    REQUIRE(w.shape == std::vector<size_t>{2, 3});
    for (size_t k = 0; k < 6; ++k) CHECK(w.data[k] == eighth(k));

    const Array n = sfl::npy::load_f32(fixture("f4_nonfinite.npy"));
    REQUIRE(n.data.size() == 4);
    CHECK(n.data[0] == 1.0f);
    CHECK(std::isnan(n.data[1]));
    CHECK(n.data[2] == std::numeric_limits<float>::infinity());
    CHECK(n.data[3] == -std::numeric_limits<float>::infinity());
}

TEST_CASE("npy: every unsupported or broken file is a one-line error naming it") {
    check_load_error(fixture("does_not_exist.npy"), "cannot open");
    check_load_error(fixture("not_npy.npy"), "not a .npy file");
    check_load_error(fixture("bad_header.npy"), "bad header");
    check_load_error(fixture("i4_2d.npy"), "unsupported dtype '<i4'");
    check_load_error(fixture("f4_bigendian.npy"), "unsupported dtype '>f4'");
    check_load_error(fixture("f4_fortran.npy"), "Fortran");
    check_load_error(fixture("f4_truncated.npy"), "truncated");
    check_load_error(fixture("f4_trailing.npy"), "unexpected bytes");
    check_load_error(std::string(SFL_TEST_DATA_DIR) + "/npy", "directory");
}

TEST_CASE("npy: round trip is bit-exact for every shape and special value") {
    TempDir dir("npy");
    const std::vector<std::vector<size_t>> shapes = {{2, 3}, {5}, {}, {0, 4}, {1, 1, 3}, {33, 17}};
    for (const auto &shape : shapes) {
        size_t count = 1;
        for (size_t d : shape) count *= d;
        std::vector<float> data(count);
        for (size_t k = 0; k < count; ++k) data[k] = std::ldexp(float(k % 13) - 6.0f, int(k % 7) - 3);
        if (count >= 6) {
            data[0] = std::numeric_limits<float>::quiet_NaN();
            data[1] = std::numeric_limits<float>::infinity();
            data[2] = -0.0f;
            data[3] = std::numeric_limits<float>::denorm_min();
            data[4] = std::numeric_limits<float>::max();
            data[5] = std::numeric_limits<float>::lowest();
        }
        const std::string p = (dir.path / "a.npy").string();
        sfl::npy::save_f32(p, data.data(), shape);
        const Array back = sfl::npy::load_f32(p);
        CHECK(back.shape == shape);
        REQUIRE(back.data.size() == count);
        for (size_t k = 0; k < count; ++k) CHECK(bits(back.data[k]) == bits(data[k]));

        // v1.0 header padded so that the data starts at a multiple of 64 bytes.
        const std::vector<unsigned char> raw = read_bytes(p);
        REQUIRE(raw.size() >= 10);
        CHECK(raw[6] == 1);
        CHECK(raw[7] == 0);
        const size_t header_end = 10 + size_t(raw[8]) + 256 * size_t(raw[9]);
        CHECK(header_end % 64 == 0);
        CHECK(raw[header_end - 1] == '\n');
        CHECK(raw.size() == header_end + 4 * count);
    }
    CHECK(dir.entries() == std::vector<std::string>{"a.npy"}); // no temporary file left
}

TEST_CASE("npy: written data bytes equal numpy's") {
    TempDir dir("npy");
    std::vector<float> data(12);
    for (size_t k = 0; k < 12; ++k) data[k] = eighth(k);
    const std::string p = (dir.path / "mine.npy").string();
    sfl::npy::save_f32(p, data.data(), {3, 4});
    const std::vector<unsigned char> mine = read_bytes(p), theirs = read_bytes(fixture("f4_2d.npy"));
    REQUIRE(mine.size() >= 48);
    REQUIRE(theirs.size() >= 48);
    CHECK(std::equal(mine.end() - 48, mine.end(), theirs.end() - 48));
}

TEST_CASE("npy: save replaces atomically and leaves nothing behind on failure") {
    TempDir dir("npy");
    const std::string p = (dir.path / "out.npy").string();
    const float one[2] = {1.0f, 2.0f}, two[3] = {3.0f, 4.0f, 5.0f};
    sfl::npy::save_f32(p, one, {2});
    sfl::npy::save_f32(p, two, {3});
    const Array back = sfl::npy::load_f32(p);
    CHECK(back.shape == std::vector<size_t>{3});
    CHECK(back.data == std::vector<float>{3.0f, 4.0f, 5.0f});
    CHECK(dir.entries() == std::vector<std::string>{"out.npy"});

    // Missing directory: error naming the path, nothing created.
    const std::string missing = (dir.path / "no_such_dir" / "x.npy").string();
    CHECK_THROWS_AS(sfl::npy::save_f32(missing, one, {2}), sfl::npy::Error);
    CHECK_FALSE(fs::exists(dir.path / "no_such_dir"));

    // Target is a directory: the rename fails, the temporary file is removed.
    fs::create_directory(dir.path / "sub");
    std::string msg;
    try {
        sfl::npy::save_f32((dir.path / "sub").string(), one, {2});
    } catch (const sfl::npy::Error &e) {
        msg = e.what();
    }
    CHECK(msg.find((dir.path / "sub").string()) != std::string::npos);
    std::vector<std::string> names = dir.entries();
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"out.npy", "sub"});
    CHECK(fs::is_empty(dir.path / "sub"));
}

#endif // SFL_TESTS_HAVE_CPP
