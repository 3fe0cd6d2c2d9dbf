// Value types of the card library: profiles, life cycle, codes, keys, objects.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
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

// The card's limits (docs/card-protocol.md §3-§5): the host side states them here
// only; everything else (the module, the CLI, messages) uses these names.
constexpr std::size_t kCodeMinLength = 4;  // bytes of a PIN or PUK, UTF-8
constexpr std::size_t kCodeMaxLength = 32;
constexpr int kPinMaxTries = 3;
constexpr int kPukMaxTries = 10;
constexpr std::size_t kMaxNameLength = 64;   // of a key or certificate (object file offset 02)
constexpr std::size_t kMaxLabelLength = 29;  // of a profile (directory 5032)
constexpr std::uint8_t kFirstCertificateIndex = 1;
constexpr std::uint8_t kLastCertificateIndex = 15;  // the directory's index is 4 bits
constexpr std::size_t kCertificateSlots = kLastCertificateIndex - kFirstCertificateIndex + 1;

// Key references of one family of keys (docs §5): RSA 21-2A, EC 31-3A.
struct KeyRefRange {
    std::uint8_t first;
    std::uint8_t last;
    constexpr bool contains(std::uint8_t key_ref) const { return key_ref >= first && key_ref <= last; }
    constexpr std::size_t size() const { return std::size_t{last} - first + 1; }
};
constexpr KeyRefRange kRsaKeyRefs{0x21, 0x2A};
constexpr KeyRefRange kEcKeyRefs{0x31, 0x3A};
constexpr KeyRefRange key_refs(bool rsa) {
    return rsa ? kRsaKeyRefs : kEcKeyRefs;
}

// File IDs of the objects (docs §4).
constexpr std::uint16_t key_fid(std::uint8_t key_ref) {
    return static_cast<std::uint16_t>(0x1000 + key_ref);
}
constexpr std::uint16_t certificate_fid(std::uint8_t index) {
    return static_cast<std::uint16_t>(0x2000 + index);
}

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
    // SHA-256 of the profile's public files as the card computes it (docs §8): with the
    // card number and the counter, what a cached copy of the objects is keyed by.
    Bytes content_digest;
    CodeStatus pin;
    CodeStatus puk;
};

struct CardInfo {
    std::string card_number;
    std::string model;
    std::string manufacturer;
    std::string version;  // "1.0"
};

// The key algorithms of the card: one table (types.cpp) holds every fact the host
// side needs about each, so that no layer keeps its own list of names or OIDs.
enum class KeyAlgorithm { Rsa2048, Rsa3072, Rsa4096, P256, P384 };
struct KeyAlgorithmInfo {
    KeyAlgorithm algorithm;
    std::string_view name;          // "rsa2048", "p256": the CLI's word for it
    std::string_view display_name;  // "RSA-2048", "P-256": how people read it
    bool is_rsa;
    unsigned bits;      // modulus size or field size
    std::uint8_t code;  // directory/alg code 41/42/43
    // EC only: the curve's names, OpenSSL's group name first ("prime256v1", "secp256r1",
    // "P-256", ...), and the DER of its OID as X.509 and CKA_EC_PARAMS carry it.
    std::span<const std::string_view> curve_names;
    ByteView curve_oid;
    // The DER OID of the public key's algorithm (rsaEncryption / id-ecPublicKey).
    ByteView key_type_oid;
    std::string_view curve_name() const { return curve_names.empty() ? std::string_view() : curve_names[0]; }
    KeyRefRange key_refs() const { return card::key_refs(is_rsa); }
};
const KeyAlgorithmInfo& key_algorithm_info(KeyAlgorithm algorithm);
std::optional<KeyAlgorithm> parse_key_algorithm(std::string_view name);  // "rsa2048", ...
const std::vector<KeyAlgorithmInfo>& key_algorithms();
std::string_view key_algorithm_display_name(KeyAlgorithm algorithm);  // "RSA-2048"
// The algorithm of an RSA key of `bits` bits, or of an EC key on the curve of that name
// (any of curve_names) or OID (DER, 06 ...); nullopt when the card has none such.
std::optional<KeyAlgorithm> rsa_key_algorithm(unsigned bits);
std::optional<KeyAlgorithm> ec_key_algorithm_by_curve(std::string_view curve_name);
std::optional<KeyAlgorithm> ec_key_algorithm_by_oid(ByteView curve_oid);
// "RSA-2048, RSA-3072, RSA-4096, P-256 or P-384".
std::string key_algorithm_list();

// Key flags (object file offset 80).
namespace key_flags {
constexpr std::uint8_t kSign = 0x01;
constexpr std::uint8_t kDecipher = 0x02;
constexpr std::uint8_t kGenerated = 0x04;
constexpr std::uint8_t kImported = 0x08;
}  // namespace key_flags

// Certificate flags (object file offset 80).
namespace certificate_flags {
constexpr std::uint8_t kCa = 0x01;
}  // namespace certificate_flags

struct KeyObject {
    std::uint8_t key_ref = 0;  // 21-2A RSA, 31-3A EC
    KeyAlgorithm algorithm = KeyAlgorithm::Rsa2048;
    std::string name;
    std::uint8_t flags = 0;
    Bytes public_key_template;  // the 7F49 template as the card returns it
    Bytes spki_der;             // the same key as DER SubjectPublicKeyInfo
    std::uint16_t fid() const { return key_fid(key_ref); }
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
    std::uint16_t fid() const { return certificate_fid(index); }
};

// Everything public on a profile: what the cache holds.
struct ProfileContents {
    std::string label;
    std::vector<KeyObject> keys;
    std::vector<CertificateObject> certificates;
    // False when read for the certificates alone (Card::contents(Need::Certificates)):
    // `keys` is then empty whatever the card holds.
    bool keys_listed = true;
    // False for the label alone (Card::summary() of a profile whose objects were never
    // read): `certificates` is then empty whatever the card holds, and so is `keys`.
    bool certificates_listed = true;
};

// A profile as Card::summary() finds it in one transaction.
struct ProfileSummary {
    ProfileStatus status;
    std::string label;
    std::optional<ProfileContents> contents;  // when the cache held them
};

// Signature and decryption schemes (docs/card-protocol.md §7).
enum class HashAlgorithm : std::uint8_t { Sha1 = 1, Sha224 = 2, Sha256 = 3, Sha384 = 4, Sha512 = 5 };
std::size_t hash_length(HashAlgorithm hash);
std::string_view hash_name(HashAlgorithm hash);  // OpenSSL name: "SHA256"
// The DER DigestInfo (PKCS#1 v1.5, RFC 8017 §9.2) of a hash value: the hash table's
// prefix and the value. Throws std::invalid_argument for a value of the wrong length.
Bytes digest_info(HashAlgorithm hash, ByteView hash_value);

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
