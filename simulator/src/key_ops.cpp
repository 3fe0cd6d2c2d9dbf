// Key generation, import and the private-key operations, on OpenSSL 3's EVP API.
#include "carta/sim/key_ops.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include <cstring>
#include <map>
#include <mutex>
#include <tuple>

#include "carta/apdu/tlv.hpp"
#include "ossl.hpp"

namespace carta::sim {

namespace {

using ossl::Ptr;

constexpr std::uint8_t kOidP256[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
constexpr std::uint8_t kOidP384[] = {0x2B, 0x81, 0x04, 0x00, 0x22};

const char* md_name(HashId hash) {
    switch (hash) {
        case HashId::sha1:
            return "SHA1";
        case HashId::sha224:
            return "SHA224";
        case HashId::sha256:
            return "SHA256";
        case HashId::sha384:
            return "SHA384";
        case HashId::sha512:
            return "SHA512";
    }
    return "SHA256";
}

Ptr<EVP_MD> fetch_md(HashId hash) {
    Ptr<EVP_MD> md(EVP_MD_fetch(ossl::library(), md_name(hash), nullptr));
    if (!md) ossl::fail(std::string("fetching ") + md_name(hash));
    return md;
}

void check(int result, const char* what) {
    if (result <= 0) ossl::fail(what);
}

std::optional<KeyAlgorithm> classify(EVP_PKEY* key) {
    if (EVP_PKEY_is_a(key, "RSA")) {
        switch (EVP_PKEY_get_bits(key)) {
            case 2048:
                return KeyAlgorithm::rsa2048;
            case 3072:
                return KeyAlgorithm::rsa3072;
            case 4096:
                return KeyAlgorithm::rsa4096;
            default:
                return std::nullopt;
        }
    }
    if (EVP_PKEY_is_a(key, "EC")) {
        char group[64] = {};
        std::size_t length = 0;
        if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &length) !=
            1) {
            ERR_clear_error();  // explicit curve parameters: no name, not supported
            return std::nullopt;
        }
        const std::string name(group, length);
        if (name == "prime256v1" || name == "P-256") return KeyAlgorithm::p256;
        if (name == "secp384r1" || name == "P-384") return KeyAlgorithm::p384;
    }
    return std::nullopt;
}

// A BIGNUM parameter as big-endian bytes, left-padded to `width` (0: minimal).
Bytes bn_param(EVP_PKEY* key, const char* name, std::size_t width) {
    BIGNUM* raw = nullptr;
    check(EVP_PKEY_get_bn_param(key, name, &raw), name);
    Ptr<BIGNUM> value(raw);
    const std::size_t size = width != 0 ? width : static_cast<std::size_t>(BN_num_bytes(value.get()));
    Bytes out(size);
    if (BN_bn2binpad(value.get(), out.data(), static_cast<int>(size)) < 0) ossl::fail(name);
    return out;
}

// The 7F49 template of any key with a supported algorithm.
std::optional<Bytes> template_of(EVP_PKEY* key) {
    const auto algorithm = classify(key);
    if (!algorithm) return std::nullopt;
    const std::size_t size = (static_cast<std::size_t>(info(*algorithm).bits) + 7) / 8;
    tlv::TlvWriter writer;
    writer.begin(0x7F49);
    if (info(*algorithm).is_rsa) {
        writer.add(0x81, bn_param(key, OSSL_PKEY_PARAM_RSA_N, size));
        writer.add(0x82, bn_param(key, OSSL_PKEY_PARAM_RSA_E, 0));
    } else {
        // From the affine coordinates, so that a key decoded from a compressed
        // point (a certificate may hold one) still compares equal.
        Bytes point{0x04};
        const Bytes x = bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, size);
        const Bytes y = bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, size);
        point.insert(point.end(), x.begin(), x.end());
        point.insert(point.end(), y.begin(), y.end());
        writer.add(0x86, point);
        if (*algorithm == KeyAlgorithm::p256)
            writer.add(0x06, ByteView(kOidP256));
        else
            writer.add(0x06, ByteView(kOidP384));
    }
    writer.end();
    return writer.finish();
}

