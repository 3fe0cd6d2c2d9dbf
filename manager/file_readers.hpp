// Readers of the files the CLI is handed that are not certificates (those are in
// certificates.hpp): PKCS#10 requests and PKCS#12 files. Apart from the commands
// so that the fuzzers (fuzz/cli_readers.cpp) reach exactly the code the CLI runs.
#pragma once

#include <functional>
#include <string>

#include "carta/card/openssl.hpp"

namespace carta::cli {

// A PKCS#10 request, PEM or DER (nothing after the DER); CliError(InvalidInput) otherwise.
ossl::Request read_request(ByteView data, const std::string& path);

void free_certificates(STACK_OF(X509) * certificates);
using CertificateStack = std::unique_ptr<STACK_OF(X509), ossl::Deleter<free_certificates>>;

struct Pkcs12Contents {
    ossl::PKey key;                 // null if the file holds none
    ossl::Certificate certificate;  // null if the file holds none
    CertificateStack chain;         // the other certificates; may be null
};

// The contents of a PKCS#12 file. `password` is asked only once `data` is known
// to be PKCS#12, so that nobody types a password for the wrong file.
// CliError(InvalidInput) for anything else, a wrong password or a corrupt file.
Pkcs12Contents read_pkcs12(ByteView data, const std::string& path,
                           const std::function<SecretBytes()>& password);

}  // namespace carta::cli
