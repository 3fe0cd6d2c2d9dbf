// RAII owners for the OpenSSL handles the simulator uses, and its private library
// context (so that a host application's OpenSSL configuration, e.g. a PKCS#11
// provider, can never end up doing the card's cryptography).
#pragma once

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <array>
#include <memory>
#include <stdexcept>
#include <string>

namespace carta::sim::ossl {

struct Free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
    void operator()(EVP_MD* p) const { EVP_MD_free(p); }
    void operator()(BIGNUM* p) const { BN_free(p); }
    void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
    void operator()(X509* p) const { X509_free(p); }
    void operator()(PKCS8_PRIV_KEY_INFO* p) const { PKCS8_PRIV_KEY_INFO_free(p); }
};

template <typename T>
using Ptr = std::unique_ptr<T, Free>;

// A failure inside OpenSSL that the card cannot explain to the host (answered 6F00).
class CryptoError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Throws CryptoError with `what` and the last OpenSSL error; clears the error queue.
[[noreturn]] void fail(const std::string& what);

// The simulator's own OSSL_LIB_CTX with the default provider loaded; lives for the process.
OSSL_LIB_CTX* library();

// Fills `out` with random bytes from the private context's DRBG.
void random_bytes(unsigned char* out, std::size_t size);

// SHA-256 of `size` bytes at `data`, in the private context.
std::array<unsigned char, 32> sha256(const unsigned char* data, std::size_t size);

}  // namespace carta::sim::ossl