SecretBytes encode_pkcs8(EVP_PKEY* key) {
    Ptr<PKCS8_PRIV_KEY_INFO> info(EVP_PKEY2PKCS8(key));
    if (!info) ossl::fail("EVP_PKEY2PKCS8");
    const int length = i2d_PKCS8_PRIV_KEY_INFO(info.get(), nullptr);
    if (length <= 0) ossl::fail("i2d_PKCS8_PRIV_KEY_INFO");
    Bytes der(static_cast<std::size_t>(length));
    unsigned char* out = der.data();
    if (i2d_PKCS8_PRIV_KEY_INFO(info.get(), &out) != length) ossl::fail("i2d_PKCS8_PRIV_KEY_INFO");
    return SecretBytes(std::move(der));
}

Ptr<EVP_PKEY_CTX> context_for(EVP_PKEY* key) {
    Ptr<EVP_PKEY_CTX> context(EVP_PKEY_CTX_new_from_pkey(ossl::library(), key, nullptr));
    if (!context) ossl::fail("EVP_PKEY_CTX_new_from_pkey");
    return context;
}

// ECDSA-Sig-Value (DER) to r||s, each `size` bytes (docs §7, alg 44).
Bytes ecdsa_der_to_raw(const Bytes& der, std::size_t size) {
    const unsigned char* in = der.data();
    Ptr<ECDSA_SIG> signature(d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der.size())));
    if (!signature) ossl::fail("d2i_ECDSA_SIG");
    Bytes out(2 * size);
    if (BN_bn2binpad(ECDSA_SIG_get0_r(signature.get()), out.data(), static_cast<int>(size)) < 0 ||
        BN_bn2binpad(ECDSA_SIG_get0_s(signature.get()), out.data() + size, static_cast<int>(size)) < 0)
        ossl::fail("ECDSA r||s");
    return out;
}

}  // namespace

std::optional<HashId> hash_from_id(std::uint8_t id) {
    if (id >= 1 && id <= 5) return static_cast<HashId>(id);
    return std::nullopt;
}

std::optional<HashId> hash_from_length(std::size_t length) {
    switch (length) {
        case 20:
            return HashId::sha1;
        case 28:
            return HashId::sha224;
        case 32:
            return HashId::sha256;
        case 48:
            return HashId::sha384;
        case 64:
            return HashId::sha512;
        default:
            return std::nullopt;
    }
}

std::size_t hash_length(HashId hash) {
    switch (hash) {
        case HashId::sha1:
            return 20;
        case HashId::sha224:
            return 28;
        case HashId::sha256:
            return 32;
        case HashId::sha384:
            return 48;
        case HashId::sha512:
            return 64;
    }
    return 0;
}

void AsymmetricKey::Free::operator()(evp_pkey_st* key) const {
    EVP_PKEY_free(key);
}

struct AsymmetricKey::SignContexts {
    std::mutex mutex;  // a context signs for one caller at a time
    std::map<std::tuple<int, int, int, int>, Ptr<EVP_PKEY_CTX>> by_scheme;
};

AsymmetricKey::AsymmetricKey(std::unique_ptr<evp_pkey_st, Free> key, KeyAlgorithm algorithm)
    : key_(std::move(key)), algorithm_(algorithm), sign_contexts_(std::make_unique<SignContexts>()) {
    size_bytes_ = (static_cast<std::size_t>(info(algorithm).bits) + 7) / 8;
    pkcs8_ = encode_pkcs8(key_.get());
    public_template_ = *template_of(key_.get());
}

AsymmetricKey::~AsymmetricKey() = default;

std::shared_ptr<const AsymmetricKey> AsymmetricKey::generate(KeyAlgorithm algorithm) {
    const AlgorithmInfo& about = info(algorithm);
    Ptr<EVP_PKEY_CTX> context(
        EVP_PKEY_CTX_new_from_name(ossl::library(), about.is_rsa ? "RSA" : "EC", nullptr));
    if (!context) ossl::fail("EVP_PKEY_CTX_new_from_name");
    check(EVP_PKEY_keygen_init(context.get()), "EVP_PKEY_keygen_init");
    if (about.is_rsa)
        check(EVP_PKEY_CTX_set_rsa_keygen_bits(context.get(), about.bits), "RSA key size");
    else
        check(EVP_PKEY_CTX_set_group_name(context.get(), algorithm == KeyAlgorithm::p256 ? "P-256" : "P-384"),
              "EC group");
    EVP_PKEY* raw = nullptr;
    check(EVP_PKEY_generate(context.get(), &raw), "EVP_PKEY_generate");
    std::unique_ptr<evp_pkey_st, Free> key(raw);
    return std::shared_ptr<const AsymmetricKey>(new AsymmetricKey(std::move(key), algorithm));
}

