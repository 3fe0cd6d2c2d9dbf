// X.509 helpers of the CLI: reading certificate files (PEM or DER, one or a
// chain), describing a certificate, and files in general.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "carta/card/openssl.hpp"

namespace carta::cli {

// The whole file; CliError(InvalidInput) if it cannot be read.
Bytes read_file(const std::string& path);
// Writes `data` to `path` (replacing it) or to stdout for "" / "-".
void write_output(const std::string& path, ByteView data);

// True if `data` looks like PEM (has a "-----BEGIN " line).
bool is_pem(ByteView data);

// Every certificate of a PEM file (any number of CERTIFICATE blocks), of
// concatenated DER certificates, or of a PKCS#7 bundle (.p7b, PEM or DER).
// CliError(InvalidInput) for anything corrupt or a file without a certificate.
std::vector<ossl::Certificate> read_certificates(ByteView data, const std::string& path);

std::string certificate_pem(ByteView der);

struct CertificateInfo {
    std::string subject;  // RFC 2253, UTF-8
    std::string issuer;
    std::string common_name;  // the subject's CN, "" if none
    std::string email;        // first rfc822Name of subjectAltName, else the subject's emailAddress
    std::string serial;       // hex
    std::string not_before;   // ISO 8601, UTC
    std::string not_after;
    std::string sha256;  // fingerprint of the DER, hex
    bool ca = false;     // basicConstraints CA:TRUE (or a v1 self-signed certificate)
};
CertificateInfo describe_certificate(X509* certificate);
CertificateInfo describe_certificate(ByteView der);
// The label a certificate gets when none is given: its CN, else its e-mail, else its subject.
std::string default_certificate_label(const CertificateInfo& info);

// "RSA-2048", "P-256", "EC secp521r1", "ED25519" ... of a public key.
std::string public_key_text(EVP_PKEY* key);
// The card's algorithm for a key of this type and size, nullopt when the card has none.
std::optional<card::KeyAlgorithm> card_key_algorithm(EVP_PKEY* key);

}  // namespace carta::cli
