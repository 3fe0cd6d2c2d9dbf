// What the virtual card stores: the data model behind docs/card-protocol.md.
// Everything here survives a reset and is written to the state file; the
// per-session state (selection, verified codes, MSE) lives in the card's Session.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "carta/apdu/bytes.hpp"

namespace carta::sim {

class AsymmetricKey;  // key_ops.hpp

enum class ProfileId : std::uint8_t { common = 0, secure = 1 };
const char* profile_name(ProfileId id);  // "common" / "secure"

// Life cycle byte of a profile (FCI tag 8A, directory offset 01).
enum class LifeCycle : std::uint8_t {
    uninitialised = 0x03,  // no PUK, no PIN
    puk_set = 0x04,        // PUK set, PIN not set
    operational = 0x05,    // PUK and PIN set
};

// The algorithms a key slot can hold, with the code the directory and MSE use.
enum class KeyAlgorithm { rsa2048, rsa3072, rsa4096, p256, p384 };

struct AlgorithmInfo {
    KeyAlgorithm algorithm;
    bool is_rsa;
    std::uint8_t code;  // 41 / 42 / 43 (directory and GENERATE)
    int bits;           // modulus size or curve size
    const char* name;   // "RSA-2048", "P-256", ...
};
const AlgorithmInfo& info(KeyAlgorithm algorithm);
// The algorithm with `code` for an RSA (true) or EC (false) slot, if there is one.
std::optional<KeyAlgorithm> algorithm_from_code(bool rsa_slot, std::uint8_t code);

// Key references and file identifiers (docs §4).
constexpr std::uint8_t kFirstRsaKeyRef = 0x21;
constexpr std::uint8_t kFirstEcKeyRef = 0x31;
constexpr int kKeySlotsPerType = 10;
constexpr int kCertificateSlots = 15;
constexpr std::uint16_t kDirectoryFid = 0x5032;
constexpr std::uint16_t kCardInfoFid = 0x5034;

bool is_rsa_keyref(std::uint8_t keyref);
bool is_ec_keyref(std::uint8_t keyref);
inline bool is_keyref(std::uint8_t keyref) {
    return is_rsa_keyref(keyref) || is_ec_keyref(keyref);
}
inline std::uint16_t key_fid(std::uint8_t keyref) {
    return static_cast<std::uint16_t>(0x1000 + keyref);
}
inline std::uint16_t certificate_fid(int index) {
    return static_cast<std::uint16_t>(0x2000 + index);
}
// The keyref of a key file FID, or nullopt if `fid` is not one.
std::optional<std::uint8_t> keyref_of_fid(std::uint16_t fid);
// The certificate index (1..15) of a certificate FID, or nullopt.
std::optional<int> certificate_index_of_fid(std::uint16_t fid);

// Object flags (object file offset 80).
namespace flags {
constexpr std::uint8_t kMaySign = 0x01;
constexpr std::uint8_t kMayDecipher = 0x02;
constexpr std::uint8_t kGeneratedOnCard = 0x04;
constexpr std::uint8_t kImported = 0x08;
constexpr std::uint8_t kKeyUsageMask = kMaySign | kMayDecipher;
constexpr std::uint8_t kKeyMask = 0x0F;
constexpr std::uint8_t kCertificateIsCa = 0x01;
constexpr std::uint8_t kCertificateMask = 0x01;
}  // namespace flags

constexpr std::size_t kMaxNameLength = 64;
// READ BINARY offsets have 15 bits, so an object file ends by 8000: header 86 + content.
constexpr std::size_t kObjectHeaderSize = 0x86;
constexpr std::size_t kMaxCertificateSize = 0x8000 - kObjectHeaderSize;
constexpr std::size_t kMaxLabelLength = 29;
constexpr std::size_t kCodeMinLength = 4;
constexpr std::size_t kCodeMaxLength = 32;
constexpr std::uint8_t kPinTryLimit = 3;
constexpr std::uint8_t kPukTryLimit = 10;

// A PIN or PUK as the card keeps it: a salted PBKDF2-HMAC-SHA256 hash, never the code.
struct CodeRecord {
    std::uint32_t iterations = 0;
    std::array<std::uint8_t, 16> salt{};
    std::array<std::uint8_t, 32> hash{};
    std::uint8_t tries_left = 0;
    bool operator==(const CodeRecord&) const = default;
};

struct KeyObject {
    std::uint8_t keyref = 0;
    std::uint8_t flags = 0;
    std::string name;                          // UTF-8, at most 64 bytes
    std::shared_ptr<const AsymmetricKey> key;  // immutable, shared between state copies
};

struct CertificateObject {
    int index = 0;  // 1..15
    std::uint8_t flags = 0;
    std::string name;
    std::uint8_t linked_keyref = 0;  // the key whose public key it certifies, or 00
    Bytes der;
};

struct Profile {
    LifeCycle life_cycle = LifeCycle::uninitialised;
    std::uint32_t change_counter = 0;
    std::string label;
    std::optional<CodeRecord> pin;
    std::optional<CodeRecord> puk;
    std::map<std::uint8_t, KeyObject> keys;         // by keyref
    std::map<int, CertificateObject> certificates;  // by index
};

struct CardIdentity {
    std::string card_number;  // 16 decimal digits, first one non-zero
    Bytes factory_id;         // 8 bytes
};

// The whole stored card. Copyable: a command edits a copy and commits it only
// once the copy is safely on disk (VirtualCard::commit).
struct CardState {
    CardIdentity identity;
    std::array<Profile, 2> profiles;

    Profile& profile(ProfileId id) { return profiles[static_cast<std::size_t>(id)]; }
    const Profile& profile(ProfileId id) const { return profiles[static_cast<std::size_t>(id)]; }
};

// The card number as 8 BCD bytes (FCI and card info tag 5A).
Bytes card_number_bcd(const std::string& card_number);
bool is_valid_card_number(const std::string& card_number);

// A single well-formed DER SEQUENCE and nothing after it (what PUT DATA 53 accepts).
bool is_der_sequence(ByteView der);

// Recomputes every certificate's link to the key whose public key it holds
// (00 when no key of the profile matches): called whenever keys or certificates change.
void relink_certificates(Profile& profile);

}  // namespace carta::sim
