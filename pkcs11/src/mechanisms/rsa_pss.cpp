// The RSA PSS family (RFC 8017 §8.1): CKM_RSA_PKCS_PSS (the data is a hash) and
// CKM_SHAx_RSA_PKCS_PSS sign on the card and verify in software, with the
// parameters of CK_RSA_PKCS_PSS_PARAMS.
#include <openssl/rsa.h>

#include <array>

#include "card_operations.hpp"
#include "errors.hpp"
#include "mech_params.hpp"
#include "object_store.hpp"
#include "software_operations.hpp"

namespace carta::pkcs11 {
namespace rsa_pss_family {

using card::HashAlgorithm;

// The PSS parameters for `key`; throws CKR_MECHANISM_PARAM_INVALID. For
// CKM_SHAx_RSA_PKCS_PSS the parameters' hash must be the mechanism's.
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

// The data of CKM_RSA_PKCS_PSS is the hash itself, of the parameters' algorithm.
// (Signing checks its length; a hash of another length just does not verify.)
SignatureSizes sizes(const MechanismSpec& spec, const card::SignScheme& scheme, const Object& key) {
    const std::size_t hash_size = card::hash_length(scheme.pss_hash);
    return {.signature = key.key_bytes(), .max_data = hash_size, .exact_data = spec.hash ? 0 : hash_size};
}

std::unique_ptr<OutputOperation> sign(const MechanismSpec& spec, const CK_MECHANISM& mechanism,
                                      const Object* key) {
    const auto scheme = pss_scheme(spec, mechanism, *key);
    return std::make_unique<CardSign>(scheme, *key, spec.hash, sizes(spec, scheme, *key));
}

std::unique_ptr<VerifyOperation> verify(const MechanismSpec& spec, const CK_MECHANISM& mechanism,
                                        const Object& key) {
    const auto scheme = pss_scheme(spec, mechanism, key);
    auto context = public_key_context(key);
    EVP_PKEY_CTX* ctx = context.ctx.get();
    check_ossl(EVP_PKEY_verify_init(ctx), "EVP_PKEY_verify_init");
    context.md = ossl::fetch_digest(scheme.pss_hash);
    context.mgf_md = ossl::fetch_digest(scheme.pss_mgf1_hash);
    check_ossl(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING), "RSA padding");
    check_ossl(EVP_PKEY_CTX_set_signature_md(ctx, context.md.get()), "signature digest");
    check_ossl(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, context.mgf_md.get()), "MGF1 digest");
    check_ossl(EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, scheme.pss_salt_length), "PSS salt length");
    return std::make_unique<SoftwareVerify>(std::move(context), spec.hash, sizes(spec, scheme, key),
                                            pkey_verifies);
}

constexpr FamilyOperations kOperations{.sign = sign, .verify = verify};

constexpr MechanismSpec row(CK_MECHANISM_TYPE type, std::optional<HashAlgorithm> hash) {
    return {type,        KeyFamily::Rsa, hash, kRsaMinBits, kRsaMaxBits, CKF_HW | CKF_SIGN | CKF_VERIFY,
            &kOperations};
}

constexpr std::array kRows{
    row(CKM_RSA_PKCS_PSS, std::nullopt),
    row(CKM_SHA1_RSA_PKCS_PSS, HashAlgorithm::Sha1),
    row(CKM_SHA224_RSA_PKCS_PSS, HashAlgorithm::Sha224),
    row(CKM_SHA256_RSA_PKCS_PSS, HashAlgorithm::Sha256),
    row(CKM_SHA384_RSA_PKCS_PSS, HashAlgorithm::Sha384),
    row(CKM_SHA512_RSA_PKCS_PSS, HashAlgorithm::Sha512),
};

}  // namespace rsa_pss_family

std::span<const MechanismSpec> families::rsa_pss() {
    return rsa_pss_family::kRows;
}

}  // namespace carta::pkcs11