std::shared_ptr<const AsymmetricKey> AsymmetricKey::from_pkcs8(ByteView der, bool check_pair) {
    const unsigned char* in = der.data();
    Ptr<PKCS8_PRIV_KEY_INFO> p8(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &in, static_cast<long>(der.size())));
    if (!p8 || in != der.data() + der.size()) {
        ERR_clear_error();
        throw KeyFormatError("not a DER PKCS#8 PrivateKeyInfo");
    }
    std::unique_ptr<evp_pkey_st, Free> key(EVP_PKCS82PKEY_ex(p8.get(), ossl::library(), nullptr));
    if (!key) {
        ERR_clear_error();
        throw KeyFormatError("PKCS#8 holds no usable private key");
    }
    const auto algorithm = classify(key.get());
    if (!algorithm) throw KeyFormatError("not an RSA-2048/3072/4096 or EC P-256/P-384 key");
    if (check_pair) {
        auto context = context_for(key.get());
        if (EVP_PKEY_pairwise_check(context.get()) != 1) {
            ERR_clear_error();
            throw KeyFormatError("the private and public parts of the key do not match");
        }
    }
    return std::shared_ptr<const AsymmetricKey>(new AsymmetricKey(std::move(key), *algorithm));
}

namespace {

Ptr<EVP_PKEY_CTX> signing_context(EVP_PKEY* key, const SignatureScheme& scheme) {
    auto context = context_for(key);
    check(EVP_PKEY_sign_init(context.get()), "EVP_PKEY_sign_init");
    Ptr<EVP_MD> md, mgf1;
    switch (scheme.padding) {
        case SignatureScheme::Padding::pkcs1_digest_info:
            // With a digest set, OpenSSL wraps the hash in its DigestInfo.
            md = fetch_md(scheme.hash);
            check(EVP_PKEY_CTX_set_rsa_padding(context.get(), RSA_PKCS1_PADDING), "PKCS#1 padding");
            check(EVP_PKEY_CTX_set_signature_md(context.get(), md.get()), "signature digest");
            break;
        case SignatureScheme::Padding::pkcs1_raw:
            // No digest: OpenSSL pads the input as it is (block type 1).
            check(EVP_PKEY_CTX_set_rsa_padding(context.get(), RSA_PKCS1_PADDING), "PKCS#1 padding");
            break;
        case SignatureScheme::Padding::pss:
            md = fetch_md(scheme.hash);
            mgf1 = fetch_md(scheme.mgf1_hash);
            check(EVP_PKEY_CTX_set_rsa_padding(context.get(), RSA_PKCS1_PSS_PADDING), "PSS padding");
            check(EVP_PKEY_CTX_set_signature_md(context.get(), md.get()), "PSS digest");
            check(EVP_PKEY_CTX_set_rsa_mgf1_md(context.get(), mgf1.get()), "MGF1 digest");
            check(EVP_PKEY_CTX_set_rsa_pss_saltlen(context.get(), scheme.salt_length), "PSS salt length");
            break;
        case SignatureScheme::Padding::ecdsa:
            // No digest: the input is the hash, truncated to the order as FIPS 186-4 says.
            break;
    }
    return context;
}

}  // namespace

