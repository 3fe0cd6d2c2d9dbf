// The host side of the card's cryptography, with plain OpenSSL: what a test needs
// to check the card's answers independently of the simulator's own key code.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>

#include "carta/apdu/bytes.hpp"

namespace carta::sim::testing {

struct PkeyFree {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// "RSA-2048", "RSA-3072", "RSA-4096", "P-256", "P-384", "P-521", "RSA-1024"
Pkey generate_key(const std::string& algorithm);
Bytes pkcs8_of(EVP_PKEY* key);
// The public key in a card's 7F49 template (RSA 81/82, EC 86/06). Fails the test on error.
Pkey public_key_from_template(ByteView template_7f49);
// Whether two keys hold the same public key.
bool same_public_key(EVP_PKEY* a, EVP_PKEY* b);

// A DER X.509 certificate for `subject` signed by `issuer` (SHA-256).
Bytes make_certificate(EVP_PKEY* subject, EVP_PKEY* issuer, const std::string& common_name);

Bytes digest(const std::string& md, ByteView data);  // "SHA1", "SHA256", ...
// DigestInfo of a SHA-256 hash (for raw PKCS#1 signatures).
Bytes sha256_digest_info(ByteView hash);

bool verify_pkcs1(EVP_PKEY* key, const std::string& md, ByteView hash, ByteView signature);
bool verify_pkcs1_raw(EVP_PKEY* key, ByteView data, ByteView signature);
bool verify_pss(EVP_PKEY* key, const std::string& md, const std::string& mgf1_md, int salt_length,
                ByteView hash, ByteView signature);
// r||s, each half of the signature.
bool verify_ecdsa(EVP_PKEY* key, ByteView hash, ByteView raw_signature);

Bytes encrypt_pkcs1(EVP_PKEY* key, ByteView plaintext);
Bytes encrypt_oaep(EVP_PKEY* key, const std::string& md, const std::string& mgf1_md, ByteView label,
                   ByteView plaintext);

}  // namespace carta::sim::testing
