#include "ossl.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <stdexcept>
#include <string>

namespace carta::bench {

namespace {

struct CtxFree {
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using Ctx = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;

void configure(EVP_PKEY_CTX* ctx, SignMechanism mechanism) {
    if (EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) != 1) openssl_fail("EVP_PKEY_CTX_set_signature_md");
    if (mechanism == SignMechanism::Pkcs1Sha256) {
        if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1) openssl_fail("PKCS#1 padding");
    } else {
        if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) != 1 ||
            EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) != 1 ||
            EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, 32) != 1)
            openssl_fail("PSS parameters");
    }
}

Bytes sha256(const Bytes& data) {
    Bytes digest(32);
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
        openssl_fail("EVP_Digest");
    return digest;
}

}  // namespace

void openssl_fail(const char* what) {
    std::string message = std::string("OpenSSL: ") + what;
    char buffer[256];
    while (const unsigned long e = ERR_get_error()) {
        ERR_error_string_n(e, buffer, sizeof buffer);
        message += std::string("; ") + buffer;
    }
    throw std::runtime_error(message);
}

Pkey generate_rsa(unsigned bits) {
    Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)));
    if (!key) openssl_fail("RSA key generation");
    return key;
}

Pkey rsa_public_key(const Bytes& modulus, const Bytes& exponent) {
    OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
    BIGNUM* n = BN_bin2bn(modulus.data(), static_cast<int>(modulus.size()), nullptr);
    BIGNUM* e = BN_bin2bn(exponent.data(), static_cast<int>(exponent.size()), nullptr);
    OSSL_PARAM* params = nullptr;
    EVP_PKEY* key = nullptr;
    Ctx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    const bool ok = build != nullptr && n != nullptr && e != nullptr && ctx &&
                    OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_N, n) == 1 &&
                    OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_E, e) == 1 &&
                    (params = OSSL_PARAM_BLD_to_param(build)) != nullptr &&
                    EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
                    EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(build);
    BN_free(n);
    BN_free(e);
    if (!ok) openssl_fail("RSA public key from modulus and exponent");
    return Pkey(key);
}

OpensslSigner::OpensslSigner(EVP_PKEY* key, SignMechanism mechanism) {
    ctx_ = EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr);
    if (ctx_ == nullptr || EVP_PKEY_sign_init(ctx_) != 1) openssl_fail("EVP_PKEY_sign_init");
    configure(ctx_, mechanism);
}

OpensslSigner::~OpensslSigner() {
    EVP_PKEY_CTX_free(ctx_);
}

Bytes OpensslSigner::sign(const Bytes& data) {
    const Bytes digest = sha256(data);
    size_t length = 0;
    if (EVP_PKEY_sign(ctx_, nullptr, &length, digest.data(), digest.size()) != 1)
        openssl_fail("EVP_PKEY_sign");
    Bytes signature(length);
    if (EVP_PKEY_sign(ctx_, signature.data(), &length, digest.data(), digest.size()) != 1)
        openssl_fail("EVP_PKEY_sign");
    signature.resize(length);
    return signature;
}

bool verify(EVP_PKEY* key, SignMechanism mechanism, const Bytes& data, const Bytes& signature) {
    Ctx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) openssl_fail("EVP_PKEY_verify_init");
    configure(ctx.get(), mechanism);
    const Bytes digest = sha256(data);
    const int ok =
        EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), digest.data(), digest.size());
    ERR_clear_error();
    return ok == 1;
}

Bytes encrypt_pkcs1(EVP_PKEY* key, const Bytes& plaintext) {
    Ctx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1)
        openssl_fail("EVP_PKEY_encrypt_init");
    std::size_t length = 0;
    if (EVP_PKEY_encrypt(ctx.get(), nullptr, &length, plaintext.data(), plaintext.size()) != 1)
        openssl_fail("EVP_PKEY_encrypt");
    Bytes out(length);
    if (EVP_PKEY_encrypt(ctx.get(), out.data(), &length, plaintext.data(), plaintext.size()) != 1)
        openssl_fail("EVP_PKEY_encrypt");
    out.resize(length);
    return out;
}

}  // namespace carta::bench
