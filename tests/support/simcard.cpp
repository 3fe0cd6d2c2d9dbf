#include "simcard.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <system_error>

#ifndef CARTA_SIMCARD_SCRIPT
#error "CARTA_SIMCARD_SCRIPT must be defined (path of scripts/simcard)"
#endif
#ifndef CARTA_SIM_BINARY
#error "CARTA_SIM_BINARY must be defined (path of the carta-sim binary)"
#endif

extern char** environ;

namespace carta::test {
namespace {

namespace fs = std::filesystem;

std::mutex g_mutex;
bool g_alive = false;  // a SimCard exists in this process
fs::path g_dir;        // the directory of this process's SimCards

std::string env_or(const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? v : fallback;
}

// Runs the simcard script; returns its stdout. stderr goes to ours (ctest shows it).
std::string run_script(const std::vector<std::string>& args) {
    const std::string script = env_or("CARTA_SIMCARD_SCRIPT", CARTA_SIMCARD_SCRIPT);
    std::vector<std::string> argv_s{script};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);

    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, script.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        throw std::system_error(rc, std::generic_category(), "cannot run " + script);
    }
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = read(fds[0], buf, sizeof buf);
        if (n > 0) {
            out.append(buf, static_cast<size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "waitpid");
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::string cmd = "scripts/simcard";
        for (const auto& a : args) cmd += " " + a;
        throw std::runtime_error("`" + cmd + "` failed (" +
                                 (WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                                    : "signal " + std::to_string(WTERMSIG(status))) +
                                 "); its messages and the pcscd/carta-sim logs are on stderr above");
    }
    return out;
}

// Undoes POSIX shell quoting as produced by Python's shlex.quote ('...' and "'").
std::string shell_unquote(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '\'') {
            size_t end = s.find('\'', i + 1);
            if (end == std::string::npos) throw std::runtime_error("bad quoting: " + s);
            out.append(s, i + 1, end - i - 1);
            i = end;
        } else if (c == '"') {
            for (++i; i < s.size() && s[i] != '"'; ++i) {
                if (s[i] == '\\' && i + 1 < s.size() && std::strchr("\"\\$`", s[i + 1]) != nullptr) ++i;
                out += s[i];
            }
            if (i >= s.size()) throw std::runtime_error("bad quoting: " + s);
        } else if (c == '\\' && i + 1 < s.size()) {
            out += s[++i];
        } else {
            out += c;
        }
    }
    return out;
}

// "export NAME=VALUE" lines -> {NAME: VALUE}
std::map<std::string, std::string> parse_exports(const std::string& text) {
    std::map<std::string, std::string> vars;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t eol = text.find('\n', pos);
        if (eol == std::string::npos) eol = text.size();
        std::string line = text.substr(pos, eol - pos);
        pos = eol + 1;
        const std::string prefix = "export ";
        if (line.rfind(prefix, 0) != 0) continue;
        size_t eq = line.find('=');
        if (eq == std::string::npos) continue;
        vars[line.substr(prefix.size(), eq - prefix.size())] = shell_unquote(line.substr(eq + 1));
    }
    return vars;
}

// The pid in `pid_file` if that process is alive and names `dir` on its command line
// (every process of an instance does), so that a stale pid file never hits a stranger.
pid_t instance_pid(const fs::path& pid_file, const fs::path& dir) {
    long pid = 0;
    if (!(std::ifstream(pid_file) >> pid) || pid <= 0) return -1;
    std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
    const std::string args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
    return args.find(dir.string()) == std::string::npos ? -1 : static_cast<pid_t>(pid);
}

void remove_dir() {
    std::lock_guard lock(g_mutex);
    if (!g_alive && !g_dir.empty()) {
        std::error_code ec;
        fs::remove_all(g_dir, ec);
    }
}

