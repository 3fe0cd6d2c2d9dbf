#include "nss_trust.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "carta/card/text.hpp"
#include "change_words.hpp"
#include "errors.hpp"

extern char** environ;

namespace carta::cli::nss {
namespace fs = std::filesystem;

namespace {

const char* const kCertutil = "certutil";
const char* const kEmailCaTrust = ",C,";  // SSL: none, S/MIME: trusted CA, code signing: none

struct ProgramResult {
    int status = -1;
    std::string out;
    std::string err;
};

class Pipe {
  public:
    Pipe() {
        if (::pipe2(fds_, O_CLOEXEC) != 0)
            throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    }
    ~Pipe() {
        close_read();
        close_write();
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    int read_end() const { return fds_[0]; }
    int write_end() const { return fds_[1]; }
    void close_read() { close_end(0); }
    void close_write() { close_end(1); }

  private:
    void close_end(int i) {
        if (fds_[i] >= 0) ::close(fds_[i]);
        fds_[i] = -1;
    }
    int fds_[2] = {-1, -1};
};

// Reads both pipes to their end (poll: neither can fill up while the other is read).
void collect(Pipe& out, Pipe& err, ProgramResult& result) {
    std::vector<pollfd> open{{out.read_end(), POLLIN, 0}, {err.read_end(), POLLIN, 0}};
    std::string* sinks[] = {&result.out, &result.err};
    int remaining = 2;
    while (remaining > 0) {
        if (::poll(open.data(), open.size(), -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (std::size_t i = 0; i < open.size(); ++i) {
            if (open[i].fd < 0 || open[i].revents == 0) continue;
            char buffer[4096];
            const ssize_t n = ::read(open[i].fd, buffer, sizeof buffer);
            if (n > 0) {
                sinks[i]->append(buffer, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                open[i].fd = -1;
                --remaining;
            }
        }
    }
}

// `argv` (argv[0] looked up in PATH) with `input` on its standard input.
ProgramResult run_program(const std::vector<std::string>& argv, const std::string& input) {
    Pipe in, out, err;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in.read_end(), STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out.write_end(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err.write_end(), STDERR_FILENO);
    std::vector<char*> pointers;
    for (const auto& arg : argv) pointers.push_back(const_cast<char*>(arg.c_str()));
    pointers.push_back(nullptr);
    pid_t pid = -1;
    const int spawned = ::posix_spawnp(&pid, argv[0].c_str(), &actions, nullptr, pointers.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0)
        throw CliError(Exit::Refused, "--trust-card-ca needs NSS's " + argv[0] + " (" +
                                          std::strerror(spawned) + "); on Debian: apt install libnss3-tools");
    in.close_read();
    out.close_write();
    err.close_write();
    // A certificate is a few kB: it fits the pipe, so writing first cannot block on the reader.
    const bool fed =
        ::write(in.write_end(), input.data(), input.size()) == static_cast<ssize_t>(input.size());
    in.close_write();
    ProgramResult result;
    collect(out, err, result);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.status = fed && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::string database(const fs::path& profile) {
    return "sql:" + profile.string();
}

ProgramResult certutil(const std::vector<std::string>& args, const std::string& input = {}) {
    std::vector<std::string> argv{kCertutil};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(argv, input);
}

[[noreturn]] void certutil_failed(const std::string& what, const ProgramResult& result) {
    throw CliError(Exit::Refused, "certutil could not " + what + ": " + card::printable(result.err));
}

struct Listed {
    std::string nickname;
    std::string trust;  // "CT,C,C"
};

// `certutil -L`: a header, then "nickname<spaces>trust" per certificate.
std::vector<Listed> list_certificates(const fs::path& profile) {
    const auto result = certutil({"-L", "-d", database(profile)});
    if (result.status != 0) certutil_failed("read the certificates of " + profile.string(), result);
    std::vector<Listed> listed;
    std::istringstream lines(result.out);
    std::string line;
    bool past_header = false;
    while (std::getline(lines, line)) {
        if (!past_header) {
            past_header = line.find("SSL,S/MIME,JAR/XPI") != std::string::npos;
            continue;
        }
        const auto end = line.find_last_not_of(' ');
        if (end == std::string::npos) continue;
        const auto trust_start = line.find_last_of(' ', end);
        if (trust_start == std::string::npos) continue;
        const auto nickname_end = line.find_last_not_of(' ', trust_start);
        if (nickname_end == std::string::npos) continue;
        listed.push_back({line.substr(0, nickname_end + 1), line.substr(trust_start + 1, end - trust_start)});
    }
    return listed;
}

bool holds(const fs::path& profile, const std::string& nickname, ByteView der) {
    const auto result = certutil({"-L", "-d", database(profile), "-n", nickname, "-r"});
    return result.status == 0 && result.out == std::string(der.begin(), der.end());
}

// "SSL,S/MIME,JAR/XPI" as its three fields.
std::vector<std::string> trust_fields(const std::string& trust) {
    std::vector<std::string> fields{""};
    for (const char c : trust) {
        if (c == ',')
            fields.emplace_back();
        else
            fields.back() += c;
    }
    fields.resize(3);
    return fields;
}

bool trusted_for_email(const std::string& trust) {
    return trust_fields(trust)[1].find('C') != std::string::npos;
}

// The S/MIME field with C (trusted CA) added; the other two as they are.
std::string with_email_ca_trust(const std::string& trust) {
    const auto fields = trust_fields(trust);
    return fields[0] + "," + fields[1] + "C," + fields[2];
}

}  // namespace

namespace {

const ChangeWords<TrustChange> kTrustWords[] = {
    {TrustChange::Added, "added", "imported, trusted for e-mail only",
     "would import, trusted for e-mail only"},
    {TrustChange::Extended, "extended", "e-mail trust added", "would add e-mail trust"},
    {TrustChange::Unchanged, "unchanged", "already trusted for e-mail", "already trusted for e-mail"},
};

}  // namespace

const char* trust_change_name(TrustChange change) {
    return words_of(kTrustWords, change).name;
}

const char* trust_change_word(TrustChange change, bool dry_run) {
    return words_of(kTrustWords, change).word(dry_run);
}

TrustChange trust_for_email(const fs::path& profile, ByteView der, const std::string& nickname,
                            bool dry_run) {
    for (const auto& listed : list_certificates(profile)) {
        if (!holds(profile, listed.nickname, der)) continue;
        if (trusted_for_email(listed.trust)) return TrustChange::Unchanged;
        if (!dry_run) {
            const auto result = certutil({"-M", "-d", database(profile), "-n", listed.nickname, "-t",
                                          with_email_ca_trust(listed.trust)});
            if (result.status != 0) certutil_failed("change the trust of " + listed.nickname, result);
        }
        return TrustChange::Extended;
    }
    if (!dry_run) {
        const auto result = certutil({"-A", "-d", database(profile), "-n", nickname, "-t", kEmailCaTrust},
                                     std::string(der.begin(), der.end()));
        if (result.status != 0) certutil_failed("import " + nickname, result);
    }
    return TrustChange::Added;
}

}  // namespace carta::cli::nss
