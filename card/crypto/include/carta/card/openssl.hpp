// OpenSSL helpers shared by the CLI, the PKCS#11 module and the tests: the library
// carta_card_crypto, apart from the card core (carta_card), which builds without
// OpenSSL. All of carta's OpenSSL work runs in one private OSSL_LIB_CTX with the
// default provider: an application that routes its own OpenSSL through a PKCS#11
// provider cannot loop back into carta.
#pragma once

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "carta/apdu/bytes.hpp"
#include "carta/card/types.hpp"

namespace carta::ossl {

OSSL_LIB_CTX* context();

template <auto Free>
struct Deleter {
    template <typename T>
    void operator()(T* p) const {
        Free(p);
    }
};
using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PKeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using Md = std::unique_ptr<EVP_MD, Deleter<EVP_MD_free>>;
using Certificate = std::unique_ptr<X509, Deleter<X509_free>>;
using Request = std::unique_ptr<X509_REQ, Deleter<X509_REQ_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO_free_all>>;

// The most recent OpenSSL error as text (and clears the queue).
std::string last_error();
// Throws std::runtime_error("<what>: <openssl error>").
[[noreturn]] void fail(const std::string& what);

// The DER encoding of `value` by an OpenSSL i2d function (i2d_X509, ...); fail(what)
// if it cannot be encoded.
template <auto Encode, typename T>
Bytes der_of(T* value, const char* what) {
    unsigned char* der = nullptr;
    const int length = Encode(value, &der);
    if (length <= 0) fail(what);
    Bytes out(der, der + length);
    OPENSSL_free(der);
    return out;
}

Md fetch_digest(card::HashAlgorithm hash);
Bytes digest(card::HashAlgorithm hash, ByteView data);

// The card's 7F49 public key template -> OpenSSL key (through card::spki_from_template).
PKey public_key_from_template(card::KeyAlgorithm algorithm, ByteView template_7f49);
Bytes spki_der(EVP_PKEY* key);
PKey public_key_from_spki(ByteView spki_der);

// DER X.509 parsing; throws std::invalid_argument with a clear message.
Certificate parse_certificate_der(ByteView der);
Bytes certificate_der(X509* certificate);
Bytes certificate_spki(X509* certificate);

// DigestInfo (PKCS#1 v1.5) for a hash value: card::digest_info, kept here for callers
// that have not moved to it yet.
Bytes digest_info(card::HashAlgorithm hash, ByteView hash_value);

// A private key in DER, PKCS#8 or a traditional encoding (PKCS#1 RSAPrivateKey, SEC1
// ECPrivateKey), as the PKCS#8 PrivateKeyInfo card::Card::import_key takes.
// Throws card::CardError(InvalidData) if it is no private key.
SecretBytes pkcs8_private_key(ByteView der);

}  // namespace carta::ossl
