// atomic_file.hpp - write a file so that it appears complete or not at all:
// data goes to a temporary file in the target's directory, which commit()
// fsyncs and renames over the target. Destroying an uncommitted AtomicFile
// removes the temporary file. Internal to sflpp (POSIX).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace sfl {
namespace detail {

class AtomicFile {
public:
    /** Create the temporary file. Throws std::runtime_error ("cannot create ...: <errno text>"). */
    explicit AtomicFile(const std::string &path);
    ~AtomicFile();
    AtomicFile(const AtomicFile &) = delete;
    AtomicFile &operator=(const AtomicFile &) = delete;

    /** Append bytes. Throws std::runtime_error on a write error. */
    void write(const void *data, size_t bytes);

    /** fsync, close and rename onto the target path. Throws std::runtime_error. */
    void commit();

private:
    void discard() noexcept;

    std::string path_;
    std::string tmp_;
    int fd_ = -1;
    bool committed_ = false;
};

} // namespace detail
} // namespace sfl
