// Atomic file replacement: temp file + fsync + rename (+ fsync of the directory).
#include "atomic_file.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>

#include "posix_compat.hpp"
#include <sys/stat.h>
#include <unistd.h>

namespace sfl {
namespace detail {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

std::string dir_of(const std::string &path) {
    const size_t slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

std::string base_of(const std::string &path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

void sync_dir(const std::string &dir) noexcept {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return; // best effort: the rename itself already happened
    (void)::fsync(fd);
    (void)::close(fd);
}

} // namespace

AtomicFile::AtomicFile(const std::string &path) : path_(path) {
    const std::string base = base_of(path);
    if (base.empty() || base == "." || base == "..") throw std::runtime_error("not a file name");
    static std::atomic<unsigned> counter{0};
    const std::string stem = dir_of(path) + "/." + base + ".tmp." + std::to_string(::getpid()) + ".";
    for (int attempt = 0; attempt < 100; ++attempt) {
        tmp_ = stem + std::to_string(counter.fetch_add(1));
        // 0666 minus the umask: the same permissions a plain fopen would give.
        fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd_ >= 0) return;
        if (errno != EEXIST) break;
    }
    const int err = errno;
    throw std::runtime_error("cannot create a temporary file in '" + dir_of(path) + "': " + errno_text(err));
}

AtomicFile::~AtomicFile() {
    if (!committed_) discard();
}

void AtomicFile::discard() noexcept {
    if (fd_ >= 0) (void)::close(fd_);
    fd_ = -1;
    (void)::unlink(tmp_.c_str());
}

void AtomicFile::write(const void *data, size_t bytes) {
    const char *p = static_cast<const char *>(data);
    while (bytes > 0) {
        const ssize_t n = ::write(fd_, p, bytes);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error("write failed: " + errno_text(errno));
        }
        p += n;
        bytes -= static_cast<size_t>(n);
    }
}

void AtomicFile::commit() {
    if (::fsync(fd_) != 0) throw std::runtime_error("fsync failed: " + errno_text(errno));
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw std::runtime_error("close failed: " + errno_text(errno));
    if (::rename(tmp_.c_str(), path_.c_str()) != 0) throw std::runtime_error("rename failed: " + errno_text(errno));
    committed_ = true;
    sync_dir(dir_of(path_));
}

} // namespace detail
} // namespace sfl