Bytes AsymmetricKey::sign(const SignatureScheme& scheme, ByteView input) const {
    const std::tuple<int, int, int, int> id{static_cast<int>(scheme.padding), static_cast<int>(scheme.hash),
                                            static_cast<int>(scheme.mgf1_hash), scheme.salt_length};
    std::lock_guard lock(sign_contexts_->mutex);
    auto& context = sign_contexts_->by_scheme[id];
    if (!context) context = signing_context(key_.get(), scheme);
    const auto refused = [&] {
        sign_contexts_->by_scheme.erase(id);  // a refused input leaves no doubtful context behind
        ossl::fail("EVP_PKEY_sign");
    };
    std::size_t length = 0;
    if (EVP_PKEY_sign(context.get(), nullptr, &length, input.data(), input.size()) <= 0) refused();
    Bytes signature(length);
    if (EVP_PKEY_sign(context.get(), signature.data(), &length, input.data(), input.size()) <= 0) refused();
    signature.resize(length);
    if (scheme.padding == SignatureScheme::Padding::ecdsa) return ecdsa_der_to_raw(signature, size_bytes_);
    return signature;
}

std::optional<SecretBytes> AsymmetricKey::decrypt(const DecryptionScheme& scheme, ByteView ciphertext) const {
    auto context = context_for(key_.get());
    check(EVP_PKEY_decrypt_init(context.get()), "EVP_PKEY_decrypt_init");
    Ptr<EVP_MD> md, mgf1;
    if (scheme.padding == DecryptionScheme::Padding::oaep) {
        md = fetch_md(scheme.oaep_hash);
        mgf1 = fetch_md(scheme.mgf1_hash);
        check(EVP_PKEY_CTX_set_rsa_padding(context.get(), RSA_PKCS1_OAEP_PADDING), "OAEP padding");
        check(EVP_PKEY_CTX_set_rsa_oaep_md(context.get(), md.get()), "OAEP digest");
        check(EVP_PKEY_CTX_set_rsa_mgf1_md(context.get(), mgf1.get()), "MGF1 digest");
        if (!scheme.label.empty()) {
            void* label = OPENSSL_memdup(scheme.label.data(), scheme.label.size());
            if (label == nullptr) ossl::fail("OAEP label");
            // set0: the context takes ownership of `label`.
            if (EVP_PKEY_CTX_set0_rsa_oaep_label(context.get(), label,
                                                 static_cast<int>(scheme.label.size())) <= 0) {
                OPENSSL_free(label);
                ossl::fail("OAEP label");
            }
        }
    } else {
        check(EVP_PKEY_CTX_set_rsa_padding(context.get(), RSA_PKCS1_PADDING), "PKCS#1 padding");
#ifdef OSSL_ASYM_CIPHER_PARAM_IMPLICIT_REJECTION
        // OpenSSL >= 3.2 would answer random bytes for bad padding; the card says 6A80.
        unsigned int implicit_rejection = 0;
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_uint(OSSL_ASYM_CIPHER_PARAM_IMPLICIT_REJECTION, &implicit_rejection),
            OSSL_PARAM_construct_end()};
        check(EVP_PKEY_CTX_set_params(context.get(), params), "implicit rejection");
#endif
    }
    std::size_t length = 0;
    check(EVP_PKEY_decrypt(context.get(), nullptr, &length, ciphertext.data(), ciphertext.size()),
          "EVP_PKEY_decrypt");
    Bytes plain(length);
    if (EVP_PKEY_decrypt(context.get(), plain.data(), &length, ciphertext.data(), ciphertext.size()) <= 0) {
        ERR_clear_error();
        secure_wipe(plain.data(), plain.size());
        return std::nullopt;
    }
    // Shrinking keeps the buffer, so the wipe in SecretBytes covers every byte.
    plain.resize(length);
    return SecretBytes(std::move(plain));
}

std::optional<Bytes> certificate_public_key_template(ByteView der) {
    Ptr<X509> certificate(X509_new_ex(ossl::library(), nullptr));
    if (!certificate) ossl::fail("X509_new_ex");
    X509* target = certificate.get();
    const unsigned char* in = der.data();
    if (d2i_X509(&target, &in, static_cast<long>(der.size())) == nullptr) {
        certificate.release();  // d2i_X509 freed it on failure
        ERR_clear_error();
        return std::nullopt;
    }
    EVP_PKEY* key = X509_get0_pubkey(certificate.get());
    if (key == nullptr) {
        ERR_clear_error();
        return std::nullopt;
    }
    return template_of(key);
}

}  // namespace carta::sim
