// Where Mozilla's programs (Thunderbird, Firefox) keep their profiles, read from
// their profiles.ini, and whether a program is running with a profile.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace carta::cli::mozilla {

// One program: its command, its name, where its profiles.ini may be and where an
// admin's enterprise policies go (its own path on Linux).
struct Application {
    const char* command;  // "thunderbird": the carta subcommand
    const char* name;     // "Thunderbird"
    // Directories that may hold profiles.ini, first match first; "~/" is $HOME,
    // "$XDG_CONFIG_HOME/" that variable or ~/.config.
    std::vector<const char*> roots;
    const char* policies_file;
};

// Thunderbird and Firefox, in the order `carta --help` lists their commands.
const std::vector<Application>& applications();

struct Profile {
    std::string name;  // Name= of its [ProfileN] section ("" for an Install default or --profile-dir)
    std::filesystem::path directory;
};

// The profile root directories of `application` (roots expanded), existing or not.
std::vector<std::filesystem::path> profile_roots(const Application& application);

// Every profile profiles.ini names: its [ProfileN] sections and the defaults of its
// [Install...] sections (relative paths resolved against the file's directory),
// each directory once. CliError(InvalidInput) if the file cannot be read; sections
// without a Path are skipped with a warning on stderr.
std::vector<Profile> read_profiles_ini(const std::filesystem::path& profiles_ini);

// Why `directory` is in use by a running program ("process 1234"), or nullopt.
// Mozilla locks a profile on Linux with an fcntl lock on .parentlock and a symlink
// `lock` -> "IP:+PID" ('+': the fcntl lock is the one that counts, which also
// holds across NFS and PID namespaces; without '+', a live PID means in use).
std::optional<std::string> profile_in_use(const std::filesystem::path& directory);

}  // namespace carta::cli::mozilla
