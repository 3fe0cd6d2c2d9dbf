// Certificates for the tests, made with OpenSSL: a throwaway CA and end-entity
// certificates for public keys that live on the card.
#pragma once

#include <string>

#include "carta/apdu/bytes.hpp"
#include "carta/card/openssl.hpp"

namespace carta::pkcs11::test {

struct TestCa {
    ossl::PKey key;
    ossl::Certificate certificate;
};

// A new self-signed CA (RSA-2048) named `common_name`.
TestCa make_ca(const std::string& common_name);
// An S/MIME certificate (digitalSignature, keyEncipherment, emailProtection) for
// the public key `spki`, issued by `ca`.
Bytes issue_certificate(const TestCa& ca, ByteView spki, const std::string& common_name,
                        const std::string& email);

std::string pem_of_certificate(X509* certificate);
std::string pem_of_private_key(EVP_PKEY* key);
Bytes der_of_certificate(X509* certificate);

}  // namespace carta::pkcs11::test
