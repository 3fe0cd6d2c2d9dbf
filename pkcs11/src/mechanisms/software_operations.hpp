// Operations on public data, computed on the host with OpenSSL in carta's
// private library context: verification and encryption with a public key. The
// family sets up the key's context (padding, digests) and says how a signature
// is checked; these run it with the family's size rules.
#pragma once

#include <openssl/evp.h>

#include <optional>

#include "carta/card/openssl.hpp"
#include "family.hpp"
#include "input.hpp"
#include "operations.hpp"

namespace carta::pkcs11 {

// A context for a public key, and the digests it was set up with (declared
// first: they outlive the context).
struct PublicKeyContext {
    ossl::Md md, mgf_md;
    ossl::PKeyCtx ctx;
};

// `key`'s public key (from its SubjectPublicKeyInfo) in a new context.
PublicKeyContext public_key_context(const Object& key);
// OpenSSL's result: ossl::fail(what) unless it is positive.
void check_ossl(int result, const char* what);

// Whether `signature` is valid for `tbs` (the hash, or the data of a mechanism
// without one) under a context set up for verification.
using SignatureCheck = bool (*)(EVP_PKEY_CTX* ctx, ByteView signature, ByteView tbs);
// EVP_PKEY_verify: the check of every family that OpenSSL verifies as it is.
bool pkey_verifies(EVP_PKEY_CTX* ctx, ByteView signature, ByteView tbs);

class SoftwareVerify final : public VerifyOperation {
  public:
    // `context` after EVP_PKEY_verify_init and the family's settings.
    SoftwareVerify(PublicKeyContext context, std::optional<card::HashAlgorithm> hash, SignatureSizes sizes,
                   SignatureCheck check);

    void update(ByteView part) override { input_.add(part); }
    void finish(ByteView signature) override;

  private:
    PublicKeyContext context_;
    HashOrCollect input_;
    std::size_t signature_size_;
    SignatureCheck check_;
};

// RSA encryption: the ciphertext is as long as the modulus.
class SoftwareEncrypt final : public OutputOperation {
  public:
    // `context` after EVP_PKEY_encrypt_init and the family's padding;
    // `max_data`: what the padding leaves of the modulus.
    SoftwareEncrypt(PublicKeyContext context, const Object& key, std::size_t max_data);

    void update(ByteView part) override;
    OutputSize output_size() const override { return {size_, true}; }
    SecretBytes finish(Slot& slot) override;

  private:
    PublicKeyContext context_;
    std::size_t size_;
    std::size_t max_data_;
    SecretBytes plaintext_;
};

}  // namespace carta::pkcs11
