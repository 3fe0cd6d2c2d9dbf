#include "test_certificate.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <memory>

namespace carta::fuzz {
namespace {

template <auto Free>
struct Deleter {
    template <typename T>
    void operator()(T* p) const {
        Free(p);
    }
};
using Extension = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

void check(bool ok) {
    if (!ok) std::abort();  // a broken fuzzer setup, not a finding
}

void add_extension(X509* certificate, int nid, const char* value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
    Extension extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    check(extension && X509_add_ext(certificate, extension.get(), -1) == 1);
}

}  // namespace

TestIdentity make_test_identity() {
    TestIdentity identity;
    identity.key.reset(EVP_EC_gen("P-256"));
    check(identity.key != nullptr);
    identity.certificate.reset(X509_new());
    EVP_PKEY* key = identity.key.get();
    X509* certificate = identity.certificate.get();
    check(certificate != nullptr);
    check(X509_set_version(certificate, X509_VERSION_3) == 1);
    check(ASN1_INTEGER_set(X509_get_serialNumber(certificate), 0x1234) == 1);
    check(X509_gmtime_adj(X509_getm_notBefore(certificate), 0) != nullptr);
    check(X509_gmtime_adj(X509_getm_notAfter(certificate), 86400L * 365) != nullptr);
    X509_NAME* name = X509_get_subject_name(certificate);
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>("Jan Fuzz"), -1, -1, 0) == 1);
    check(X509_NAME_add_entry_by_txt(name, "emailAddress", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>("fuzz@example.com"), -1, -1,
                                     0) == 1);
    check(X509_set_issuer_name(certificate, name) == 1);
    check(X509_set_pubkey(certificate, key) == 1);
    add_extension(certificate, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(certificate, NID_subject_alt_name, "email:fuzz@example.com");
    add_extension(certificate, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    check(X509_sign(certificate, key, EVP_sha256()) > 0);
    return identity;
}

Bytes make_test_certificate() {
    const auto identity = make_test_identity();
    unsigned char* der = nullptr;
    const int length = i2d_X509(identity.certificate.get(), &der);
    check(length > 0);
    Bytes out(der, der + length);
    OPENSSL_free(der);
    return out;
}

}  // namespace carta::fuzz
