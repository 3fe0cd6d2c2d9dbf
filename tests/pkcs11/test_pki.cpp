#include "test_pki.hpp"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace carta::pkcs11::test {
namespace {

void check(int ok, const char* what) {
    if (ok <= 0) throw std::runtime_error(std::string("test PKI: ") + what + ": " + ossl::last_error());
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    check(ext != nullptr, "extension");
    check(X509_add_ext(cert, ext, -1), "add extension");
    X509_EXTENSION_free(ext);
}

ossl::Certificate new_certificate(const std::string& common_name, long serial) {
    ossl::Certificate cert(X509_new_ex(ossl::context(), nullptr));
    check(cert != nullptr, "X509_new_ex");
    check(X509_set_version(cert.get(), X509_VERSION_3), "version");
    check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial), "serial");
    X509_NAME* name = X509_get_subject_name(cert.get());
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0),
          "subject");
    check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr, "notBefore");
    check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * 365) != nullptr, "notAfter");
    return cert;
}

}  // namespace

TestCa make_ca(const std::string& common_name) {
    TestCa ca;
    ca.key.reset(EVP_PKEY_Q_keygen(ossl::context(), nullptr, "RSA", static_cast<size_t>(2048)));
    check(ca.key != nullptr, "CA key");
    ca.certificate = new_certificate(common_name, 1);
    X509* cert = ca.certificate.get();
    check(X509_set_issuer_name(cert, X509_get_subject_name(cert)), "issuer");
    check(X509_set_pubkey(cert, ca.key.get()), "public key");
    add_extension(cert, cert, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(cert, cert, NID_subject_key_identifier, "hash");
    check(X509_sign(cert, ca.key.get(), EVP_sha256()), "sign CA");
    return ca;
}

Bytes issue_certificate(const TestCa& ca, ByteView spki, const std::string& common_name,
                        const std::string& email) {
    static long serial = 100;
    auto cert = new_certificate(common_name, ++serial);
    X509_NAME* name = X509_get_subject_name(cert.get());
    check(X509_NAME_add_entry_by_txt(name, "emailAddress", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>(email.c_str()), -1, -1, 0),
          "email");
    check(X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.certificate.get())), "issuer");
    auto key = ossl::public_key_from_spki(spki);
    check(X509_set_pubkey(cert.get(), key.get()), "public key");
    const bool rsa = EVP_PKEY_is_a(key.get(), "RSA");
    add_extension(cert.get(), ca.certificate.get(), NID_basic_constraints, "CA:FALSE");
    add_extension(cert.get(), ca.certificate.get(), NID_key_usage,
                  rsa ? "critical,digitalSignature,nonRepudiation,keyEncipherment"
                      : "critical,digitalSignature,nonRepudiation");
    add_extension(cert.get(), ca.certificate.get(), NID_ext_key_usage, "emailProtection");
    add_extension(cert.get(), ca.certificate.get(), NID_subject_alt_name, ("email:" + email).c_str());
    add_extension(cert.get(), ca.certificate.get(), NID_authority_key_identifier, "keyid");
    check(X509_sign(cert.get(), ca.key.get(), EVP_sha256()), "sign");
    return der_of_certificate(cert.get());
}

std::string pem_of_certificate(X509* certificate) {
    ossl::Bio bio(BIO_new(BIO_s_mem()));
    check(PEM_write_bio_X509(bio.get(), certificate), "PEM");
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(length));
}

std::string pem_of_private_key(EVP_PKEY* key) {
    ossl::Bio bio(BIO_new(BIO_s_mem()));
    check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr), "PEM");
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(length));
}

Bytes der_of_certificate(X509* certificate) {
    return ossl::certificate_der(certificate);
}

}  // namespace carta::pkcs11::test
