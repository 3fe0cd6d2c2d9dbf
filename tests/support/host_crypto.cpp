#include "support/host_crypto.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>

#include <stdexcept>

#include "carta/card/openssl.hpp"

namespace carta::test {

bool openssl_verifies(ByteView spki, const char* digest, ByteView data, ByteView signature, int padding,
                      int salt_length) {
    auto key = ossl::public_key_from_spki(spki);
    ossl::MdCtx ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    if (EVP_DigestVerifyInit_ex(ctx.get(), &pctx, digest, ossl::context(), nullptr, key.get(), nullptr) != 1)
        return false;
    if (padding != 0) EVP_PKEY_CTX_set_rsa_padding(pctx, padding);
    if (padding == RSA_PKCS1_PSS_PADDING) EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt_length);
    const bool ok =
        EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), data.data(), data.size()) == 1;
    ossl::last_error();
    return ok;
}

Bytes openssl_encrypt(ByteView spki, ByteView plaintext, bool oaep, const char* digest, ByteView label) {
    auto key = ossl::public_key_from_spki(spki);
    ossl::PKeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(ossl::context(), key.get(), nullptr));
    if (EVP_PKEY_encrypt_init(ctx.get()) != 1) throw std::runtime_error("encrypt init");
    if (oaep) {
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING);
        EVP_PKEY_CTX_set_rsa_oaep_md_name(ctx.get(), digest, nullptr);
        EVP_PKEY_CTX_set_rsa_mgf1_md_name(ctx.get(), digest, nullptr);
        if (!label.empty())
            EVP_PKEY_CTX_set0_rsa_oaep_label(ctx.get(), OPENSSL_memdup(label.data(), label.size()),
                                             static_cast<int>(label.size()));
    } else {
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING);
    }
    std::size_t length = 0;
    EVP_PKEY_encrypt(ctx.get(), nullptr, &length, plaintext.data(), plaintext.size());
    Bytes out(length);
    if (EVP_PKEY_encrypt(ctx.get(), out.data(), &length, plaintext.data(), plaintext.size()) != 1)
        throw std::runtime_error("encrypt");
    out.resize(length);
    return out;
}

Bytes der_ecdsa(ByteView raw) {
    const std::size_t half = raw.size() / 2;
    ECDSA_SIG* sig = ECDSA_SIG_new();
    ECDSA_SIG_set0(sig, BN_bin2bn(raw.data(), static_cast<int>(half), nullptr),
                   BN_bin2bn(raw.data() + half, static_cast<int>(half), nullptr));
    unsigned char* der = nullptr;
    const int length = i2d_ECDSA_SIG(sig, &der);
    Bytes out(der, der + length);
    OPENSSL_free(der);
    ECDSA_SIG_free(sig);
    return out;
}

}  // namespace carta::test
