// Checkpoint container (cpp/src/checkpoint.cpp) and its CRC-32 (cpp/src/crc32.cpp):
// the standard check value and a bitwise reference CRC, the exact byte layout of
// a hand-built file, bit-exact round trips, every truncation and every single-bit
// flip rejected, limits, and the atomic-save guarantees.
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
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include "temp_dir.hpp"
#include "../cpp/src/crc32.hpp" // internal to sflpp, linked into sfl_tests
#include "sfl/checkpoint.hpp"

namespace fs = std::filesystem;
namespace ckpt = sfl::ckpt;
using Bytes = std::vector<unsigned char>;

using sfl_test::TempDir;

namespace {


Bytes read_bytes(const std::string &p) {
    std::ifstream f(p, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string &p, const unsigned char *b, size_t n) {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char *>(b), std::streamsize(n));
    REQUIRE(f.good());
}

// CRC-32 bit by bit, straight from the definition (the oracle for the table version).
uint32_t crc32_bitwise(const unsigned char *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; ++i) {
        c ^= p[i];
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

// Builds checkpoint bytes by hand, as documented in checkpoint.hpp.
struct Builder {
    Bytes b;
    Builder &raw(const std::string &s) {
        b.insert(b.end(), s.begin(), s.end());
        return *this;
    }
    Builder &u32(uint32_t v) {
        for (int k = 0; k < 4; ++k) b.push_back(static_cast<unsigned char>(v >> (8 * k)));
        return *this;
    }
    Builder &i64(int64_t v) {
        const uint64_t u = static_cast<uint64_t>(v);
        return u32(static_cast<uint32_t>(u)).u32(static_cast<uint32_t>(u >> 32));
    }
    Builder &str(const std::string &s) { return u32(static_cast<uint32_t>(s.size())).raw(s); }
    Builder &f32(float v) {
        uint32_t u;
        std::memcpy(&u, &v, 4);
        return u32(u);
    }
    Builder &header() { return raw(std::string("SFLCKPT\0", 8)).u32(1); }
    Bytes done() {
        Bytes out = b;
        const uint32_t crc = crc32_bitwise(b.data(), b.size());
        for (int k = 0; k < 4; ++k) out.push_back(static_cast<unsigned char>(crc >> (8 * k)));
        return out;
    }
};

uint32_t bits(float v) {
    uint32_t u;
    std::memcpy(&u, &v, 4);
    return u;
}

// f must throw ckpt::Error whose one-line message contains every one of the phrases.
template <class F>
std::string expect_error(F &&f, std::initializer_list<std::string> phrases) {
    std::string msg;
    try {
        f();
    } catch (const ckpt::Error &e) {
        msg = e.what();
    }
    CAPTURE(msg);
    REQUIRE_FALSE(msg.empty());
    for (const std::string &p : phrases) CHECK(msg.find(p) != std::string::npos);
    CHECK(msg.find('\n') == std::string::npos);
    return msg;
}

// load(path) of these bytes must throw with path and phrase in the message.
void expect_load_error(const TempDir &dir, const Bytes &bytes, const std::string &phrase) {
    const std::string p = (dir.path / "bad.ckpt").string();
    write_bytes(p, bytes.data(), bytes.size());
    expect_error([&] { (void)ckpt::load(p); }, {p, phrase});
}

// A small checkpoint with every kind of entry.
ckpt::Checkpoint sample() {
    ckpt::Checkpoint c;
    c.set("epoch", "12");
    c.set("empty", "");
    c.set(std::string("bin\0ary", 7), std::string("\xff\x00\x01", 3));
    const float w[6] = {0.5f, -1.25f, 3.0f, -0.0f, 1e-30f, 7.0f};
    c.add("conv1.w", {2, 3}, w);
    const float s = 42.0f;
    c.add("scalar", {}, &s);
    c.add("empty", {0, 4}, nullptr);
    const float v[4] = {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                        std::numeric_limits<float>::denorm_min(), -std::numeric_limits<float>::max()};
    c.add("special", {4}, v);
    return c;
}

void check_same(const ckpt::Checkpoint &a, const ckpt::Checkpoint &b) {
    CHECK(a.meta == b.meta);
    REQUIRE(a.tensors.size() == b.tensors.size());
    for (size_t t = 0; t < a.tensors.size(); ++t) {
        CAPTURE(a.tensors[t].name);
        CHECK(a.tensors[t].name == b.tensors[t].name);
        CHECK(a.tensors[t].shape == b.tensors[t].shape);
        REQUIRE(a.tensors[t].data.size() == b.tensors[t].data.size());
        for (size_t k = 0; k < a.tensors[t].data.size(); ++k)
            CHECK(bits(a.tensors[t].data[k]) == bits(b.tensors[t].data[k]));
    }
}

} // namespace

TEST_CASE("checkpoint: CRC-32 check value, chaining, and the bitwise definition") {
    using sfl::detail::crc32_update;
    CHECK(crc32_update(0, "123456789", 9) == 0xCBF43926u);
    CHECK(crc32_update(0, "", 0) == 0u);
    CHECK(crc32_update(0, "a", 1) == 0xE8B7BE43u);

    std::mt19937 rng(7);
    Bytes buf(300);
    for (auto &x : buf) x = static_cast<unsigned char>(rng());
    for (size_t n = 0; n <= buf.size(); n += (n < 20 ? 1 : 37)) {
        CAPTURE(n);
        const uint32_t whole = crc32_update(0, buf.data(), n);
        CHECK(whole == crc32_bitwise(buf.data(), n));
        for (size_t cut = 0; cut <= n; cut += 7) // any split, fed in two pieces, gives the same CRC
            CHECK(crc32_update(crc32_update(0, buf.data(), cut), buf.data() + cut, n - cut) == whole);
    }
}

TEST_CASE("checkpoint: the file has exactly the documented byte layout") {
    TempDir dir("ckpt");
    ckpt::Checkpoint c;
    c.set("k", "vv");
    const float d[2] = {1.0f, -2.0f};
    c.add("t", {2}, d);
    const float s = 0.5f;
    c.add("s", {}, &s);
    const std::string p = (dir.path / "m.ckpt").string();
    ckpt::save(p, c);

    Builder b;
    b.header().u32(1).str("k").str("vv").u32(2);
    b.str("t").u32(1).i64(2).f32(1.0f).f32(-2.0f);
    b.str("s").u32(0).f32(0.5f);
    const Bytes expect = b.done();
    CHECK(read_bytes(p) == expect);
    // A hand-built file loads too.
    check_same(ckpt::load(p), c);
}

TEST_CASE("checkpoint: round trip keeps meta order, 0-d, empty and special-value tensors bit-exact") {
    TempDir dir("ckpt");
    const ckpt::Checkpoint c = sample();
    const std::string p = (dir.path / "a.ckpt").string();
    ckpt::save(p, c);
    const ckpt::Checkpoint back = ckpt::load(p);
    check_same(back, c);
    REQUIRE(back.require_tensor("scalar", {}).data.size() == 1);
    CHECK(back.require_tensor("scalar", {}).data[0] == 42.0f);
    CHECK(back.require_tensor("empty", {0, 4}).data.empty());
    CHECK(dir.entries() == std::vector<std::string>{"a.ckpt"}); // no temporary file left

    ckpt::Checkpoint none; // nothing at all is a valid checkpoint
    ckpt::save(p, none);
    const ckpt::Checkpoint back_none = ckpt::load(p);
    CHECK(back_none.meta.empty());
    CHECK(back_none.tensors.empty());
    CHECK(read_bytes(p).size() == 8 + 4 + 4 + 4 + 4);
}

TEST_CASE("checkpoint: meta set/get/require and tensor add/find/require_tensor") {
    ckpt::Checkpoint c;
    c.set("a", "1");
    c.set("b", "2");
    c.set("a", "3"); // replaced in place, order kept
    REQUIRE(c.meta.size() == 2);
    CHECK(c.meta[0] == std::make_pair(std::string("a"), std::string("3")));
    CHECK(c.meta[1].first == "b");
    REQUIRE(c.get("b") != nullptr);
    CHECK(*c.get("b") == "2");
    CHECK(c.get("zz") == nullptr);
    CHECK(c.require("a") == "3");
    expect_error([&] { (void)c.require("learning_rate"); }, {"'learning_rate'"});
    // Names are bytes; messages show them escaped, on one line.
    expect_error([&] { (void)c.require(std::string("a\0b\n\\", 5)); }, {"no meta key 'a\\x00b\\x0A\\x5C'"});
    expect_error([&] { (void)c.require(std::string(100, 'z')); }, {"'" + std::string(64, 'z') + "'... (100 bytes)"});
    expect_error([&] { c.set("big", std::string((1u << 20) + 1, 'x')); }, {"1 MiB"});
    c.set("max", std::string(1u << 20, 'x')); // exactly 1 MiB is allowed

    const float d[6] = {1, 2, 3, 4, 5, 6};
    c.add("w", {2, 3}, d);
    REQUIRE(c.find("w") != nullptr);
    CHECK(c.find("w")->data == std::vector<float>(d, d + 6));
    CHECK(c.find("x") == nullptr);
    expect_error([&] { c.add("w", {6}, d); }, {"duplicate", "'w'"});
    expect_error([&] { c.add("neg", {2, -3}, d); }, {"'neg'", "bad dimension -3"});
    expect_error([&] { c.add("deep", std::vector<int64_t>(9, 1), d); }, {"'deep'", "9 dimensions"});
    expect_error([&] { c.add("huge", {65536, 65536}, d); }, {"'huge'", "more than 2^31"});
    expect_error([&] { c.add("null", {2}, nullptr); }, {"'null'", "no data"});
    CHECK(c.tensors.size() == 1); // failed adds leave nothing behind

    CHECK(&c.require_tensor("w", {2, 3}) == c.find("w"));
    expect_error([&] { (void)c.require_tensor("w", {3, 2}); }, {"'w' has shape [2, 3], expected [3, 2]"});
    expect_error([&] { (void)c.require_tensor("w", {}); }, {"'w' has shape [2, 3], expected []"});
    expect_error([&] { (void)c.require_tensor("v", {2, 3}); }, {"no tensor 'v'"});
}

TEST_CASE("checkpoint: every truncation of a file is refused") {
    TempDir dir("ckpt");
    const std::string full = (dir.path / "full.ckpt").string();
    ckpt::save(full, sample());
    const Bytes bytes = read_bytes(full);
    REQUIRE(bytes.size() > 100);
    const std::string p = (dir.path / "cut.ckpt").string();
    for (size_t len = 0; len < bytes.size(); ++len) {
        CAPTURE(len);
        write_bytes(p, bytes.data(), len);
        if (len == 0) expect_error([&] { (void)ckpt::load(p); }, {p, "not an sfl checkpoint"});
        else expect_error([&] { (void)ckpt::load(p); }, {p, "truncated at byte " + std::to_string(len) + ":"});
    }
}

TEST_CASE("checkpoint: every single-bit flip is caught") {
    TempDir dir("ckpt");
    const std::string full = (dir.path / "full.ckpt").string();
    ckpt::save(full, sample());
    const Bytes bytes = read_bytes(full);
    const size_t n = bytes.size();
    // The last tensor ("special", 4 floats) ends right before the CRC.
    const size_t data_begin = n - 4 - 16;
    const std::string p = (dir.path / "flip.ckpt").string();
    const char *structural[] = {"truncated at byte", "exceeds the 1 MiB limit", "dimensions", "bad dimension",
                                "more than 2^31", "trailing bytes", "duplicate", "CRC mismatch"};
    for (size_t i = 0; i < n; ++i) {
        for (int bit = 0; bit < 8; ++bit) {
            CAPTURE(i);
            CAPTURE(bit);
            Bytes b = bytes;
            b[i] = static_cast<unsigned char>(b[i] ^ (1u << bit));
            write_bytes(p, b.data(), b.size());
            const std::string msg = expect_error([&] { (void)ckpt::load(p); }, {p});
            CAPTURE(msg);
            if (i < 8) CHECK(msg.find("not an sfl checkpoint") != std::string::npos);
            else if (i < 12) CHECK(msg.find("unsupported checkpoint format version") != std::string::npos);
            else if (i >= data_begin) CHECK(msg.find("corrupt: CRC mismatch") != std::string::npos);
            else
                CHECK(std::any_of(std::begin(structural), std::end(structural),
                                  [&](const char *s) { return msg.find(s) != std::string::npos; }));
        }
    }
}

TEST_CASE("checkpoint: load refuses foreign, future, oversized and inconsistent files") {
    TempDir dir("ckpt");
    expect_error([&] { (void)ckpt::load((dir.path / "missing.ckpt").string()); }, {"missing.ckpt", "cannot open"});
    expect_error([&] { (void)ckpt::load(dir.path.string()); }, {"is a directory"});
    const Bytes npy = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    expect_load_error(dir, npy, "not an sfl checkpoint");
    expect_load_error(dir, Bytes{'S', 'F', 'L'}, "truncated at byte 3");

    Builder v2;
    v2.raw(std::string("SFLCKPT\0", 8)).u32(2).u32(0).u32(0);
    expect_load_error(dir, v2.done(), "unsupported checkpoint format version 2 (supported: 1)");

    Builder ok;
    ok.header().u32(0).u32(0);
    Bytes trailing = ok.done();
    trailing.push_back(0);
    trailing.push_back(0);
    expect_load_error(dir, trailing, "2 unexpected trailing bytes after the CRC at byte 20");

    // Well-formed CRCs around bad contents: the structure checks themselves must fire.
    Builder long_key;
    long_key.header().u32(1).u32((1u << 20) + 1);
    expect_load_error(dir, long_key.done(), "exceeds the 1 MiB limit");
    Builder deep;
    deep.header().u32(0).u32(1).str("t").u32(9);
    expect_load_error(dir, deep.done(), "tensor 't': 9 dimensions");
    Builder neg;
    neg.header().u32(0).u32(1).str("t").u32(2).i64(3).i64(-1);
    expect_load_error(dir, neg.done(), "tensor 't': bad dimension -1 in shape [3, -1]");
    Builder huge;
    huge.header().u32(0).u32(1).str("t").u32(2).i64(65536).i64(65536);
    expect_load_error(dir, huge.done(), "more than 2^31 elements");
    Builder dup;
    dup.header().u32(0).u32(2).str("t").u32(0).f32(1.0f).str("t").u32(0).f32(2.0f);
    expect_load_error(dir, dup.done(), "duplicate tensor name 't'");
    Builder dupkey;
    dupkey.header().u32(2).str("k").str("1").str("k").str("2").u32(0);
    expect_load_error(dir, dupkey.done(), "duplicate meta key 'k'");

    Bytes bad_crc = ok.done();
    bad_crc.back() ^= 0x80;
    expect_load_error(dir, bad_crc, "corrupt: CRC mismatch");
}

TEST_CASE("checkpoint: save replaces atomically, a failed save leaves the old file and no temporary") {
    TempDir dir("ckpt");
    const std::string p = (dir.path / "model.ckpt").string();
    ckpt::Checkpoint first = sample();
    ckpt::save(p, first);
    ckpt::Checkpoint second;
    second.set("epoch", "13");
    const float w[3] = {9.0f, 8.0f, 7.0f};
    second.add("w", {3}, w);
    ckpt::save(p, second);
    check_same(ckpt::load(p), second);
    CHECK(dir.entries() == std::vector<std::string>{"model.ckpt"});
    const Bytes before = read_bytes(p);

    // Invalid checkpoints are refused before the file is touched.
    ckpt::Checkpoint bad_size = second;
    bad_size.tensors[0].data.pop_back();
    expect_error([&] { ckpt::save(p, bad_size); }, {p, "tensor 'w': shape [3] needs 3 values, data holds 2"});
    ckpt::Checkpoint dup = second;
    dup.tensors.push_back(dup.tensors[0]);
    expect_error([&] { ckpt::save(p, dup); }, {p, "duplicate tensor name 'w'"});
    ckpt::Checkpoint dup_key = second;
    dup_key.meta.push_back(dup_key.meta[0]);
    expect_error([&] { ckpt::save(p, dup_key); }, {p, "duplicate meta key 'epoch'"});
    ckpt::Checkpoint neg = second;
    neg.tensors[0].shape = {-3};
    expect_error([&] { ckpt::save(p, neg); }, {p, "bad dimension -3"});
    CHECK(read_bytes(p) == before);
    CHECK(dir.entries() == std::vector<std::string>{"model.ckpt"});

    // Target is a directory: the temporary file is written, the rename fails, the temporary is removed.
    fs::create_directory(dir.path / "sub");
    expect_error([&] { ckpt::save((dir.path / "sub").string(), second); }, {"sub", "cannot save"});
    CHECK(dir.entries() == std::vector<std::string>{"model.ckpt", "sub"});
    CHECK(fs::is_empty(dir.path / "sub"));

    // Missing directory, and a "directory" that is a regular file: nothing is created.
    expect_error([&] { ckpt::save((dir.path / "no_such_dir" / "x.ckpt").string(), second); },
                 {"no_such_dir", "cannot save"});
    expect_error([&] { ckpt::save((dir.path / "model.ckpt" / "x.ckpt").string(), second); }, {"cannot save"});
    CHECK(dir.entries() == std::vector<std::string>{"model.ckpt", "sub"});
    CHECK(read_bytes(p) == before);
}

TEST_CASE("checkpoint: save into a read-only directory throws and leaves nothing") {
    TempDir dir("ckpt");
    const fs::path ro = dir.path / "ro";
    fs::create_directory(ro);
    fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec, fs::perm_options::replace);
    // Root (and CAP_DAC_OVERRIDE) writes anyway: then this case cannot be exercised.
    const std::string probe = (ro / "probe").string();
    if (std::ofstream(probe).good()) {
        fs::remove(probe);
        // Root (CAP_DAC_OVERRIDE) writes anyway; /proc/self refuses new files even to root.
        MESSAGE("directory permissions not enforced for this user: using /proc/self as the unwritable directory");
        if (!fs::is_directory("/proc/self")) return;
        expect_error([&] { ckpt::save("/proc/self/x.ckpt", sample()); }, {"/proc/self/x.ckpt", "cannot save"});
        CHECK_FALSE(fs::exists("/proc/self/x.ckpt"));
        return;
    }
    expect_error([&] { ckpt::save((ro / "x.ckpt").string(), sample()); },
                 {"x.ckpt", "cannot save", "Permission denied"});
    fs::permissions(ro, fs::perms::owner_all, fs::perm_options::add);
    CHECK(fs::is_empty(ro));
}

#endif // SFL_TESTS_HAVE_CPP
