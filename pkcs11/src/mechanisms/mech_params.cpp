#include "mech_params.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>

#include <array>
#include <utility>

#include "errors.hpp"

namespace carta::pkcs11 {
namespace {

using card::HashAlgorithm;

constexpr std::array<std::pair<CK_MECHANISM_TYPE, HashAlgorithm>, 5> kHashes{{
    {CKM_SHA_1, HashAlgorithm::Sha1},
    {CKM_SHA224, HashAlgorithm::Sha224},
    {CKM_SHA256, HashAlgorithm::Sha256},
    {CKM_SHA384, HashAlgorithm::Sha384},
    {CKM_SHA512, HashAlgorithm::Sha512},
}};

constexpr std::array<std::pair<CK_RSA_PKCS_MGF_TYPE, HashAlgorithm>, 5> kMgfs{{
    {CKG_MGF1_SHA1, HashAlgorithm::Sha1},
    {CKG_MGF1_SHA224, HashAlgorithm::Sha224},
    {CKG_MGF1_SHA256, HashAlgorithm::Sha256},
    {CKG_MGF1_SHA384, HashAlgorithm::Sha384},
    {CKG_MGF1_SHA512, HashAlgorithm::Sha512},
}};

// The card takes the OAEP label in its MSE command (docs §7, tag 96); a label is
// a short context string in practice (RFC 8017 leaves it empty by default).
constexpr CK_ULONG kMaxOaepLabel = 255;

template <typename T>
const T& parameter(const CK_MECHANISM& mechanism) {
    if (mechanism.pParameter == nullptr || mechanism.ulParameterLen != sizeof(T))
        fail(CKR_MECHANISM_PARAM_INVALID, "missing or malformed mechanism parameters");
    return *static_cast<const T*>(mechanism.pParameter);
}

}  // namespace

std::optional<HashAlgorithm> hash_of_mechanism(CK_MECHANISM_TYPE type) {
    for (const auto& [mechanism, hash] : kHashes)
        if (mechanism == type) return hash;
    return std::nullopt;
}

std::optional<HashAlgorithm> hash_of_mgf(CK_RSA_PKCS_MGF_TYPE mgf) {
    for (const auto& [id, hash] : kMgfs)
        if (id == mgf) return hash;
    return std::nullopt;
}

card::SignScheme pss_scheme(const MechanismSpec& spec, const CK_MECHANISM& mechanism, const Object& key) {
    const auto& params = parameter<CK_RSA_PKCS_PSS_PARAMS>(mechanism);
    const auto hash = hash_of_mechanism(params.hashAlg);
    const auto mgf = hash_of_mgf(params.mgf);
    if (!hash || !mgf) fail(CKR_MECHANISM_PARAM_INVALID, "unsupported PSS hash or MGF");
    if (spec.hash && *spec.hash != *hash)
        fail(CKR_MECHANISM_PARAM_INVALID, "PSS hash differs from the mechanism's");
    // EM needs hLen + sLen + 2 bytes (RFC 8017 §9.1.1); the card takes a one-byte salt length.
    const std::size_t room = key.key_bytes() - card::hash_length(*hash) - 2;
    if (params.sLen > 255 || params.sLen > room) fail(CKR_MECHANISM_PARAM_INVALID, "PSS salt too long");
    card::SignScheme scheme;
    scheme.kind = card::SignScheme::Kind::RsaPss;
    scheme.pss_hash = *hash;
    scheme.pss_mgf1_hash = *mgf;
    scheme.pss_salt_length = static_cast<std::uint8_t>(params.sLen);
    return scheme;
}

card::DecipherScheme oaep_scheme(const CK_MECHANISM& mechanism) {
    const auto& params = parameter<CK_RSA_PKCS_OAEP_PARAMS>(mechanism);
    const auto hash = hash_of_mechanism(params.hashAlg);
    const auto mgf = hash_of_mgf(params.mgf);
    if (!hash || !mgf) fail(CKR_MECHANISM_PARAM_INVALID, "unsupported OAEP hash or MGF");
    card::DecipherScheme scheme;
    scheme.kind = card::DecipherScheme::Kind::RsaOaep;
    scheme.oaep_hash = *hash;
    scheme.oaep_mgf1_hash = *mgf;
    // Checked before anything is copied: the length is only the caller's word.
    if (params.ulSourceDataLen > kMaxOaepLabel)
        fail(CKR_MECHANISM_PARAM_INVALID,
             "OAEP label longer than " + std::to_string(kMaxOaepLabel) + " bytes");
    if (params.ulSourceDataLen > 0) {
        if (params.source != CKZ_DATA_SPECIFIED || params.pSourceData == nullptr)
            fail(CKR_MECHANISM_PARAM_INVALID, "OAEP label without CKZ_DATA_SPECIFIED");
        const auto* label = static_cast<const std::uint8_t*>(params.pSourceData);
        scheme.oaep_label.assign(label, label + params.ulSourceDataLen);
    }
    return scheme;
}

void require_no_parameter(const CK_MECHANISM& mechanism) {
    if (mechanism.ulParameterLen != 0)
        fail(CKR_MECHANISM_PARAM_INVALID, "this mechanism takes no parameters");
}

Bytes ecdsa_der(ByteView raw) {
    const std::size_t half = raw.size() / 2;
    ECDSA_SIG* sig = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(raw.data(), static_cast<int>(half), nullptr);
    BIGNUM* s = BN_bin2bn(raw.data() + half, static_cast<int>(half), nullptr);
    if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        throw std::bad_alloc();
    }
    unsigned char* der = nullptr;
    const int length = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    if (length <= 0) throw std::bad_alloc();
    Bytes out(der, der + length);
    OPENSSL_free(der);
    return out;
}

}  // namespace carta::pkcs11
