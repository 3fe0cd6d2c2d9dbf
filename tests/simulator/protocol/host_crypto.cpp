#include "host_crypto.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <stdexcept>

#include "carta/apdu/tlv.hpp"

namespace carta::sim::testing {

namespace {

struct Free {
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
    void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
    void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
    void operator()(BIGNUM* p) const { BN_free(p); }
    void operator()(X509* p) const { X509_free(p); }
    void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
    void operator()(PKCS8_PRIV_KEY_INFO* p) const { PKCS8_PRIV_KEY_INFO_free(p); }
};
template <typename T>
using Ptr = std::unique_ptr<T, Free>;

void check(bool ok, const std::string& what) {
    if (!ok) {
        char text[256] = "";
        ERR_error_string_n(ERR_get_error(), text, sizeof text);
        throw std::runtime_error(what + ": " + text);
    }
}

Ptr<EVP_PKEY_CTX> context(EVP_PKEY* key) {
    Ptr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    check(ctx != nullptr, "EVP_PKEY_CTX_new_from_pkey");
    return ctx;
}

// The encryption itself, once the padding is set on `ctx`.
Bytes encrypt_with(EVP_PKEY_CTX* ctx, ByteView plaintext) {
    std::size_t length = 0;
    EVP_PKEY_encrypt(ctx, nullptr, &length, plaintext.data(), plaintext.size());
    Bytes out(length);
    check(EVP_PKEY_encrypt(ctx, out.data(), &length, plaintext.data(), plaintext.size()) == 1,
          "encrypt");
    out.resize(length);
    return out;
}

}  // namespace

Pkey generate_key(const std::string& algorithm) {
    EVP_PKEY* key = nullptr;
    if (algorithm.rfind("RSA-", 0) == 0)
        key = EVP_RSA_gen(static_cast<unsigned>(std::stoi(algorithm.substr(4))));
    else
        key = EVP_EC_gen(algorithm.c_str());
    check(key != nullptr, "generating " + algorithm);
    return Pkey(key);
}

Bytes pkcs8_of(EVP_PKEY* key) {
    Ptr<PKCS8_PRIV_KEY_INFO> info(EVP_PKEY2PKCS8(key));
    check(info != nullptr, "EVP_PKEY2PKCS8");
    const int length = i2d_PKCS8_PRIV_KEY_INFO(info.get(), nullptr);
    Bytes der(static_cast<std::size_t>(length));
    unsigned char* out = der.data();
    i2d_PKCS8_PRIV_KEY_INFO(info.get(), &out);
    return der;
}

Pkey public_key_from_template(ByteView template_7f49) {
    const auto outer = tlv::require(template_7f49, 0x7F49);
    Ptr<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
    const char* type = nullptr;
    Ptr<BIGNUM> n, e;
    if (const auto modulus = tlv::find(outer.value, 0x81)) {
        type = "RSA";
        const auto exponent = tlv::require(outer.value, 0x82);
        n.reset(BN_bin2bn(modulus->value.data(), static_cast<int>(modulus->value.size()), nullptr));
        e.reset(BN_bin2bn(exponent.value.data(), static_cast<int>(exponent.value.size()), nullptr));
        OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get());
        OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get());
    } else {
        type = "EC";
        const auto point = tlv::require(outer.value, 0x86);
        const auto oid = tlv::require(outer.value, 0x06);
        const Bytes p256 = from_hex("2A8648CE3D030107");
        const Bytes p384 = from_hex("2B81040022");
        const Bytes curve(oid.value.begin(), oid.value.end());
        const char* group = curve == p256 ? "P-256" : curve == p384 ? "P-384" : nullptr;
        check(group != nullptr, "unknown curve OID in 7F49");
        OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
        OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.value.data(),
                                         point.value.size());
    }
    Ptr<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(builder.get()));
    Ptr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* key = nullptr;
    check(ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
              EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) == 1,
          "EVP_PKEY_fromdata");
    return Pkey(key);
}

bool same_public_key(EVP_PKEY* a, EVP_PKEY* b) {
    return EVP_PKEY_eq(a, b) == 1;
}

