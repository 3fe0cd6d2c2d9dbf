#include "file_readers.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include "certificates.hpp"
#include "errors.hpp"

namespace carta::cli {
namespace {

using Pkcs12 = std::unique_ptr<PKCS12, ossl::Deleter<PKCS12_free>>;

}  // namespace

ossl::Request read_request(ByteView data, const std::string& path) {
    ossl::Request request(X509_REQ_new_ex(ossl::context(), nullptr));
    if (!request) ossl::fail("X509_REQ_new_ex");
    X509_REQ* raw = request.get();
    ERR_clear_error();
    bool parsed = false;
    if (is_pem(data)) {
        ossl::Bio bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
        parsed = bio && PEM_read_bio_X509_REQ(bio.get(), &raw, nullptr, nullptr) != nullptr;
    } else {
        const unsigned char* p = data.data();
        parsed = !data.empty() && d2i_X509_REQ(&raw, &p, static_cast<long>(data.size())) != nullptr &&
                 p == data.data() + data.size();
    }
    if (!parsed) {
        if (raw == nullptr) request.release();  // the decoder freed it
        const std::string detail = ossl::last_error();
        throw CliError(Exit::InvalidInput, path + ": not a PKCS#10 certificate request (" + detail + ")");
    }
    return request;
}

void free_certificates(STACK_OF(X509) * certificates) {
    sk_X509_pop_free(certificates, X509_free);
}

Pkcs12Contents read_pkcs12(ByteView data, const std::string& path,
                           const std::function<SecretBytes()>& password_of) {
    const unsigned char* p = data.data();
    Pkcs12 p12(d2i_PKCS12(nullptr, &p, static_cast<long>(data.size())));
    if (!p12) {
        ERR_clear_error();
        throw CliError(Exit::InvalidInput, path + ": not a PKCS#12 (.p12/.pfx) file");
    }
    const auto password = password_of();
    Bytes terminated(password.data(), password.data() + password.size());
    terminated.push_back(0);
    SecretBytes secret(std::move(terminated));
    const char* text = reinterpret_cast<const char*>(secret.data());
    const int length = static_cast<int>(password.size());
    if (PKCS12_mac_present(p12.get()) && PKCS12_verify_mac(p12.get(), text, length) != 1) {
        ERR_clear_error();
        throw CliError(Exit::InvalidInput, "wrong password for " + path);
    }
    EVP_PKEY* key = nullptr;
    X509* certificate = nullptr;
    STACK_OF(X509)* chain = nullptr;
    // OpenSSL 3.0 decrypts a parsed PKCS#12 file in the default library context:
    // there is no way to hand it carta's.
    if (PKCS12_parse(p12.get(), text, &key, &certificate, &chain) != 1)
        throw CliError(Exit::InvalidInput,
                       path + ": cannot read the PKCS#12 file (" + ossl::last_error() + ")");
    return {ossl::PKey(key), ossl::Certificate(certificate), CertificateStack(chain)};
}

}  // namespace carta::cli
