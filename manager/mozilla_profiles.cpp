#include "mozilla_profiles.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "carta/card/text.hpp"
#include "errors.hpp"

namespace carta::cli::mozilla {
namespace fs = std::filesystem;

namespace {

// Debian 12's Thunderbird (153 ESR) keeps its profiles in ~/.thunderbird (checked with
// `thunderbird -CreateProfile` in an empty $HOME, XDG_CONFIG_HOME set or not); Debian's
// wrapper script moves an old ~/.icedove there. Firefox uses ~/.mozilla/firefox, and
// releases that follow the XDG base directories $XDG_CONFIG_HOME/mozilla/firefox.
const std::vector<Application> kApplications{
    {"thunderbird", "Thunderbird", {"~/.thunderbird"}, "/etc/thunderbird/policies/policies.json"},
    {"firefox",
     "Firefox",
     {"~/.mozilla/firefox", "$XDG_CONFIG_HOME/mozilla/firefox"},
     "/etc/firefox/policies/policies.json"},
};

fs::path environment_directory(const char* variable, const fs::path& fallback) {
    const char* value = std::getenv(variable);
    if (value != nullptr && value[0] == '/') return value;
    return fallback;
}

fs::path home() {
    const char* value = std::getenv("HOME");
    if (value == nullptr || value[0] == '\0')
        throw CliError(Exit::InvalidInput, "HOME is not set: name a profile with --profile-dir");
    return value;
}

fs::path expand(std::string_view root) {
    if (root.starts_with("~/")) return home() / root.substr(2);
    constexpr std::string_view kXdg = "$XDG_CONFIG_HOME/";
    if (root.starts_with(kXdg))
        return environment_directory("XDG_CONFIG_HOME", home() / ".config") / root.substr(kXdg.size());
    return fs::path(root);
}

std::string trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r");
    return std::string(text.substr(first, last - first + 1));
}

// An INI file as Mozilla writes it: [Section] lines, key=value lines, ';'/'#' comments.
using Section = std::map<std::string, std::string>;
std::vector<std::pair<std::string, Section>> parse_ini(std::istream& in) {
    std::vector<std::pair<std::string, Section>> sections;
    std::string line;
    while (std::getline(in, line)) {
        const std::string text = trimmed(line);
        if (text.empty() || text[0] == ';' || text[0] == '#') continue;
        if (text.front() == '[' && text.back() == ']') {
            sections.emplace_back(text.substr(1, text.size() - 2), Section{});
            continue;
        }
        const auto equals = text.find('=');
        if (equals == std::string::npos || sections.empty()) continue;
        sections.back().second[trimmed(text.substr(0, equals))] = trimmed(text.substr(equals + 1));
    }
    return sections;
}

std::string value_of(const Section& section, const std::string& key) {
    const auto found = section.find(key);
    return found != section.end() ? found->second : std::string();
}

// A Path= as Mozilla means it: relative to the file's directory unless IsRelative=0.
fs::path profile_directory(const fs::path& root, const std::string& path, bool relative) {
    const fs::path given(path);
    return (relative && given.is_relative() ? root / given : given).lexically_normal();
}

void add_once(std::vector<Profile>& profiles, Profile profile) {
    for (const auto& known : profiles)
        if (known.directory == profile.directory) return;
    profiles.push_back(std::move(profile));
}

bool process_alive(pid_t pid) {
    return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
}

// The PID of the `lock` symlink, and whether it says the holder uses the fcntl lock too.
struct LockLink {
    pid_t pid = 0;
    bool with_fcntl = false;
};
std::optional<LockLink> read_lock_link(const fs::path& directory) {
    std::error_code error;
    const fs::path target = fs::read_symlink(directory / "lock", error);
    if (error) return std::nullopt;
    std::string_view text = target.native();
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    text.remove_prefix(colon + 1);
    LockLink link;
    if (text.starts_with('+')) {
        link.with_fcntl = true;
        text.remove_prefix(1);
    }
    const auto [end, problem] = std::from_chars(text.data(), text.data() + text.size(), link.pid);
    if (problem != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return link;
}

// The PID holding an fcntl lock on .parentlock (0 if it is not known, e.g. over NFS).
std::optional<pid_t> parent_lock_holder(const fs::path& directory) {
    const int fd = ::open((directory / ".parentlock").c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return std::nullopt;
    struct flock query {};
    query.l_type = F_WRLCK;
    query.l_whence = SEEK_SET;
    const bool asked = ::fcntl(fd, F_GETLK, &query) == 0;
    ::close(fd);
    if (!asked || query.l_type == F_UNLCK) return std::nullopt;
    return query.l_pid;
}

std::string process_text(pid_t pid) {
    return pid > 0 ? "process " + std::to_string(pid) : "a process on another machine";
}

}  // namespace

const std::vector<Application>& applications() {
    return kApplications;
}

std::vector<fs::path> profile_roots(const Application& application) {
    std::vector<fs::path> roots;
    for (const char* root : application.roots) roots.push_back(expand(root));
    return roots;
}

std::vector<Profile> read_profiles_ini(const fs::path& profiles_ini) {
    std::ifstream in(profiles_ini);
    if (!in) throw CliError(Exit::InvalidInput, "cannot read " + card::printable(profiles_ini.string()));
    const fs::path root = profiles_ini.parent_path();
    std::vector<Profile> profiles;
    std::vector<fs::path> install_defaults;
    for (const auto& [name, section] : parse_ini(in)) {
        const bool is_profile = name.starts_with("Profile");
        if (!is_profile && !name.starts_with("Install")) continue;
        const std::string path = value_of(section, is_profile ? "Path" : "Default");
        if (path.empty()) {
            if (is_profile)
                std::cerr << "carta: warning: " << card::printable(profiles_ini.string()) << ": ["
                          << card::printable(name) << "] has no Path; skipped" << std::endl;
            continue;
        }
        // An Install section names its default profile by the same path, relative if inside the root.
        const bool relative = is_profile ? value_of(section, "IsRelative") != "0" : true;
        const fs::path directory = profile_directory(root, path, relative);
        if (is_profile)
            add_once(profiles, {value_of(section, "Name"), directory});
        else
            install_defaults.push_back(directory);
    }
    for (auto& directory : install_defaults) add_once(profiles, {"", std::move(directory)});
    return profiles;
}

std::optional<std::string> profile_in_use(const fs::path& directory) {
    if (const auto holder = parent_lock_holder(directory)) return process_text(*holder);
    const auto link = read_lock_link(directory);
    if (link && !link->with_fcntl && process_alive(link->pid)) return process_text(link->pid);
    return std::nullopt;
}

}  // namespace carta::cli::mozilla
