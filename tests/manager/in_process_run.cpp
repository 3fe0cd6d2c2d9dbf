#include "in_process_run.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <system_error>

#include "cli.hpp"

namespace carta::test {
namespace {

// As Process scrubs them from a child's environment.
const char* const kScrubbed[] = {"CARTA_PIN",          "CARTA_PUK",        "CARTA_NEW_PIN", "CARTA_NEW_PUK",
                                 "CARTA_P12_PASSWORD", "CARTA_APDU_TRACE", "CARTA_CACHE"};

[[noreturn]] void fail(const char* what) {
    throw std::system_error(errno, std::generic_category(), what);
}

// The run's environment, and the process's own back afterwards (carta unsets and
// wipes the code variables it reads, so they are restored from copies).
class ScopedEnvironment {
  public:
    explicit ScopedEnvironment(const Environment& environment) {
        for (const char* name : kScrubbed) save(name);
        for (const auto& [name, value] : environment) save(name);
        for (const char* name : kScrubbed) ::unsetenv(name);
        for (const auto& [name, value] : environment) ::setenv(name.c_str(), value.c_str(), 1);
    }
    ~ScopedEnvironment() {
        for (const auto& [name, value] : saved_) {
            if (value)
                ::setenv(name.c_str(), value->c_str(), 1);
            else
                ::unsetenv(name.c_str());
        }
    }
    ScopedEnvironment(const ScopedEnvironment&) = delete;
    ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

  private:
    void save(const std::string& name) {
        if (saved_.count(name) != 0) return;
        const char* value = std::getenv(name.c_str());
        saved_[name] = value != nullptr ? std::optional<std::string>(value) : std::nullopt;
    }
    std::map<std::string, std::optional<std::string>> saved_;
};

void flush_everything() {
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
}

// File descriptor `fd` pointed somewhere else while this lives.
class Redirect {
  public:
    Redirect(int fd, int to) : fd_(fd), saved_(::dup(fd)) {
        if (saved_ < 0 || ::dup2(to, fd) < 0) fail("dup2");
    }
    ~Redirect() {
        ::dup2(saved_, fd_);
        ::close(saved_);
    }
    Redirect(const Redirect&) = delete;
    Redirect& operator=(const Redirect&) = delete;

  private:
    int fd_;
    int saved_;
};

// An unnamed temporary file that collects one stream.
class Capture {
  public:
    Capture() : file_(std::tmpfile()) {
        if (file_ == nullptr) fail("tmpfile");
    }
    ~Capture() { std::fclose(file_); }
    Capture(const Capture&) = delete;
    Capture& operator=(const Capture&) = delete;

    int fd() const { return ::fileno(file_); }
    std::string text() const {
        std::string out;
        char buffer[4096];
        for (off_t at = 0;;) {
            const ssize_t n = ::pread(fd(), buffer, sizeof buffer, at);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            out.append(buffer, static_cast<std::size_t>(n));
            at += n;
        }
        return out;
    }

  private:
    std::FILE* file_;
};

class DevNull {
  public:
    DevNull() : fd_(::open("/dev/null", O_RDONLY | O_CLOEXEC)) {
        if (fd_ < 0) fail("/dev/null");
    }
    ~DevNull() { ::close(fd_); }
    DevNull(const DevNull&) = delete;
    DevNull& operator=(const DevNull&) = delete;
    int fd() const { return fd_; }

  private:
    int fd_;
};

int call_run(const std::vector<std::string>& args, std::shared_ptr<apdu::ReaderSystem> readers) {
    std::vector<std::string> argv{"carta"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> pointers;
    for (auto& arg : argv) pointers.push_back(arg.data());
    pointers.push_back(nullptr);
    return cli::run(static_cast<int>(argv.size()), pointers.data(), std::move(readers));
}

}  // namespace

Result run_in_process(const std::vector<std::string>& args, const Environment& environment,
                      std::shared_ptr<apdu::ReaderSystem> readers) {
    Capture out, err;
    const DevNull empty;
    Result result;
    {
        const ScopedEnvironment scoped(environment);
        flush_everything();  // what the test printed so far stays the test's
        const Redirect in(STDIN_FILENO, empty.fd());
        const Redirect to_out(STDOUT_FILENO, out.fd());
        const Redirect to_err(STDERR_FILENO, err.fd());
        try {
            result.exit_code = call_run(args, std::move(readers));
        } catch (...) {
            flush_everything();
            throw;
        }
        flush_everything();  // what carta printed lands in the captures, as at a process's exit
    }
    std::cout.clear();  // a run that met a closed stream must not silence the next
    std::cerr.clear();
    result.out = out.text();
    result.err = err.text();
    return result;
}

}  // namespace carta::test
