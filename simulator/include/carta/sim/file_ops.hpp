// The file-system steps of an atomic replace, behind virtual functions so that a
// test can make any single step fail and check what is left on disk.
#pragma once

#include <filesystem>
#include <string>
#include <system_error>

#include "carta/apdu/bytes.hpp"

namespace carta::sim {

// The real POSIX file system. Every step throws std::system_error on failure.
class FileOps {
  public:
    virtual ~FileOps() = default;

    // Creates and opens (mode 0600) a new file named `prefix` + unique suffix in `directory`.
    virtual int create_temporary(const std::filesystem::path& directory, const std::string& prefix,
                                 std::filesystem::path& created);
    virtual void write_all(int fd, ByteView data);
    virtual void sync(int fd);
    virtual void close(int fd);
    virtual void rename(const std::filesystem::path& from, const std::filesystem::path& to);
    virtual void sync_directory(const std::filesystem::path& directory);
    virtual void remove(const std::filesystem::path& path) noexcept;
};

// Replaces `path` with `content` so that at every moment, a crash included, the
// path holds either the complete old or the complete new content: temp file in the
// same directory, write, fsync, rename over the target, fsync the directory.
// On failure before the rename the temp file is removed and the old file is
// untouched (std::system_error). The rename is the commit point: if only the final
// directory fsync fails, the new content is already what the path shows, and
// DirectorySyncError says so, so that callers do not think the old content is still there.
class DirectorySyncError : public std::system_error {
  public:
    using std::system_error::system_error;
};
void write_file_atomically(FileOps& ops, const std::filesystem::path& path, ByteView content);

// The whole file; throws std::system_error.
Bytes read_whole_file(const std::filesystem::path& path);

}  // namespace carta::sim
