// The minidriver's file system, entirely virtual: every file is made from what the
// card says now (card::Card), so nothing the CSP reads can go stale behind carta's
// other clients (the PKCS#11 module, the CLI). Read-only: the CSP writes nothing.
//
//   cardid          16 bytes: the card number's 16 digits (unique and stable)
//   cardcf          6 bytes: freshness from both profiles' change counters
//   cardapps        "mscp" padded to 8 bytes
//   mscp/cmapfile   one 86-byte record per container (context.hpp)
//   mscp/kxcNN      the certificate of container NN (decimal), DER
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "context.hpp"

namespace carta::md {

// The file's bytes; MdError(SCARD_E_DIR_NOT_FOUND / SCARD_E_FILE_NOT_FOUND) if none.
Bytes read_virtual_file(Context& context, const char* directory, const char* name);
// The names in a directory (root: nullptr or "").
std::vector<std::string> list_virtual_files(Context& context, const char* directory);

// cardcf's bytes for two change counters: the CSP re-reads everything it cached once
// they differ, so they must change whenever either counter moves.
Bytes cache_file(std::uint32_t common_counter, std::uint32_t secure_counter);
// kxcNN's name for container `index`.
std::string certificate_file_name(std::size_t index);

}  // namespace carta::md
