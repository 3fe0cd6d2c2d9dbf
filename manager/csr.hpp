// PKCS#10 certificate requests for S/MIME, signed by a key on the card.
#pragma once

#include <string>

#include "carta/card/card.hpp"
#include "carta/card/openssl.hpp"

namespace carta::cli {

struct CsrSubject {
    std::string common_name;  // UTF-8
    std::string email;        // also the subjectAltName rfc822Name
};

// Throws CliError(InvalidInput) unless `email` looks like local@domain.tld in ASCII.
void check_email(const std::string& email);

// The hash a request signed by `algorithm` uses: SHA-384 for P-384, else SHA-256.
card::HashAlgorithm csr_hash(card::KeyAlgorithm algorithm);

// Builds the request around the card's public key, has the card sign the
// to-be-signed part (the PIN must be verified), and checks the signature with
// the public key before returning it.
ossl::Request make_csr(card::Card& card, const card::KeyObject& key, const CsrSubject& subject);

std::string csr_pem(X509_REQ* request);
Bytes csr_der(X509_REQ* request);

}  // namespace carta::cli
