// NSS's list of PKCS#11 modules in a profile: pkcs11.txt beside cert9.db (the
// sql: database's module list), edited as text.
//
// Why not `modutil -add`: a user's machine has Thunderbird (with its own NSS inside)
// but seldom libnss3-tools, and modutil loads the module to add it; pkcs11.txt is a
// plain format NSS reads at every start: entries of key=value lines (library=,
// name=, parameters=, NSS=), separated by blank lines, values unquoted. Everything
// carta does not change is written back byte for byte, and the file is replaced
// atomically. A file without NSS's internal module is fine: NSS adds it in memory.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace carta::cli::nss {

inline constexpr const char* kModuleFile = "pkcs11.txt";

struct ModuleEntry {
    std::vector<std::string> lines;  // as read, without line ends
    std::string name;                // its name= (may be empty)
    std::string library;             // its library= ("" for NSS's internal module)
};

struct ModuleList {
    std::vector<ModuleEntry> entries;
};

// The file's module list; an empty list if there is no file.
// CliError(InvalidInput) if it exists but cannot be read.
ModuleList read_module_list(const std::filesystem::path& file);
std::string module_list_text(const ModuleList& list);
// Replaces `file` atomically (temporary file in its directory, then rename), keeping
// its permissions (0600 for a new one, as NSS makes it).
void write_module_list(const std::filesystem::path& file, const ModuleList& list);

// What a registration or removal changes in one profile.
enum class Change {
    Added,      // the module was not there
    Updated,    // an entry of that name loaded another file: now this one
    Unchanged,  // already registered (under this name or another)
    Removed,
    Absent,  // nothing to remove
};
const char* change_name(Change change);                // "added", "unchanged" ... (JSON)
const char* change_word(Change change, bool dry_run);  // "registered", "would register" ...

struct Plan {
    Change change = Change::Unchanged;
    ModuleList result;
    std::string existing_name;     // Unchanged: the name it is registered under
    std::string previous_library;  // Updated: the file the entry named before
};

// `library` (an absolute path) as module `name`, unless an entry already loads that file.
Plan plan_registration(const ModuleList& list, const std::string& name, const std::string& library);
// Every entry named `name` or loading `library`; NSS's internal module never.
Plan plan_removal(const ModuleList& list, const std::string& name, const std::string& library);

}  // namespace carta::cli::nss
