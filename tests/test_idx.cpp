// idx reader (cpp/src/idx.cpp): small image and label files written here,
// read back exactly; every broken header or size is a one-line idx::Error
// naming the file and the problem.
#ifdef SFL_TESTS_HAVE_CPP

#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <unistd.h>

#include "temp_dir.hpp"
#include "sfl/idx.hpp"

namespace fs = std::filesystem;
using Bytes = std::vector<unsigned char>;

using sfl_test::TempDir;

namespace {


void put_be32(Bytes &b, uint32_t v) {
    for (int k = 3; k >= 0; --k) b.push_back(static_cast<unsigned char>(v >> (8 * k)));
}

// An image file header for n images of rows x cols, followed by `data` bytes of pixels.
Bytes image_file(uint32_t n, uint32_t rows, uint32_t cols, size_t data) {
    Bytes b;
    put_be32(b, 0x00000803u);
    put_be32(b, n);
    put_be32(b, rows);
    put_be32(b, cols);
    for (size_t k = 0; k < data; ++k) b.push_back(static_cast<unsigned char>((k * 37 + 11) % 256));
    return b;
}

Bytes label_file(uint32_t n, size_t data) {
    Bytes b;
    put_be32(b, 0x00000801u);
    put_be32(b, n);
    for (size_t k = 0; k < data; ++k) b.push_back(static_cast<unsigned char>(k % 10));
    return b;
}

// load must throw idx::Error with a one-line message naming path and containing problem.
void check_error(const std::function<void(const std::string &)> &load, const std::string &path,
                 const std::string &problem) {
    CAPTURE(path);
    CAPTURE(problem);
    std::string msg;
    try {
        load(path);
    } catch (const sfl::idx::Error &e) {
        msg = e.what();
    }
    CAPTURE(msg);
    REQUIRE_FALSE(msg.empty());
    CHECK(msg.find(path) != std::string::npos);
    CHECK(msg.find(problem) != std::string::npos);
    CHECK(msg.find('\n') == std::string::npos);
}

void images(const std::string &p) { (void)sfl::idx::load_images(p); }
void labels(const std::string &p) { (void)sfl::idx::load_labels(p); }

} // namespace

TEST_CASE("idx: image and label files are read exactly") {
    TempDir dir("idx");
    const Bytes img = image_file(3, 2, 5, 30);
    const sfl::idx::Images im = sfl::idx::load_images(dir.file("img", img));
    CHECK(im.n == 3);
    CHECK(im.rows == 2);
    CHECK(im.cols == 5);
    CHECK(im.pixels == Bytes(img.begin() + 16, img.end()));

    const Bytes lab = label_file(7, 7);
    CHECK(sfl::idx::load_labels(dir.file("lab", lab)) == Bytes(lab.begin() + 8, lab.end()));

    // Size bounds are inclusive: 4096 rows or columns are accepted.
    const sfl::idx::Images tall = sfl::idx::load_images(dir.file("tall", image_file(1, 4096, 1, 4096)));
    CHECK(tall.rows == 4096);
    CHECK(tall.pixels.size() == 4096);
    const sfl::idx::Images wide = sfl::idx::load_images(dir.file("wide", image_file(2, 1, 4096, 8192)));
    CHECK(wide.cols == 4096);
    CHECK(wide.pixels.size() == 8192);
}

TEST_CASE("idx: missing, unreadable and short files") {
    TempDir dir("idx");
    check_error(images, (dir.path / "nope").string(), "cannot open");
    check_error(labels, (dir.path / "nope").string(), "cannot open");
    check_error(images, dir.path.string(), "is a directory");
    check_error(images, dir.file("empty", {}), "too short for an idx header: 0 bytes");
    check_error(labels, dir.file("three", {0, 0, 8}), "too short for an idx header: 3 bytes");
    const Bytes img = image_file(3, 2, 5, 30);
    check_error(images, dir.file("short_img", Bytes(img.begin(), img.begin() + 10)),
                "too short for an idx images header: 10 bytes, need 16");
    const Bytes lab = label_file(7, 7);
    check_error(labels, dir.file("short_lab", Bytes(lab.begin(), lab.begin() + 7)),
                "too short for an idx labels header: 7 bytes, need 8");
}

TEST_CASE("idx: a wrong magic says what the file is") {
    TempDir dir("idx");
    const std::string lab = dir.file("lab", label_file(7, 7));
    const std::string img = dir.file("img", image_file(3, 2, 5, 30));
    check_error(images, lab, "is a label file (magic 0x801), expected images (0x803)");
    check_error(labels, img, "is an image file (magic 0x803), expected labels (0x801)");

    const Bytes gz = {0x1F, 0x8B, 0x08, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 't', 'r', 'a', 'i', 'n', 0};
    check_error(images, dir.file("gz", gz), "gzip-compressed: decompress first");
    check_error(labels, dir.file("gz", gz), "gzip-compressed: decompress first");

    Bytes f32 = image_file(1, 1, 1, 4); // same layout, float data type
    f32[2] = 0x0D;
    check_error(images, dir.file("f32", f32), "idx file of type 0xD with 3 dimensions");
    const std::string text = "hello world!!!!!";
    check_error(images, dir.file("text", Bytes(text.begin(), text.end())), "not an idx file (magic 0x68656C6C)");
}

TEST_CASE("idx: zero and absurd sizes are refused before any allocation") {
    TempDir dir("idx");
    check_error(images, dir.file("n0", image_file(0, 28, 28, 0)), "bad header: 0 images of 28x28");
    check_error(images, dir.file("r0", image_file(5, 0, 28, 0)), "bad header: 5 images of 0x28");
    check_error(images, dir.file("c0", image_file(5, 28, 0, 0)), "bad header: 5 images of 28x0");
    check_error(images, dir.file("nbig", image_file(100000001u, 1, 1, 0)), "bad header: 100000001 images");
    check_error(images, dir.file("rbig", image_file(1, 4097, 1, 4097)), "bad header: 1 images of 4097x1");
    check_error(images, dir.file("cneg", image_file(1, 1, 0xFFFFFFFFu, 0)), "bad header: 1 images of 1x4294967295");
    check_error(labels, dir.file("l0", label_file(0, 0)), "bad header: 0 labels");
    check_error(labels, dir.file("lbig", label_file(0x80000000u, 0)), "bad header: 2147483648 labels");
}

TEST_CASE("idx: data shorter or longer than the header says") {
    TempDir dir("idx");
    check_error(images, dir.file("trunc", image_file(3, 2, 5, 29)),
                "truncated: 3 images of 2x5 need 30 data bytes, file holds 29");
    check_error(images, dir.file("nodata", image_file(60000, 28, 28, 0)),
                "truncated: 60000 images of 28x28 need 47040000 data bytes, file holds 0");
    check_error(images, dir.file("trail", image_file(3, 2, 5, 31)), "1 unexpected trailing bytes");
    check_error(labels, dir.file("ltrunc", label_file(7, 6)), "truncated: 7 labels need 7 data bytes, file holds 6");
    check_error(labels, dir.file("ltrail", label_file(7, 10)), "3 unexpected trailing bytes");
}

#endif // SFL_TESTS_HAVE_CPP
