// The elementary files of a profile (docs/card-protocol.md §4), built on demand
// from the stored state: the state is the truth, the files are views of it.
#pragma once

#include <cstdint>
#include <optional>

#include "carta/apdu/bytes.hpp"
#include "carta/sim/card_state.hpp"

namespace carta::sim {

constexpr std::size_t kDirectorySize = 0x6A;
constexpr std::size_t kDirectoryEntriesOffset = 0x24;
constexpr const char* kCardModel = "cryptoCertum 3.6";
constexpr const char* kCardManufacturer = "carta-sim";

Bytes object_directory(const Profile& profile);
Bytes card_information(const CardIdentity& identity);
Bytes key_file(const KeyObject& key);
Bytes certificate_file(const CertificateObject& certificate);

// The profile's content digest (FCI tag C4, docs §8): SHA-256 over the object directory
// and every object file, each preceded by its length (4 bytes, big-endian), keys in key
// reference order, then certificates in index order.
Bytes content_digest(const Profile& profile);

// The content of file `fid` in `profile`, or nullopt if there is no such file.
std::optional<Bytes> elementary_file(const CardState& state, ProfileId profile, std::uint16_t fid);

}  // namespace carta::sim