Bytes make_certificate(EVP_PKEY* subject, EVP_PKEY* issuer, const std::string& common_name) {
    Ptr<X509> certificate(X509_new());
    X509_set_version(certificate.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 4711);
    X509_gmtime_adj(X509_getm_notBefore(certificate.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 3600L * 24 * 365);
    X509_NAME* name = X509_get_subject_name(certificate.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
    X509_NAME* issuer_name = X509_NAME_new();
    X509_NAME_add_entry_by_txt(issuer_name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("carta test CA"), -1, -1, 0);
    X509_set_issuer_name(certificate.get(), issuer_name);
    X509_NAME_free(issuer_name);
    check(X509_set_pubkey(certificate.get(), subject) == 1, "X509_set_pubkey");
    check(X509_sign(certificate.get(), issuer, EVP_sha256()) > 0, "X509_sign");
    const int length = i2d_X509(certificate.get(), nullptr);
    Bytes der(static_cast<std::size_t>(length));
    unsigned char* out = der.data();
    i2d_X509(certificate.get(), &out);
    return der;
}

Bytes digest(const std::string& md, ByteView data) {
    Bytes out(EVP_MAX_MD_SIZE);
    unsigned int length = 0;
    check(EVP_Digest(data.data(), data.size(), out.data(), &length, EVP_get_digestbyname(md.c_str()),
                     nullptr) == 1,
          "EVP_Digest");
    out.resize(length);
    return out;
}

Bytes sha256_digest_info(ByteView hash) {
    Bytes info = from_hex("3031300D060960864801650304020105000420");
    info.insert(info.end(), hash.begin(), hash.end());
    return info;
}

bool verify_pkcs1(EVP_PKEY* key, const std::string& md, ByteView hash, ByteView signature) {
    auto ctx = context(key);
    EVP_PKEY_verify_init(ctx.get());
    EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING);
    EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_get_digestbyname(md.c_str()));
    const bool ok =
        EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), hash.data(), hash.size()) == 1;
    ERR_clear_error();
    return ok;
}

bool verify_pkcs1_raw(EVP_PKEY* key, ByteView data, ByteView signature) {
    auto ctx = context(key);
    EVP_PKEY_verify_recover_init(ctx.get());
    EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING);
    Bytes recovered(static_cast<std::size_t>(EVP_PKEY_get_size(key)));
    std::size_t length = recovered.size();
    if (EVP_PKEY_verify_recover(ctx.get(), recovered.data(), &length, signature.data(), signature.size()) !=
        1) {
        ERR_clear_error();
        return false;
    }
    recovered.resize(length);
    return recovered == Bytes(data.begin(), data.end());
}

bool verify_pss(EVP_PKEY* key, const std::string& md, const std::string& mgf1_md, int salt_length,
                ByteView hash, ByteView signature) {
    auto ctx = context(key);
    EVP_PKEY_verify_init(ctx.get());
    EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_get_digestbyname(md.c_str()));
    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_get_digestbyname(mgf1_md.c_str()));
    EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), salt_length);
    const bool ok =
        EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), hash.data(), hash.size()) == 1;
    ERR_clear_error();
    return ok;
}

bool verify_ecdsa(EVP_PKEY* key, ByteView hash, ByteView raw_signature) {
    const std::size_t half = raw_signature.size() / 2;
    Ptr<ECDSA_SIG> signature(ECDSA_SIG_new());
    ECDSA_SIG_set0(signature.get(), BN_bin2bn(raw_signature.data(), static_cast<int>(half), nullptr),
                   BN_bin2bn(raw_signature.data() + half, static_cast<int>(half), nullptr));
    unsigned char* der = nullptr;
    const int der_length = i2d_ECDSA_SIG(signature.get(), &der);
    auto ctx = context(key);
    EVP_PKEY_verify_init(ctx.get());
    const bool ok =
        EVP_PKEY_verify(ctx.get(), der, static_cast<std::size_t>(der_length), hash.data(), hash.size()) == 1;
    OPENSSL_free(der);
    ERR_clear_error();
    return ok;
}

Bytes encrypt_pkcs1(EVP_PKEY* key, ByteView plaintext) {
    auto ctx = context(key);
    EVP_PKEY_encrypt_init(ctx.get());
    EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING);
    return encrypt_with(ctx.get(), plaintext);
}

Bytes encrypt_oaep(EVP_PKEY* key, const std::string& md, const std::string& mgf1_md, ByteView label,
                   ByteView plaintext) {
    auto ctx = context(key);
    EVP_PKEY_encrypt_init(ctx.get());
    EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING);
    EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), EVP_get_digestbyname(md.c_str()));
    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_get_digestbyname(mgf1_md.c_str()));
    if (!label.empty()) {
        void* copy = OPENSSL_memdup(label.data(), label.size());
        EVP_PKEY_CTX_set0_rsa_oaep_label(ctx.get(), copy, static_cast<int>(label.size()));
    }
    return encrypt_with(ctx.get(), plaintext);
}

}  // namespace carta::sim::testing
