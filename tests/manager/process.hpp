// Runs a program (carta, openssl) as a child process with extra environment
// variables and captures its stdout, stderr and exit status.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace carta::test {

struct Result {
    int exit_code = -1;  // 128 + signal if it was killed
    std::string out;
    std::string err;
};

using Environment = std::map<std::string, std::string>;

class Process {
  public:
    // Starts `argv` (argv[0] a path, or a name looked up in PATH). The child
    // gets this process's environment without carta's code variables
    // (CARTA_PIN ...), plus `environment`; stdin is `input`.
    Process(const std::vector<std::string>& argv, const Environment& environment,
            const std::string& input = {});
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    pid_t pid() const { return pid_; }
    // True once the child has exited (does not reap it).
    bool finished();
    Result wait();

  private:
    pid_t pid_ = -1;
    std::optional<Result> result_;
    std::string out_, err_;
    std::thread out_reader_, err_reader_, in_writer_;
};

Result run(const std::vector<std::string>& argv, const Environment& environment = {},
           const std::string& input = {});

}  // namespace carta::test
