// Mozilla profiles for the tests of carta thunderbird / carta firefox: a HOME of
// the test's own, profiles.ini files, a stand-in module file, a profile lock held
// by another process as a running Thunderbird holds it.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "cli_fixture.hpp"

namespace carta::test {

template <typename Base>
class WithProfiles : public Base {
  protected:
    void SetUp() override {
        Base::SetUp();
        std::filesystem::create_directories(home());
        write_text(module(), "not loaded by these tests\n");
    }

    std::filesystem::path home() const { return this->path("home"); }
    std::filesystem::path thunderbird_root() const { return home() / ".thunderbird"; }
    // The module file the tests register (NSS never loads it in them).
    std::filesystem::path module() const { return this->path("libcarta-pkcs11.so"); }
    Environment home_environment() const {
        return {{"HOME", home().string()}, {"XDG_CONFIG_HOME", (home() / ".config").string()}};
    }

    std::filesystem::path make_profile(const std::string& name) const {
        const auto directory = thunderbird_root() / name;
        std::filesystem::create_directories(directory);
        return directory;
    }
    // ~/.thunderbird/abc.default, the only profile of ~/.thunderbird/profiles.ini.
    std::filesystem::path make_default_profile() const {
        write_profiles_ini(thunderbird_root(), "[Profile0]\nName=default\nIsRelative=1\nPath=abc.default\n");
        return make_profile("abc.default");
    }
    static void write_profiles_ini(const std::filesystem::path& root, const std::string& text) {
        std::filesystem::create_directories(root);
        write_text(root / "profiles.ini", text);
    }

    // A child process holding the fcntl lock on DIR/.parentlock, as Mozilla's
    // programs hold it while they run; -1 if it could not be started.
    static pid_t hold_parent_lock(const std::filesystem::path& directory) {
        const std::string file = (directory / ".parentlock").string();
        int ready[2];
        if (::pipe(ready) != 0) return -1;
        const pid_t child = ::fork();
        if (child == 0) {
            const int fd = ::open(file.c_str(), O_RDWR | O_CREAT, 0644);
            struct flock lock {};
            lock.l_type = F_WRLCK;
            lock.l_whence = SEEK_SET;
            const char locked = fd >= 0 && ::fcntl(fd, F_SETLK, &lock) == 0 ? 'y' : 'n';
            if (::write(ready[1], &locked, 1) != 1) ::_exit(1);
            for (;;) ::pause();
        }
        ::close(ready[1]);
        char locked = 'n';
        const bool told = child > 0 && ::read(ready[0], &locked, 1) == 1;
        ::close(ready[0]);
        if (told && locked == 'y') return child;
        if (child > 0) release_parent_lock(child);
        return -1;
    }
    static void release_parent_lock(pid_t holder) {
        ::kill(holder, SIGKILL);
        ::waitpid(holder, nullptr, 0);
    }
};

using DesktopTest = WithProfiles<CliTest>;
using DesktopCardTest = WithProfiles<CardTest>;

}  // namespace carta::test