// The same directory (path) for every SimCard of this process, see the header.
// Made by mkdtemp for the first one; `down --purge` removes it, and later SimCards
// make it again. (If the process dies, the instance's watchdog purges it.)
fs::path process_dir() {
    if (g_dir.empty()) {
        std::string tmpl =
            (fs::path(env_or("TMPDIR", "/tmp")) / ("carta-simcard-" + std::to_string(getpid()) + "-XXXXXX"))
                .string();
        if (mkdtemp(tmpl.data()) == nullptr)
            throw std::system_error(errno, std::generic_category(), "mkdtemp " + tmpl);
        g_dir = tmpl;
        std::atexit(remove_dir);
    }
    return g_dir;
}

}  // namespace

SimCard::SimCard(const std::filesystem::path& initial_state, Latency latency) {
    {
        std::lock_guard lock(g_mutex);
        if (g_alive)
            throw std::logic_error(
                "carta::test::SimCard: only one SimCard per process at a time "
                "(libpcsclite reads PCSCLITE_CSOCK_NAME once per process)");
        dir_ = process_dir();
        g_alive = true;
    }
    try {
        std::error_code ec;
        if (!fs::is_empty(dir_, ec) && !ec) {  // left over from an earlier SimCard of this process
            simcard({"down", "--purge"});
            fs::remove_all(dir_, ec);
        }
        fs::create_directory(dir_, ec);
        if (!fs::is_directory(dir_)) throw std::runtime_error("cannot create " + dir_.string());
        if (!initial_state.empty()) fs::copy_file(initial_state, state_file());

        std::vector<std::string> args{"up",
                                      "--dir",
                                      dir_.string(),
                                      "--latency",
                                      latency == Latency::None ? "none" : "realistic",
                                      "--sim",
                                      env_or("CARTA_SIM", CARTA_SIM_BINARY),
                                      "--owner-pid",
                                      std::to_string(getpid())};
        auto vars = parse_exports(run_script(args));
        for (const char* name : {"PCSCLITE_CSOCK_NAME", "CARTA_SIMCARD_DIR", "CARTA_READER"}) {
            auto it = vars.find(name);
            if (it == vars.end())
                throw std::runtime_error(std::string("scripts/simcard up printed no ") + name);
            setenv(name, it->second.c_str(), 1);
        }
        reader_ = vars["CARTA_READER"];
    } catch (...) {
        std::error_code ec;
        try {
            simcard({"down", "--purge"});
        } catch (...) {
        }
        fs::remove_all(dir_, ec);
        std::lock_guard lock(g_mutex);
        g_alive = false;
        throw;
    }
}

SimCard::~SimCard() {
    try {
        simcard({"down", "--purge"});
    } catch (const std::exception&) {
        // already reported on stderr by the script; nothing more to do in a destructor
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
    unsetenv("CARTA_SIMCARD_DIR");
    unsetenv("CARTA_READER");
    std::lock_guard lock(g_mutex);
    g_alive = false;
}

std::string SimCard::simcard(const std::vector<std::string>& args) const {
    std::vector<std::string> full = args;
    full.insert(full.end(), {"--dir", dir_.string()});
    return run_script(full);
}

void SimCard::pull() {
    simcard({"pull"});
}
void SimCard::insert() {
    simcard({"insert"});
}
void SimCard::restart_pcscd() {
    simcard({"restart-pcscd"});
}
void SimCard::restart_sim() {
    simcard({"restart-sim"});
}
void SimCard::kill_sim() {
    simcard({"restart-sim", "--kill"});
}

void SimCard::send_signal(Process process, int signal) const {
    const fs::path pid_file = dir_ / (process == Process::Pcscd ? "pcscd.pid" : "carta-sim.pid");
    const pid_t pid = instance_pid(pid_file, dir_);
    if (pid <= 0) throw std::runtime_error(pid_file.string() + ": no running process of this instance");
    if (::kill(pid, signal) != 0) throw std::system_error(errno, std::generic_category(), "kill");
}

}  // namespace carta::test
