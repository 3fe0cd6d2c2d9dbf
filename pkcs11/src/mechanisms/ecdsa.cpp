// The ECDSA family: CKM_ECDSA (the data is a hash the application made) and
// CKM_ECDSA_SHAx sign on the card and verify in software, with keys on P-256
// and P-384.
#include "ecdsa.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>

#include <array>

#include "card_operations.hpp"
#include "mech_params.hpp"
#include "object_store.hpp"
#include "software_operations.hpp"

namespace carta::pkcs11 {
namespace ecdsa_family {

using card::HashAlgorithm;

// The card truncates a longer hash to the order (docs/card-protocol.md §10,
// FIPS 186-4); past SHA-512's 64 bytes this only bounds what is collected.
constexpr std::size_t kMaxData = 128;

// A signature is r||s, each as long as the curve's order.
SignatureSizes sizes(const Object& key) {
    return {.signature = 2 * key.key_bytes(), .max_data = kMaxData};
}

bool verifies_der(EVP_PKEY_CTX* ctx, ByteView signature, ByteView tbs) {
    const Bytes der = ecdsa_der(signature);
    return pkey_verifies(ctx, der, tbs);
}

std::unique_ptr<OutputOperation> sign(const MechanismSpec& spec, const CK_MECHANISM& mechanism,
                                      const Object* key) {
    require_no_parameter(mechanism);
    card::SignScheme scheme;
    scheme.kind = card::SignScheme::Kind::Ecdsa;
    return std::make_unique<CardSign>(scheme, *key, spec.hash, sizes(*key));
}

std::unique_ptr<VerifyOperation> verify(const MechanismSpec& spec, const CK_MECHANISM& mechanism,
                                        const Object& key) {
    require_no_parameter(mechanism);
    auto context = public_key_context(key);
    check_ossl(EVP_PKEY_verify_init(context.ctx.get()), "EVP_PKEY_verify_init");
    return std::make_unique<SoftwareVerify>(std::move(context), spec.hash, sizes(key), verifies_der);
}

constexpr FamilyOperations kOperations{.sign = sign, .verify = verify};

constexpr MechanismSpec row(CK_MECHANISM_TYPE type, std::optional<HashAlgorithm> hash) {
    return {type,        KeyFamily::Ec, hash,
            kEcMinBits,  kEcMaxBits,    CKF_HW | CKF_SIGN | CKF_VERIFY | kEcFlags,
            &kOperations};
}

constexpr std::array kRows{
    row(CKM_ECDSA, std::nullopt),
    row(CKM_ECDSA_SHA1, HashAlgorithm::Sha1),
    row(CKM_ECDSA_SHA224, HashAlgorithm::Sha224),
    row(CKM_ECDSA_SHA256, HashAlgorithm::Sha256),
    row(CKM_ECDSA_SHA384, HashAlgorithm::Sha384),
    row(CKM_ECDSA_SHA512, HashAlgorithm::Sha512),
};

}  // namespace ecdsa_family

std::span<const MechanismSpec> families::ecdsa() {
    return ecdsa_family::kRows;
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
