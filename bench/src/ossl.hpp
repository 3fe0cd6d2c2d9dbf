// The in-process reference: OpenSSL 3 RSA keys, signatures and verification.
#pragma once

#include <openssl/evp.h>

#include <memory>

#include "p11.hpp"

namespace carta::bench {

struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// Throws std::runtime_error with OpenSSL's error queue.
[[noreturn]] void openssl_fail(const char* what);

Pkey generate_rsa(unsigned bits);
// A public RSA key from big-endian modulus and exponent (CKA_MODULUS, CKA_PUBLIC_EXPONENT).
Pkey rsa_public_key(const Bytes& modulus, const Bytes& exponent);

// SHA-256 over `data`, then EVP_PKEY_sign of the digest with PKCS#1 v1.5 or
// PSS (MGF1-SHA-256, salt 32): the work CKM_SHA256_RSA_PKCS(_PSS) asks of a token.
class OpensslSigner {
  public:
    OpensslSigner(EVP_PKEY* key, SignMechanism mechanism);
    ~OpensslSigner();
    OpensslSigner(const OpensslSigner&) = delete;
    OpensslSigner& operator=(const OpensslSigner&) = delete;
    Bytes sign(const Bytes& data);

  private:
    EVP_PKEY_CTX* ctx_ = nullptr;
};

// Whether `signature` is a valid SHA-256 PKCS#1 v1.5 / PSS signature of `data`.
bool verify(EVP_PKEY* key, SignMechanism mechanism, const Bytes& data, const Bytes& signature);
// RSA PKCS#1 v1.5 encryption to `key`, as an S/MIME sender wraps a message key.
Bytes encrypt_pkcs1(EVP_PKEY* key, const Bytes& plaintext);

}  // namespace carta::bench
