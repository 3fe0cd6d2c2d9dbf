// The CLI's readers of the files an administrator hands it: certificates and
// chains (PEM, DER, PKCS#7 bundles), PKCS#10 requests and PKCS#12 files, and
// what the CLI then reads out of each (names, e-mail, key type). A file from a
// CA or a colleague is hostile input.
//
// Input: [kind] then the file: kind 0 certificates, 1 request, 2 PKCS#12
// (password "fuzz").
#include <openssl/x509.h>

#include <cstddef>
#include <cstdint>
#include <exception>

#include "certificates.hpp"
#include "file_readers.hpp"
#include "fuzz_input.hpp"

namespace carta::fuzz {
namespace {

void describe(X509* certificate) {
    if (certificate == nullptr) return;
    const auto info = cli::describe_certificate(certificate);
    (void)cli::default_certificate_label(info);
    if (EVP_PKEY* key = X509_get0_pubkey(certificate)) (void)cli::public_key_text(key);
}

void certificates(ByteView file) {
    for (const auto& certificate : cli::read_certificates(file, "fuzz.pem")) {
        describe(certificate.get());
        (void)cli::certificate_pem(ossl::certificate_der(certificate.get()));
    }
}

void request(ByteView file) {
    const auto request = cli::read_request(file, "fuzz.csr");
    if (EVP_PKEY* key = X509_REQ_get0_pubkey(request.get())) (void)cli::public_key_text(key);
}

void pkcs12(ByteView file) {
    const auto contents =
        cli::read_pkcs12(file, "fuzz.p12", [] { return SecretBytes(std::string_view("fuzz")); });
    describe(contents.certificate.get());
    if (contents.key) (void)cli::public_key_text(contents.key.get());
    const int chain = contents.chain ? sk_X509_num(contents.chain.get()) : 0;
    for (int i = 0; i < chain; ++i) describe(sk_X509_value(contents.chain.get(), i));
}

}  // namespace
}  // namespace carta::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace carta::fuzz;
    FuzzInput input(data, size);
    const auto kind = input.byte() % 3;
    try {
        if (kind == 0) certificates(input.rest());
        if (kind == 1) request(input.rest());
        if (kind == 2) pkcs12(input.rest());
    } catch (const std::exception&) {
        // CliError for a bad file: the CLI prints it and exits with status 5.
    }
    return 0;
}
