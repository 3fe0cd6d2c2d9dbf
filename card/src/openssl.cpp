#include "carta/card/openssl.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/provider.h>

#include <array>
#include <mutex>
#include <stdexcept>

#include "carta/apdu/tlv.hpp"

namespace carta::ossl {
namespace {

using Bignum = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using ParamBuild = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM_free>>;

Bignum to_bignum(ByteView bytes) {
    Bignum bn(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
    if (!bn) fail("BN_bin2bn");
    return bn;
}

PKey key_from_params(const char* type, OSSL_PARAM* params) {
    PKeyCtx ctx(EVP_PKEY_CTX_new_from_name(context(), type, nullptr));
    EVP_PKEY* key = nullptr;
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
        EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
        fail(std::string("building a ") + type + " public key");
    return PKey(key);
}

PKey rsa_public_key(ByteView template_7f49) {
    const auto modulus = tlv::require(template_7f49, 0x81).value;
    const auto exponent = tlv::require(template_7f49, 0x82).value;
    auto n = to_bignum(modulus);
    auto e = to_bignum(exponent);
    ParamBuild build(OSSL_PARAM_BLD_new());
    if (!build || !OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
        !OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, e.get()))
        fail("RSA parameters");
    Params params(OSSL_PARAM_BLD_to_param(build.get()));
    if (!params) fail("RSA parameters");
    // By OID, not "RSA": a name with a legacy NID makes OpenSSL look for an ENGINE
    // (e.g. libp11 loaded by `openssl -engine pkcs11`), even in our library context.
    return key_from_params("1.2.840.113549.1.1.1", params.get());
}

PKey ec_public_key(const char* group, ByteView template_7f49) {
    const auto point = tlv::require(template_7f49, 0x86).value;
    ParamBuild build(OSSL_PARAM_BLD_new());
    if (!build || !OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) ||
        !OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()))
        fail("EC parameters");
    Params params(OSSL_PARAM_BLD_to_param(build.get()));
    if (!params) fail("EC parameters");
    return key_from_params("1.2.840.10045.2.1", params.get());  // id-ecPublicKey, see above
}

// DER prefixes of DigestInfo for each hash (RFC 8017 §9.2, note 1).
struct DigestInfoPrefix {
    card::HashAlgorithm hash;
    std::array<std::uint8_t, 19> prefix;
    std::size_t length;
};
const std::array<DigestInfoPrefix, 5> kDigestInfoPrefixes{{
    {card::HashAlgorithm::Sha1,
     {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14},
     15},
    {card::HashAlgorithm::Sha224,
     {0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00,
      0x04, 0x1c},
     19},
    {card::HashAlgorithm::Sha256,
     {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
      0x04, 0x20},
     19},
    {card::HashAlgorithm::Sha384,
     {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00,
      0x04, 0x30},
     19},
    {card::HashAlgorithm::Sha512,
     {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00,
      0x04, 0x40},
     19},
}};

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
    // Accept the template with or without its 7F49 wrapper.
    ByteView content = template_7f49;
    if (auto outer = tlv::find(template_7f49, 0x7F49)) content = outer->value;
    switch (algorithm) {
        case card::KeyAlgorithm::Rsa2048:
        case card::KeyAlgorithm::Rsa3072:
        case card::KeyAlgorithm::Rsa4096:
            return rsa_public_key(content);
        case card::KeyAlgorithm::P256:
            return ec_public_key("prime256v1", content);
        case card::KeyAlgorithm::P384:
            return ec_public_key("secp384r1", content);
    }
    throw std::invalid_argument("unknown key algorithm");
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
    for (const auto& entry : kDigestInfoPrefixes) {
        if (entry.hash != hash) continue;
        if (hash_value.size() != card::hash_length(hash))
            throw std::invalid_argument("hash of the wrong length");
        Bytes out(entry.prefix.begin(), entry.prefix.begin() + static_cast<std::ptrdiff_t>(entry.length));
        out.insert(out.end(), hash_value.begin(), hash_value.end());
        return out;
    }
    throw std::invalid_argument("unknown hash algorithm");
}

}  // namespace carta::ossl
