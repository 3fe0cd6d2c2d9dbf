// The RSA PKCS#1 v1.5 family (RFC 8017 §8.2, §7.2): CKM_RSA_PKCS and
// CKM_SHAx_RSA_PKCS sign on the card and verify in software; CKM_RSA_PKCS also
// decrypts on the card and encrypts with the public key in software.
#include <openssl/rsa.h>

#include <algorithm>
#include <array>

#include "card_operations.hpp"
#include "mech_params.hpp"
#include "object_store.hpp"
#include "software_operations.hpp"

namespace carta::pkcs11 {
namespace rsa_pkcs1_family {

using card::HashAlgorithm;

// The padding takes at least 11 bytes of the modulus (RFC 8017 §7.2.1, §8.2.1).
constexpr std::size_t kPadding = 11;

// The data of CKM_RSA_PKCS (a DigestInfo, in practice) is padded as it is, and
// may be empty; with a hash the card builds the DigestInfo.
SignatureSizes sizes(const Object& key) {
    return {.signature = key.key_bytes(), .max_data = key.key_bytes() - kPadding, .min_data = 0};
}

// CKM_RSA_PKCS verification: the public-key operation without padding, then the
// PKCS#1 v1.5 block checked here, 00 01 FF..FF 00 M with at least eight FF (RFC 8017
// §8.2.2, §9.2). OpenSSL's verify refuses an empty M, which the standard allows.
bool verifies_raw(EVP_PKEY_CTX* verify_ctx, ByteView signature, ByteView message) {
    ossl::PKeyCtx ctx(
        EVP_PKEY_CTX_new_from_pkey(ossl::context(), EVP_PKEY_CTX_get0_pkey(verify_ctx), nullptr));
    Bytes block(signature.size());
    std::size_t length = block.size();
    if (!ctx || EVP_PKEY_verify_recover_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1 ||
        EVP_PKEY_verify_recover(ctx.get(), block.data(), &length, signature.data(), signature.size()) != 1 ||
        length != signature.size() || length < message.size() + kPadding)
        return false;
    const std::size_t separator = length - message.size() - 1;
    if (block[0] != 0x00 || block[1] != 0x01 || block[separator] != 0x00) return false;
    for (std::size_t i = 2; i < separator; ++i)
        if (block[i] != 0xFF) return false;
    return std::equal(message.begin(), message.end(),
                      block.begin() + static_cast<std::ptrdiff_t>(separator + 1));
}

std::unique_ptr<OutputOperation> sign(const MechanismSpec& spec, const CK_MECHANISM& mechanism,
                                      const Object* key) {
    require_no_parameter(mechanism);
    card::SignScheme scheme;
    scheme.kind = spec.hash ? card::SignScheme::Kind::RsaPkcs1Hash : card::SignScheme::Kind::RsaPkcs1Raw;
    return std::make_unique<CardSign>(scheme, *key, spec.hash, sizes(*key));
}

std::unique_ptr<VerifyOperation> verify(const MechanismSpec& spec, const CK_MECHANISM& mechanism,
                                        const Object& key) {
    require_no_parameter(mechanism);
    auto context = public_key_context(key);
    check_ossl(EVP_PKEY_verify_init(context.ctx.get()), "EVP_PKEY_verify_init");
    check_ossl(EVP_PKEY_CTX_set_rsa_padding(context.ctx.get(), RSA_PKCS1_PADDING), "RSA padding");
    if (!spec.hash)
        return std::make_unique<SoftwareVerify>(std::move(context), spec.hash, sizes(key), verifies_raw);
    context.md = ossl::fetch_digest(*spec.hash);
    check_ossl(EVP_PKEY_CTX_set_signature_md(context.ctx.get(), context.md.get()), "signature digest");
    return std::make_unique<SoftwareVerify>(std::move(context), spec.hash, sizes(key), pkey_verifies);
}

std::unique_ptr<OutputOperation> encrypt(const MechanismSpec&, const CK_MECHANISM& mechanism,
                                         const Object* key) {
    require_no_parameter(mechanism);
    auto context = public_key_context(*key);
    check_ossl(EVP_PKEY_encrypt_init(context.ctx.get()), "EVP_PKEY_encrypt_init");
    check_ossl(EVP_PKEY_CTX_set_rsa_padding(context.ctx.get(), RSA_PKCS1_PADDING), "RSA padding");
    return std::make_unique<SoftwareEncrypt>(std::move(context), *key, key->key_bytes() - kPadding);
}

std::unique_ptr<OutputOperation> decrypt(const MechanismSpec&, const CK_MECHANISM& mechanism,
                                         const Object* key) {
    require_no_parameter(mechanism);
    return std::make_unique<CardDecrypt>(card::DecipherScheme{}, *key);
}

constexpr FamilyOperations kOperations{
    .sign = sign, .verify = verify, .encrypt = encrypt, .decrypt = decrypt};
constexpr CK_FLAGS kSigns = CKF_HW | CKF_SIGN | CKF_VERIFY;

constexpr MechanismSpec row(CK_MECHANISM_TYPE type, std::optional<HashAlgorithm> hash,
                            CK_FLAGS flags = kSigns) {
    return {type, KeyFamily::Rsa, hash, kRsaMinBits, kRsaMaxBits, flags, &kOperations};
}

// A new variant (another hash the card knows): one more row.
constexpr std::array kRows{
    // Raw PKCS#1 v1.5 also decrypts (on the card) and encrypts (in software).
    row(CKM_RSA_PKCS, std::nullopt, kSigns | CKF_DECRYPT | CKF_ENCRYPT),
    row(CKM_SHA1_RSA_PKCS, HashAlgorithm::Sha1),
    row(CKM_SHA224_RSA_PKCS, HashAlgorithm::Sha224),
    row(CKM_SHA256_RSA_PKCS, HashAlgorithm::Sha256),
    row(CKM_SHA384_RSA_PKCS, HashAlgorithm::Sha384),
    row(CKM_SHA512_RSA_PKCS, HashAlgorithm::Sha512),
};

}  // namespace rsa_pkcs1_family

std::span<const MechanismSpec> families::rsa_pkcs1() {
    return rsa_pkcs1_family::kRows;
}

}  // namespace carta::pkcs11
