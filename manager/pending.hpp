// Imports that need several card writes (p12 import: the key, then each certificate)
// cannot be one transaction on the card: each PUT DATA lands on its own. So what such
// an import writes carries a pending mark in its name until the last write is done,
// and a rename of each object (the key last) commits the import. A card pulled
// midway keeps the mark: every later `carta` run finds it and says how to complete the
// import (run it again) or remove what it left (`carta delete`).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "carta/card/types.hpp"

namespace carta::cli {

// What the names of uncommitted objects start with; refused in labels users give.
inline constexpr std::string_view kPendingMark = "carta-pending:";

// The mark + `label`, cut to the card's 64 bytes on a character boundary.
std::string pending_name(std::string_view label);
bool is_pending(std::string_view name);

// For stderr: what an interrupted import left on the card and the commands that
// complete or remove it; nullopt when nothing is pending.
std::optional<std::string> pending_report(const card::ProfileContents& contents);

}  // namespace carta::cli
