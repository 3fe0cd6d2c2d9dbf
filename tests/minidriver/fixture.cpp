#include "fixture.hpp"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>

namespace carta::md::test {

namespace {

const std::filesystem::path kCards = CARTA_PKCS11_TEST_CARDS;

template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;

X509Ptr read_certificate() {
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen((kCards / "rsa-cert.pem").c_str(), "r"),
                                               std::fclose);
    if (!file) throw std::runtime_error("no rsa-cert.pem");
    X509Ptr cert(PEM_read_X509(file.get(), nullptr, nullptr, nullptr));
    if (!cert) throw std::runtime_error("rsa-cert.pem unreadable");
    return cert;
}

}  // namespace

void MinidriverTest::SetUp() {
    live_before_ = allocations().live;
    card_ = std::make_unique<carta::test::SimCard>(kCards / "ready.state", latency());
    csp_ = std::make_unique<Csp>(card_->reader());
    ASSERT_EQ(csp_->acquire_status(), rc::kSuccess);
}

void MinidriverTest::TearDown() {
    csp_.reset();  // CardDeleteContext
    // Every buffer the minidriver handed out went back through pfnCspFree (the harness
    // frees each after copying it), and the context keeps nothing of the CSP's.
    EXPECT_EQ(allocations().live, live_before_) << "CSP allocations not freed";
    card_.reset();
}

Bytes MinidriverTest::certificate_der() {
    const auto cert = read_certificate();
    unsigned char* der = nullptr;
    const int length = i2d_X509(cert.get(), &der);
    Bytes out(der, der + length);
    OPENSSL_free(der);
    return out;
}

Bytes MinidriverTest::certificate_spki() {
    const auto cert = read_certificate();
    unsigned char* der = nullptr;
    const int length = i2d_PUBKEY(X509_get0_pubkey(cert.get()), &der);
    Bytes out(der, der + length);
    OPENSSL_free(der);
    return out;
}

}  // namespace carta::md::test
