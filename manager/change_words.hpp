// How `carta thunderbird|firefox` names what it changed (or, with --dry-run, would change) in
// a Mozilla profile: one table per kind of change, one lookup for all of them.
#pragma once

#include <cstddef>
#include <stdexcept>

namespace carta::cli {

template <typename Change>
struct ChangeWords {
    Change change;
    const char* name;     // for --json: "added", "unchanged" ...
    const char* done;     // "registered" ...
    const char* planned;  // with --dry-run: "would register" ...

    const char* word(bool dry_run) const { return dry_run ? planned : done; }
};

template <typename Change, std::size_t N>
const ChangeWords<Change>& words_of(const ChangeWords<Change> (&table)[N], Change change) {
    for (const auto& words : table)
        if (words.change == change) return words;
    throw std::logic_error("a change without words");
}

}  // namespace carta::cli
