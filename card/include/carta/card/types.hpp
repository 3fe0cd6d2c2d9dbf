// Value types of the card library: profiles, life cycle, codes, keys, objects.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "carta/apdu/bytes.hpp"

namespace carta::card {

enum class Profile { Common, Secure };
std::string_view profile_name(Profile profile);  // "common" / "secure"
ByteView profile_aid(Profile profile);

// docs/card-protocol.md §2.
enum class LifeCycle : std::uint8_t { Uninitialised = 0x03, PinNotSet = 0x04, Operational = 0x05 };
std::string_view life_cycle_name(LifeCycle state);

enum class Code { Pin, Puk };
std::string_view code_name(Code code);  // "PIN" / "PUK"

constexpr std::size_t kCodeMinLength = 4;
constexpr std::size_t kCodeMaxLength = 32;
constexpr int kPinMaxTries = 3;
constexpr std::size_t kMaxNameLength = 64;   // of a key or certificate (object file offset 02)
constexpr std::size_t kMaxLabelLength = 29;  // of a profile (directory 5032)
constexpr int kPukMaxTries = 10;

struct CodeStatus {
    bool set = false;  // false in life cycle 03 (both) and 04 (PIN)
    int tries_left = 0;
    int max_tries = 0;
    bool blocked() const { return set && tries_left == 0; }
};

// What one SELECT (with FCI) tells: docs/card-protocol.md §8.
struct ProfileStatus {
    Profile profile = Profile::Common;
    LifeCycle life_cycle = LifeCycle::Uninitialised;
    std::string card_number;  // 16 digits
    std::uint32_t change_counter = 0;
    CodeStatus pin;
    CodeStatus puk;
};

struct CardInfo {
    std::string card_number;
    std::string model;
    std::string manufacturer;
    std::string version;  // "1.0"
};

enum class KeyAlgorithm { Rsa2048, Rsa3072, Rsa4096, P256, P384 };
struct KeyAlgorithmInfo {
    KeyAlgorithm algorithm;
    std::string_view name;  // "rsa2048", "p256", ...
    bool is_rsa;
    unsigned bits;      // modulus size or field size
    std::uint8_t code;  // directory/alg code 41/42/43
};
const KeyAlgorithmInfo& key_algorithm_info(KeyAlgorithm algorithm);
std::optional<KeyAlgorithm> parse_key_algorithm(std::string_view name);
const std::vector<KeyAlgorithmInfo>& key_algorithms();

// Key flags (object file offset 80).
namespace key_flags {
constexpr std::uint8_t kSign = 0x01;
constexpr std::uint8_t kDecipher = 0x02;
constexpr std::uint8_t kGenerated = 0x04;
constexpr std::uint8_t kImported = 0x08;
}  // namespace key_flags

struct KeyObject {
    std::uint8_t key_ref = 0;  // 21-2A RSA, 31-3A EC
    KeyAlgorithm algorithm = KeyAlgorithm::Rsa2048;
    std::string name;
    std::uint8_t flags = 0;
    Bytes public_key_template;  // the 7F49 template as the card returns it
    Bytes spki_der;             // the same key as DER SubjectPublicKeyInfo
    std::uint16_t fid() const { return static_cast<std::uint16_t>(0x1000 + key_ref); }
    bool can_sign() const { return flags & key_flags::kSign; }
    bool can_decipher() const { return flags & key_flags::kDecipher; }
    bool generated_on_card() const { return flags & key_flags::kGenerated; }
};

struct CertificateObject {
    std::uint8_t index = 0;  // 1-15
    std::string name;
    bool is_ca = false;
    std::uint8_t key_ref = 0;  // key it certifies, 0 = none on the card
    Bytes der;
    std::uint16_t fid() const { return static_cast<std::uint16_t>(0x2000 + index); }
};

// Everything public on a profile: what the cache holds.
struct ProfileContents {
    std::string label;
    std::vector<KeyObject> keys;
    std::vector<CertificateObject> certificates;
};

// Signature and decryption schemes (docs/card-protocol.md §7).
enum class HashAlgorithm : std::uint8_t { Sha1 = 1, Sha224 = 2, Sha256 = 3, Sha384 = 4, Sha512 = 5 };
std::size_t hash_length(HashAlgorithm hash);
std::string_view hash_name(HashAlgorithm hash);  // OpenSSL name: "SHA256"

struct SignScheme {
    enum class Kind { RsaPkcs1Hash, RsaPkcs1Raw, RsaPss, Ecdsa } kind = Kind::RsaPkcs1Hash;
    // PSS only:
    HashAlgorithm pss_hash = HashAlgorithm::Sha256;
    HashAlgorithm pss_mgf1_hash = HashAlgorithm::Sha256;
    std::uint8_t pss_salt_length = 32;
};

struct DecipherScheme {
    enum class Kind { RsaPkcs1, RsaOaep } kind = Kind::RsaPkcs1;
    HashAlgorithm oaep_hash = HashAlgorithm::Sha1;
    HashAlgorithm oaep_mgf1_hash = HashAlgorithm::Sha1;
    Bytes oaep_label;
};

}  // namespace carta::card
