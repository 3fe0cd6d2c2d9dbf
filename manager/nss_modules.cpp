#include "nss_modules.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "carta/card/text.hpp"
#include "change_words.hpp"
#include "errors.hpp"

namespace carta::cli::nss {
namespace fs = std::filesystem;

namespace {

bool blank(const std::string& line) {
    return line.find_first_not_of(" \t\r") == std::string::npos;
}

std::string value_after(const std::string& line, std::string_view key) {
    if (!line.starts_with(key)) return {};
    std::string value = line.substr(key.size());
    if (!value.empty() && value.back() == '\r') value.pop_back();
    return value;
}

void take_facts(ModuleEntry& entry) {
    for (const auto& line : entry.lines) {
        if (line.starts_with("name=")) entry.name = value_after(line, "name=");
        if (line.starts_with("library=")) entry.library = value_after(line, "library=");
    }
}

// The same file: the same text, or two names of one existing file.
bool same_library(const std::string& a, const std::string& b) {
    if (a.empty() || b.empty()) return false;  // NSS's internal module has no library
    if (a == b) return true;
    std::error_code error;
    return fs::equivalent(a, b, error) && !error;
}

[[noreturn]] void cannot_write(const fs::path& file, const std::string& why) {
    throw CliError(Exit::Refused, "cannot write " + card::printable(file.string()) + ": " + why);
}

}  // namespace

ModuleList read_module_list(const fs::path& file) {
    ModuleList list;
    std::error_code error;
    if (!fs::exists(file, error)) return list;
    std::ifstream in(file, std::ios::binary);
    if (!in) throw CliError(Exit::InvalidInput, "cannot read " + card::printable(file.string()));
    std::string line;
    ModuleEntry entry;
    const auto finish = [&] {
        if (entry.lines.empty()) return;
        take_facts(entry);
        list.entries.push_back(std::move(entry));
        entry = {};
    };
    while (std::getline(in, line)) {
        if (blank(line))
            finish();
        else
            entry.lines.push_back(line);
    }
    finish();
    return list;
}

std::string module_list_text(const ModuleList& list) {
    std::string text;
    for (const auto& entry : list.entries) {
        for (const auto& line : entry.lines) text += line + "\n";
        text += "\n";
    }
    return text;
}

void write_module_list(const fs::path& file, const ModuleList& list) {
    struct stat existing {};
    const mode_t mode = ::stat(file.c_str(), &existing) == 0 ? (existing.st_mode & 07777) : 0600;
    std::string temporary = (file.parent_path() / (file.filename().string() + ".carta-XXXXXX")).string();
    const int fd = ::mkstemp(temporary.data());
    if (fd < 0) cannot_write(file, std::strerror(errno));
    const std::string text = module_list_text(list);
    bool written = ::fchmod(fd, mode) == 0;
    for (std::size_t done = 0; written && done < text.size();) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        written = n > 0;
        if (written) done += static_cast<std::size_t>(n);
    }
    written = written && ::fsync(fd) == 0;
    const int saved_errno = errno;
    written = ::close(fd) == 0 && written;
    if (!written || ::rename(temporary.c_str(), file.c_str()) != 0) {
        const std::string why = std::strerror(written ? errno : saved_errno);
        ::unlink(temporary.c_str());
        cannot_write(file, why);
    }
}

namespace {

const ChangeWords<Change> kChangeWords[] = {
    {Change::Added, "added", "registered", "would register"},
    {Change::Updated, "updated", "updated", "would update"},
    {Change::Unchanged, "unchanged", "already registered", "already registered"},
    {Change::Removed, "removed", "removed", "would remove"},
    {Change::Absent, "absent", "not registered", "not registered"},
};

}  // namespace

const char* change_name(Change change) {
    return words_of(kChangeWords, change).name;
}

const char* change_word(Change change, bool dry_run) {
    return words_of(kChangeWords, change).word(dry_run);
}

Plan plan_registration(const ModuleList& list, const std::string& name, const std::string& library) {
    Plan plan{Change::Added, list, {}, {}};
    for (const auto& entry : list.entries)
        if (same_library(entry.library, library)) {
            plan.change = Change::Unchanged;
            plan.existing_name = entry.name;
            return plan;
        }
    for (auto& entry : plan.result.entries) {
        if (entry.name != name) continue;
        // An older install of the module elsewhere (/usr/local ...): point the entry here.
        plan.change = Change::Updated;
        plan.previous_library = entry.library;
        for (auto& line : entry.lines)
            if (line.starts_with("library=")) line = "library=" + library;
        entry.library = library;
        return plan;
    }
    ModuleEntry added{{"library=" + library, "name=" + name}, name, library};
    plan.result.entries.push_back(std::move(added));
    return plan;
}

Plan plan_removal(const ModuleList& list, const std::string& name, const std::string& library) {
    Plan plan{Change::Absent, list, {}, {}};
    auto& entries = plan.result.entries;
    const auto ours = [&](const ModuleEntry& entry) {
        return !entry.library.empty() && (entry.name == name || same_library(entry.library, library));
    };
    const auto kept = std::remove_if(entries.begin(), entries.end(), ours);
    if (kept != entries.end()) plan.change = Change::Removed;
    entries.erase(kept, entries.end());
    return plan;
}

}  // namespace carta::cli::nss
