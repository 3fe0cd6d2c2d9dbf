#include "ossl.hpp"

#include <openssl/err.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

namespace carta::sim::ossl {

void fail(const std::string& what) {
    const unsigned long code = ERR_get_error();
    std::string message = what;
    if (code != 0) {
        char text[256];
        ERR_error_string_n(code, text, sizeof text);
        message += ": ";
        message += text;
    }
    ERR_clear_error();
    throw CryptoError(message);
}

namespace {

struct LibraryContext {
    OSSL_LIB_CTX* context = nullptr;
    OSSL_PROVIDER* provider = nullptr;
    LibraryContext() {
        context = OSSL_LIB_CTX_new();
        if (context == nullptr) fail("OSSL_LIB_CTX_new");
        provider = OSSL_PROVIDER_load(context, "default");
        if (provider == nullptr) fail("loading the default provider");
    }
};

}  // namespace

OSSL_LIB_CTX* library() {
    // Never freed: keys held by other static objects (a test's template card) may
    // outlive any destructor order we could pick; the process exit reclaims it.
    static const LibraryContext* const instance = new LibraryContext();
    return instance->context;
}

void random_bytes(unsigned char* out, std::size_t size) {
    if (size == 0) return;
    if (RAND_bytes_ex(library(), out, size, 0) != 1) fail("RAND_bytes_ex");
}

std::array<unsigned char, 32> sha256(const unsigned char* data, std::size_t size) {
    // Fetched once: EVP_MD_fetch looks the algorithm up by name in the provider.
    static const Ptr<EVP_MD> md(EVP_MD_fetch(library(), "SHA256", nullptr));
    if (!md) fail("fetching SHA256");
    std::array<unsigned char, 32> digest{};
    unsigned int length = 0;
    if (EVP_Digest(data, size, digest.data(), &length, md.get(), nullptr) != 1 || length != digest.size())
        fail("SHA256");
    return digest;
}

}  // namespace carta::sim::ossl
