#include "carta/card/types.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace carta::card {
namespace {

constexpr std::array<std::uint8_t, 10> kCommonAid{0xA0, 0x00, 0x00, 0x01, 0x67, 0x45, 0x53, 0x49, 0x47, 0x4F};
constexpr std::array<std::uint8_t, 10> kSecureAid{0xA0, 0x00, 0x00, 0x01, 0x67, 0x45, 0x53, 0x49, 0x47, 0x4E};

// DER OIDs (tag 06 included): the key types of SubjectPublicKeyInfo and PKCS#8, and the curves.
constexpr std::array<std::uint8_t, 11> kRsaEncryptionOid{0x06, 0x09, 0x2A, 0x86, 0x48, 0x86,
                                                         0xF7, 0x0D, 0x01, 0x01, 0x01};
constexpr std::array<std::uint8_t, 9> kEcPublicKeyOid{0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01};
constexpr std::array<std::uint8_t, 10> kP256Oid{0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
constexpr std::array<std::uint8_t, 7> kP384Oid{0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22};

// Every spelling of a curve a caller may use (OpenSSL, SEC 2, NIST, OpenSSH), OpenSSL's first.
constexpr std::array<std::string_view, 4> kP256Names{"prime256v1", "secp256r1", "P-256", "nistp256"};
constexpr std::array<std::string_view, 4> kP384Names{"secp384r1", "prime384v1", "P-384", "nistp384"};

const std::vector<KeyAlgorithmInfo> kKeyAlgorithms{
    {KeyAlgorithm::Rsa2048, "rsa2048", "RSA-2048", true, 2048, 0x41, {}, {}, kRsaEncryptionOid},
    {KeyAlgorithm::Rsa3072, "rsa3072", "RSA-3072", true, 3072, 0x42, {}, {}, kRsaEncryptionOid},
    {KeyAlgorithm::Rsa4096, "rsa4096", "RSA-4096", true, 4096, 0x43, {}, {}, kRsaEncryptionOid},
    {KeyAlgorithm::P256, "p256", "P-256", false, 256, 0x41, kP256Names, kP256Oid, kEcPublicKeyOid},
    {KeyAlgorithm::P384, "p384", "P-384", false, 384, 0x42, kP384Names, kP384Oid, kEcPublicKeyOid},
};

// DigestInfo = SEQUENCE { AlgorithmIdentifier { hash OID, NULL }, OCTET STRING hash }:
// the DER before the hash value (RFC 8017 §9.2, note 1).
struct HashInfo {
    HashAlgorithm hash;
    std::size_t length;
    std::string_view name;
    std::array<std::uint8_t, 19> digest_info_prefix;
    std::size_t prefix_length;
};
constexpr std::array<HashInfo, 5> kHashes{{
    {HashAlgorithm::Sha1,
     20,
     "SHA1",
     {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14},
     15},
    {HashAlgorithm::Sha224,
     28,
     "SHA224",
     {0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00,
      0x04, 0x1c},
     19},
    {HashAlgorithm::Sha256,
     32,
     "SHA256",
     {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
      0x04, 0x20},
     19},
    {HashAlgorithm::Sha384,
     48,
     "SHA384",
     {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00,
      0x04, 0x30},
     19},
    {HashAlgorithm::Sha512,
     64,
     "SHA512",
     {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00,
      0x04, 0x40},
     19},
}};

const HashInfo& hash_info(HashAlgorithm hash) {
    for (const auto& info : kHashes)
        if (info.hash == hash) return info;
    throw std::invalid_argument("unknown hash algorithm");
}

}  // namespace

std::string_view profile_name(Profile profile) {
    return profile == Profile::Common ? "common" : "secure";
}

ByteView profile_aid(Profile profile) {
    return profile == Profile::Common ? ByteView(kCommonAid) : ByteView(kSecureAid);
}

std::string_view life_cycle_name(LifeCycle state) {
    switch (state) {
        case LifeCycle::Uninitialised:
            return "uninitialised";
        case LifeCycle::PinNotSet:
            return "PIN not set";
        case LifeCycle::Operational:
            return "operational";
    }
    return "unknown";
}

std::string_view code_name(Code code) {
    return code == Code::Pin ? "PIN" : "PUK";
}

const KeyAlgorithmInfo& key_algorithm_info(KeyAlgorithm algorithm) {
    for (const auto& info : kKeyAlgorithms)
        if (info.algorithm == algorithm) return info;
    throw std::invalid_argument("unknown key algorithm");
}

std::optional<KeyAlgorithm> parse_key_algorithm(std::string_view name) {
    for (const auto& info : kKeyAlgorithms)
        if (info.name == name) return info.algorithm;
    return std::nullopt;
}

const std::vector<KeyAlgorithmInfo>& key_algorithms() {
    return kKeyAlgorithms;
}

std::string_view key_algorithm_display_name(KeyAlgorithm algorithm) {
    return key_algorithm_info(algorithm).display_name;
}

std::optional<KeyAlgorithm> rsa_key_algorithm(unsigned bits) {
    for (const auto& info : kKeyAlgorithms)
        if (info.is_rsa && info.bits == bits) return info.algorithm;
    return std::nullopt;
}

std::optional<KeyAlgorithm> ec_key_algorithm_by_curve(std::string_view curve_name) {
    for (const auto& info : kKeyAlgorithms)
        for (const auto name : info.curve_names)
            if (name == curve_name) return info.algorithm;
    return std::nullopt;
}

std::optional<KeyAlgorithm> ec_key_algorithm_by_oid(ByteView curve_oid) {
    for (const auto& info : kKeyAlgorithms)
        if (!info.curve_oid.empty() &&
            std::equal(info.curve_oid.begin(), info.curve_oid.end(), curve_oid.begin(), curve_oid.end()))
            return info.algorithm;
    return std::nullopt;
}

std::string key_algorithm_list() {
    std::string list;
    for (std::size_t i = 0; i < kKeyAlgorithms.size(); ++i) {
        if (i > 0) list += i + 1 == kKeyAlgorithms.size() ? " or " : ", ";
        list += kKeyAlgorithms[i].display_name;
    }
    return list;
}

std::size_t hash_length(HashAlgorithm hash) {
    return hash_info(hash).length;
}
std::string_view hash_name(HashAlgorithm hash) {
    return hash_info(hash).name;
}

Bytes digest_info(HashAlgorithm hash, ByteView hash_value) {
    const auto& info = hash_info(hash);
    if (hash_value.size() != info.length) throw std::invalid_argument("hash of the wrong length");
    Bytes out(info.digest_info_prefix.begin(),
              info.digest_info_prefix.begin() + static_cast<std::ptrdiff_t>(info.prefix_length));
    out.insert(out.end(), hash_value.begin(), hash_value.end());
    return out;
}

}  // namespace carta::card
