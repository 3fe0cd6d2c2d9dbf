#include "mechanisms.hpp"

#include <vector>

#include "object_store.hpp"
#include "operations.hpp"

namespace carta::pkcs11 {
namespace {

using card::HashAlgorithm;
namespace f = factories;

constexpr CK_ULONG kRsaMin = 2048, kRsaMax = 4096;
constexpr CK_ULONG kEcMin = 256, kEcMax = 384;
constexpr CK_FLAGS kEcFlags = CKF_EC_F_P | CKF_EC_NAMEDCURVE | CKF_EC_UNCOMPRESS;
constexpr CK_FLAGS kRsaSign = CKF_HW | CKF_SIGN | CKF_VERIFY;
constexpr CK_FLAGS kEcSign = CKF_HW | CKF_SIGN | CKF_VERIFY | kEcFlags;

MechanismSpec rsa_pkcs1(CK_MECHANISM_TYPE type, std::optional<HashAlgorithm> hash) {
    return {type, KeyFamily::Rsa, hash, kRsaMin, kRsaMax, kRsaSign, f::rsa_pkcs1_sign, f::rsa_pkcs1_verify};
}
MechanismSpec rsa_pss(CK_MECHANISM_TYPE type, std::optional<HashAlgorithm> hash) {
    return {type, KeyFamily::Rsa, hash, kRsaMin, kRsaMax, kRsaSign, f::rsa_pss_sign, f::rsa_pss_verify};
}
MechanismSpec ecdsa(CK_MECHANISM_TYPE type, std::optional<HashAlgorithm> hash) {
    return {type, KeyFamily::Ec, hash, kEcMin, kEcMax, kEcSign, f::ecdsa_sign, f::ecdsa_verify};
}
MechanismSpec digest(CK_MECHANISM_TYPE type, HashAlgorithm hash) {
    MechanismSpec spec{type, KeyFamily::None, hash, 0, 0, CKF_DIGEST};
    spec.digest = f::digest;
    return spec;
}

std::vector<MechanismSpec> build_table() {
    MechanismSpec rsa_gen{CKM_RSA_PKCS_KEY_PAIR_GEN,     KeyFamily::Rsa, std::nullopt, kRsaMin, kRsaMax,
                          CKF_HW | CKF_GENERATE_KEY_PAIR};
    MechanismSpec ec_gen{CKM_EC_KEY_PAIR_GEN,
                         KeyFamily::Ec,
                         std::nullopt,
                         kEcMin,
                         kEcMax,
                         CKF_HW | CKF_GENERATE_KEY_PAIR | kEcFlags};
    // Raw PKCS#1 v1.5: signs and decrypts on the card; verifies and encrypts
    // with the public key in software.
    MechanismSpec pkcs = rsa_pkcs1(CKM_RSA_PKCS, std::nullopt);
    pkcs.flags |= CKF_DECRYPT | CKF_ENCRYPT;
    pkcs.encrypt = f::rsa_pkcs1_encrypt;
    pkcs.decrypt = f::rsa_pkcs1_decrypt;
    MechanismSpec oaep{CKM_RSA_PKCS_OAEP, KeyFamily::Rsa, std::nullopt,
                       kRsaMin,           kRsaMax,        CKF_HW | CKF_DECRYPT | CKF_ENCRYPT};
    oaep.encrypt = f::rsa_oaep_encrypt;
    oaep.decrypt = f::rsa_oaep_decrypt;
    return {
        rsa_gen,
        ec_gen,
        pkcs,
        oaep,
        rsa_pkcs1(CKM_SHA1_RSA_PKCS, HashAlgorithm::Sha1),
        rsa_pkcs1(CKM_SHA224_RSA_PKCS, HashAlgorithm::Sha224),
        rsa_pkcs1(CKM_SHA256_RSA_PKCS, HashAlgorithm::Sha256),
        rsa_pkcs1(CKM_SHA384_RSA_PKCS, HashAlgorithm::Sha384),
        rsa_pkcs1(CKM_SHA512_RSA_PKCS, HashAlgorithm::Sha512),
        rsa_pss(CKM_RSA_PKCS_PSS, std::nullopt),
        rsa_pss(CKM_SHA1_RSA_PKCS_PSS, HashAlgorithm::Sha1),
        rsa_pss(CKM_SHA224_RSA_PKCS_PSS, HashAlgorithm::Sha224),
        rsa_pss(CKM_SHA256_RSA_PKCS_PSS, HashAlgorithm::Sha256),
        rsa_pss(CKM_SHA384_RSA_PKCS_PSS, HashAlgorithm::Sha384),
        rsa_pss(CKM_SHA512_RSA_PKCS_PSS, HashAlgorithm::Sha512),
        ecdsa(CKM_ECDSA, std::nullopt),
        ecdsa(CKM_ECDSA_SHA1, HashAlgorithm::Sha1),
        ecdsa(CKM_ECDSA_SHA224, HashAlgorithm::Sha224),
        ecdsa(CKM_ECDSA_SHA256, HashAlgorithm::Sha256),
        ecdsa(CKM_ECDSA_SHA384, HashAlgorithm::Sha384),
        ecdsa(CKM_ECDSA_SHA512, HashAlgorithm::Sha512),
        digest(CKM_SHA_1, HashAlgorithm::Sha1),
        digest(CKM_SHA224, HashAlgorithm::Sha224),
        digest(CKM_SHA256, HashAlgorithm::Sha256),
        digest(CKM_SHA384, HashAlgorithm::Sha384),
        digest(CKM_SHA512, HashAlgorithm::Sha512),
    };
}

const std::vector<MechanismSpec>& table() {
    static const std::vector<MechanismSpec> mechanisms = build_table();
    return mechanisms;
}

}  // namespace

std::span<const MechanismSpec> all_mechanisms() {
    return table();
}

const MechanismSpec* find_mechanism(CK_MECHANISM_TYPE type) {
    for (const auto& spec : all_mechanisms())
        if (spec.type == type) return &spec;
    return nullptr;
}

bool offered_on(const MechanismSpec& spec, card::Profile profile) {
    return profile == card::Profile::Common || (spec.flags & CKF_GENERATE_KEY_PAIR) == 0;
}

CK_MECHANISM_INFO mechanism_info(const MechanismSpec& spec) {
    CK_MECHANISM_INFO info{};
    info.ulMinKeySize = spec.min_key_bits;
    info.ulMaxKeySize = spec.max_key_bits;
    info.flags = spec.flags;
    return info;
}

KeyFamily family_of(const Object& key) {
    return key.key_type == CKK_RSA ? KeyFamily::Rsa : KeyFamily::Ec;
}

std::vector<CK_MECHANISM_TYPE> allowed_mechanisms(const Object& key) {
    std::vector<CK_MECHANISM_TYPE> out;
    for (const auto& spec : all_mechanisms()) {
        if (spec.family != family_of(key) || (spec.flags & CKF_GENERATE_KEY_PAIR) != 0) continue;
        const bool signs = spec.sign != nullptr && key.can_sign();
        const bool deciphers = spec.decrypt != nullptr && key.can_decipher();
        if (signs || deciphers) out.push_back(spec.type);
    }
    return out;
}

}  // namespace carta::pkcs11
