#include "carta/sim/file_ops.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <system_error>
#include <utility>

namespace carta::sim {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

// Closes a descriptor on scope exit unless release()d.
class FdGuard {
  public:
    FdGuard(FileOps& ops, int fd) : ops_(ops), fd_(fd) {}
    ~FdGuard() {
        if (fd_ >= 0) {
            try {
                ops_.close(fd_);
            } catch (...) {  // already failing; the first error is the one to report
            }
        }
    }
    int release() { return std::exchange(fd_, -1); }

  private:
    FileOps& ops_;
    int fd_;
};

}  // namespace

int FileOps::create_temporary(const fs::path& directory, const std::string& prefix, fs::path& created) {
    std::string name = (directory / (prefix + "XXXXXX")).string();
    const int fd = ::mkstemp(name.data());  // mode 0600: the state holds private keys
    if (fd < 0) throw_errno("cannot create a temporary file in " + directory.string());
    created = name;
    return fd;
}

void FileOps::write_all(int fd, ByteView data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("write");
        }
        done += static_cast<std::size_t>(n);
    }
}

void FileOps::sync(int fd) {
    if (::fsync(fd) != 0) throw_errno("fsync");
}

void FileOps::close(int fd) {
    if (::close(fd) != 0) throw_errno("close");
}

void FileOps::rename(const fs::path& from, const fs::path& to) {
    if (::rename(from.c_str(), to.c_str()) != 0)
        throw_errno("rename " + from.string() + " to " + to.string());
}

void FileOps::sync_directory(const fs::path& directory) {
    const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw_errno("open directory " + directory.string());
    const int result = ::fsync(fd);
    const int saved = errno;
    ::close(fd);
    errno = saved;
    if (result != 0) throw_errno("fsync directory " + directory.string());
}

void FileOps::remove(const fs::path& path) noexcept {
    ::unlink(path.c_str());
}

void write_file_atomically(FileOps& ops, const fs::path& path, ByteView content) {
    const fs::path target = fs::absolute(path);
    const fs::path directory = target.parent_path();
    fs::path temporary;
    const int fd = ops.create_temporary(directory, "." + target.filename().string() + ".tmp-", temporary);
    bool renamed = false;
    try {
        FdGuard guard(ops, fd);
        ops.write_all(fd, content);
        ops.sync(fd);  // the data is on disk before the name points at it
        ops.close(guard.release());
        ops.rename(temporary, target);
        renamed = true;
    } catch (...) {
        if (!renamed) ops.remove(temporary);
        throw;
    }
    try {
        ops.sync_directory(directory);  // the rename itself survives a power loss
    } catch (const std::system_error& error) {
        throw DirectorySyncError(error.code(), error.what());
    }
}

Bytes read_whole_file(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw_errno("cannot open " + path.string());
    Bytes content;
    struct stat about {};
    // Reserve up front: a reallocation would leave a copy of the keys in freed memory.
    if (::fstat(fd, &about) == 0 && about.st_size > 0)
        content.reserve(static_cast<std::size_t>(about.st_size));
    std::uint8_t buffer[16384];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int saved = errno;
            ::close(fd);
            secure_wipe(buffer, sizeof buffer);
            errno = saved;
            throw_errno("cannot read " + path.string());
        }
        if (n == 0) break;
        content.insert(content.end(), buffer, buffer + n);
    }
    ::close(fd);
    secure_wipe(buffer, sizeof buffer);
    return content;
}

}  // namespace carta::sim
