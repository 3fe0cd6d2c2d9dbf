#include "carta/card/openssl.hpp"

#include <openssl/err.h>
#include <openssl/provider.h>

#include <array>
#include <stdexcept>

#include "carta/card/errors.hpp"
#include "carta/card/key_encoding.hpp"

namespace carta::ossl {
namespace {

using Pkcs8 = std::unique_ptr<PKCS8_PRIV_KEY_INFO, Deleter<PKCS8_PRIV_KEY_INFO_free>>;

}  // namespace

OSSL_LIB_CTX* context() {
    // Created once and kept for the life of the process: providers cannot be
    // unloaded safely while another thread may still be using them.
    static OSSL_LIB_CTX* const ctx = [] {
        OSSL_LIB_CTX* created = OSSL_LIB_CTX_new();
        if (created == nullptr || OSSL_PROVIDER_load(created, "default") == nullptr)
            throw std::runtime_error("OpenSSL: cannot create carta's library context");
        return created;
    }();
    return ctx;
}

std::string last_error() {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) return "unknown OpenSSL error";
    std::array<char, 256> text{};
    ERR_error_string_n(code, text.data(), text.size());
    return text.data();
}

void fail(const std::string& what) {
    throw std::runtime_error(what + ": " + last_error());
}

Md fetch_digest(card::HashAlgorithm hash) {
    Md md(EVP_MD_fetch(context(), std::string(card::hash_name(hash)).c_str(), nullptr));
    if (!md) fail("fetching a digest");
    return md;
}

Bytes digest(card::HashAlgorithm hash, ByteView data) {
    auto md = fetch_digest(hash);
    Bytes out(static_cast<std::size_t>(EVP_MD_get_size(md.get())));
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &length, md.get(), nullptr) != 1) fail("digest");
    out.resize(length);
    return out;
}

PKey public_key_from_template(card::KeyAlgorithm algorithm, ByteView template_7f49) {
    return public_key_from_spki(card::spki_from_template(algorithm, template_7f49));
}

Bytes spki_der(EVP_PKEY* key) {
    return der_of<i2d_PUBKEY>(key, "encoding a public key");
}

PKey public_key_from_spki(ByteView spki) {
    const unsigned char* p = spki.data();
    PKey key(d2i_PUBKEY_ex(nullptr, &p, static_cast<long>(spki.size()), context(), nullptr));
    if (!key || p != spki.data() + spki.size()) throw std::invalid_argument("malformed public key");
    return key;
}

Certificate parse_certificate_der(ByteView der) {
    if (der.empty()) throw std::invalid_argument("not a DER X.509 certificate: empty");
    Certificate cert(X509_new_ex(context(), nullptr));
    if (!cert) fail("X509_new_ex");
    const unsigned char* p = der.data();
    X509* raw = cert.get();
    if (d2i_X509(&raw, &p, static_cast<long>(der.size())) == nullptr) {
        ERR_clear_error();
        cert.release();  // d2i_X509 frees *raw on failure
        throw std::invalid_argument("not a DER X.509 certificate");
    }
    if (p != der.data() + der.size()) throw std::invalid_argument("trailing bytes after the DER certificate");
    return cert;
}

Bytes certificate_der(X509* certificate) {
    return der_of<i2d_X509>(certificate, "encoding a certificate");
}

Bytes certificate_spki(X509* certificate) {
    return der_of<i2d_X509_PUBKEY>(X509_get_X509_PUBKEY(certificate), "reading a certificate's public key");
}

Bytes digest_info(card::HashAlgorithm hash, ByteView hash_value) {
    return card::digest_info(hash, hash_value);
}

SecretBytes pkcs8_private_key(ByteView der) {
    const unsigned char* p = der.data();
    PKey key(d2i_AutoPrivateKey_ex(nullptr, &p, static_cast<long>(der.size()), context(), nullptr));
    if (!key) {
        ERR_clear_error();
        throw card::CardError(card::ErrorKind::InvalidData, "not a private key (PKCS#8 DER)");
    }
    Pkcs8 info(EVP_PKEY2PKCS8(key.get()));
    unsigned char* encoded = nullptr;
    const int length = info ? i2d_PKCS8_PRIV_KEY_INFO(info.get(), &encoded) : -1;
    if (length <= 0)
        throw card::CardError(card::ErrorKind::InvalidData, "the private key cannot be encoded as PKCS#8");
    SecretBytes out(ByteView(encoded, static_cast<std::size_t>(length)));
    OPENSSL_clear_free(encoded, static_cast<std::size_t>(length));
    return out;
}

}  // namespace carta::ossl
