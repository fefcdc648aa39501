// A fresh temporary directory for file tests, removed with everything in it at scope exit.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include <doctest/doctest.h>
#include <unistd.h>

namespace sfl_test {

struct TempDir {
    std::filesystem::path path;
    /** <tmp>/sfl_test_<tag>_<pid>_<counter>, empty. */
    explicit TempDir(const std::string &tag) {
        static int counter = 0;
        path = std::filesystem::temp_directory_path() /
               ("sfl_test_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::permissions(path, std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
        std::filesystem::remove_all(path, ec);
    }
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;

    /** Write bytes to a file called name; return its path. */
    std::string file(const std::string &name, const std::vector<unsigned char> &bytes) const {
        const std::string p = (path / name).string();
        std::ofstream f(p, std::ios::binary | std::ios::trunc);
        f.write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
        REQUIRE(f.good());
        return p;
    }
    /** Sorted names in the directory (or its subdirectory sub). */
    std::vector<std::string> entries(const std::filesystem::path &sub = {}) const {
        std::vector<std::string> names;
        for (const auto &e : std::filesystem::directory_iterator(path / sub))
            names.push_back(e.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }
};

} // namespace sfl_test
