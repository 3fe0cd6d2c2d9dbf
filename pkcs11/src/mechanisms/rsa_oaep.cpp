// The RSA OAEP family (RFC 8017 §7.1): CKM_RSA_PKCS_OAEP decrypts on the card and
// encrypts with the public key in software, with the parameters of
// CK_RSA_PKCS_OAEP_PARAMS.
#include <openssl/rsa.h>

#include <array>
#include <string>

#include "card_operations.hpp"
#include "errors.hpp"
#include "mech_params.hpp"
#include "object_store.hpp"
#include "software_operations.hpp"

namespace carta::pkcs11 {
namespace rsa_oaep_family {

// The card takes the OAEP label in its MSE command (docs §7, tag 96); a label is
// a short context string in practice (RFC 8017 leaves it empty by default).
constexpr CK_ULONG kMaxOaepLabel = 255;

// The OAEP parameters; throws CKR_MECHANISM_PARAM_INVALID.
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

// The message fits beside two hashes and two bytes (RFC 8017 §7.1.1).
std::size_t max_message(const Object& key, const card::DecipherScheme& scheme) {
    return key.key_bytes() - 2 * card::hash_length(scheme.oaep_hash) - 2;
}

void set_label(EVP_PKEY_CTX* ctx, const Bytes& label) {
    if (label.empty()) return;
    // The context takes the copy over only if the call succeeds.
    void* copy = OPENSSL_memdup(label.data(), label.size());
    if (copy == nullptr) throw std::bad_alloc();
    if (EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, copy, static_cast<int>(label.size())) <= 0) {
        OPENSSL_free(copy);
        ossl::fail("OAEP label");
    }
}

std::unique_ptr<OutputOperation> encrypt(const MechanismSpec&, const CK_MECHANISM& mechanism,
                                         const Object* key) {
    const auto scheme = oaep_scheme(mechanism);
    auto context = public_key_context(*key);
    EVP_PKEY_CTX* ctx = context.ctx.get();
    check_ossl(EVP_PKEY_encrypt_init(ctx), "EVP_PKEY_encrypt_init");
    context.md = ossl::fetch_digest(scheme.oaep_hash);
    context.mgf_md = ossl::fetch_digest(scheme.oaep_mgf1_hash);
    check_ossl(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING), "RSA padding");
    check_ossl(EVP_PKEY_CTX_set_rsa_oaep_md(ctx, context.md.get()), "OAEP digest");
    check_ossl(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, context.mgf_md.get()), "MGF1 digest");
    set_label(ctx, scheme.oaep_label);
    return std::make_unique<SoftwareEncrypt>(std::move(context), *key, max_message(*key, scheme));
}

std::unique_ptr<OutputOperation> decrypt(const MechanismSpec&, const CK_MECHANISM& mechanism,
                                         const Object* key) {
    return std::make_unique<CardDecrypt>(oaep_scheme(mechanism), *key);
}

constexpr FamilyOperations kOperations{.encrypt = encrypt, .decrypt = decrypt};

constexpr std::array kRows{
    MechanismSpec{CKM_RSA_PKCS_OAEP, KeyFamily::Rsa, std::nullopt, kRsaMinBits, kRsaMaxBits,
                  CKF_HW | CKF_DECRYPT | CKF_ENCRYPT, &kOperations},
};

}  // namespace rsa_oaep_family

std::span<const MechanismSpec> families::rsa_oaep() {
    return rsa_oaep_family::kRows;
}

}  // namespace carta::pkcs11
