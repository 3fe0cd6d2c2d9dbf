#include "process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

extern char** environ;

namespace carta::test {
namespace {

// Variables a child must only get when a test says so.
const char* const kScrubbed[] = {"CARTA_PIN",          "CARTA_PUK",        "CARTA_NEW_PIN", "CARTA_NEW_PUK",
                                 "CARTA_P12_PASSWORD", "CARTA_APDU_TRACE", "CARTA_CACHE"};

std::vector<std::string> child_environment(const Environment& extra) {
    std::vector<std::string> result;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string text(*entry);
        const std::string name = text.substr(0, text.find('='));
        bool keep = extra.count(name) == 0;
        for (const char* scrubbed : kScrubbed) keep = keep && name != scrubbed;
        if (keep) result.push_back(text);
    }
    for (const auto& [name, value] : extra) result.push_back(name + "=" + value);
    return result;
}

void drain(int fd, std::string& into) {
    char buffer[4096];
    for (;;) {
        const ssize_t n = read(fd, buffer, sizeof buffer);
        if (n > 0) {
            into.append(buffer, static_cast<std::size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    close(fd);
}

}  // namespace

Process::Process(const std::vector<std::string>& argv, const Environment& environment,
                 const std::string& input) {
    signal(SIGPIPE, SIG_IGN);  // a child that exits without reading its input must not kill the test
    int out[2], err[2], in[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0 || pipe2(in, O_CLOEXEC) != 0)
        throw std::system_error(errno, std::generic_category(), "pipe2");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    std::vector<std::string> args = argv;
    std::vector<char*> arg_pointers;
    for (auto& arg : args) arg_pointers.push_back(arg.data());
    arg_pointers.push_back(nullptr);
    auto env = child_environment(environment);
    std::vector<char*> env_pointers;
    for (auto& entry : env) env_pointers.push_back(entry.data());
    env_pointers.push_back(nullptr);
    const int rc =
        posix_spawnp(&pid_, args.at(0).c_str(), &actions, nullptr, arg_pointers.data(), env_pointers.data());
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    close(err[1]);
    if (rc != 0) {
        close(in[1]);
        close(out[0]);
        close(err[0]);
        throw std::system_error(rc, std::generic_category(), "cannot run " + args.at(0));
    }
    out_reader_ = std::thread([this, fd = out[0]] { drain(fd, out_); });
    err_reader_ = std::thread([this, fd = err[0]] { drain(fd, err_); });
    in_writer_ = std::thread([fd = in[1], input] {
        std::size_t done = 0;
        while (done < input.size()) {
            const ssize_t n = write(fd, input.data() + done, input.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            done += static_cast<std::size_t>(n);
        }
        close(fd);
    });
}

Process::~Process() {
    if (!result_ && pid_ > 0) {
        kill(pid_, SIGKILL);
        wait();
    }
}

bool Process::finished() {
    if (result_) return true;
    siginfo_t info{};
    if (waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0) return false;
    return info.si_pid == pid_;
}

Result Process::wait() {
    if (result_) return *result_;
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0)
        if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "waitpid");
    out_reader_.join();
    err_reader_.join();
    in_writer_.join();
    Result result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = std::move(out_);
    result.err = std::move(err_);
    result_ = result;
    return result;
}

Result run(const std::vector<std::string>& argv, const Environment& environment, const std::string& input) {
    Process process(argv, environment, input);
    return process.wait();
}

}  // namespace carta::test
