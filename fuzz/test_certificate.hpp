// A small self-signed S/MIME-style certificate (P-256, CN, e-mail in the subject
// and subjectAltName, basicConstraints) made with OpenSSL, for the fuzzers'
// template card and the seed corpora.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>

#include "carta/apdu/bytes.hpp"

namespace carta::fuzz {

struct TestIdentity {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, EVP_PKEY_free};
    std::unique_ptr<X509, decltype(&X509_free)> certificate{nullptr, X509_free};
};

// A new P-256 key and its self-signed certificate.
TestIdentity make_test_identity();
// The DER of a new identity's certificate.
Bytes make_test_certificate();

}  // namespace carta::fuzz
