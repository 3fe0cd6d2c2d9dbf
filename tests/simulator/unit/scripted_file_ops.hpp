// A FileOps that records what is written and fails whichever step a test says:
// how the tests simulate a full disk or a power loss at a precise moment.
#pragma once

#include <cerrno>
#include <functional>
#include <string>
#include <system_error>
#include <vector>

#include "carta/sim/file_ops.hpp"

namespace carta::sim::testing {

class ScriptedFileOps : public FileOps {
  public:
    // Called before each step with its name ("create", "write", "sync", "close",
    // "rename", "sync_directory") and the number of the save (1 = first); true: fail it.
    std::function<bool(const std::string& step, int save)> fail_when = [](const std::string&, int) {
        return false;
    };
    std::vector<std::string> written;  // the content of every save that reached write()
    int saves = 0;

    int create_temporary(const std::filesystem::path& directory, const std::string& prefix,
                         std::filesystem::path& created) override {
        ++saves;
        step("create");
        return FileOps::create_temporary(directory, prefix, created);
    }
    void write_all(int fd, ByteView data) override {
        step("write");
        written.emplace_back(data.begin(), data.end());
        FileOps::write_all(fd, data);
    }
    void sync(int fd) override {
        step("sync");
        FileOps::sync(fd);
    }
    void close(int fd) override {
        step("close");
        FileOps::close(fd);
    }
    void rename(const std::filesystem::path& from, const std::filesystem::path& to) override {
        step("rename");
        FileOps::rename(from, to);
    }
    void sync_directory(const std::filesystem::path& directory) override {
        step("sync_directory");
        FileOps::sync_directory(directory);
    }

  private:
    void step(const std::string& name) {
        if (fail_when(name, saves))
            throw std::system_error(EIO, std::generic_category(), "injected failure: " + name);
    }
};

}  // namespace carta::sim::testing
