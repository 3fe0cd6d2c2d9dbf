#include "card_fixture.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <stdexcept>

namespace carta::card::test {

const std::filesystem::path& template_card() {
    static const std::filesystem::path path(CARTA_TEMPLATE_CARD);
    return path;
}

void CardTest::SetUp() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("carta-card-" + std::to_string(::getpid()) + "-" + info->test_suite_name() + "-" + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::filesystem::copy_file(template_card(), dir_ / "card.state");
    card_ = std::make_unique<sim::VirtualCard>(dir_ / "card.state");
    transport_ = std::make_unique<apdu::InProcessTransport>(*card_);
    cache_ = std::make_shared<ObjectCache>();
    common_ = std::make_unique<Card>(*transport_, Profile::Common, cache_);
    secure_ = std::make_unique<Card>(*transport_, Profile::Secure, cache_);
}

void CardTest::TearDown() {
    common_.reset();
    secure_.reset();
    transport_.reset();
    card_.reset();
    std::filesystem::remove_all(dir_);
}

void CardTest::initialise() {
    auto pin = secret(kPin);
    common().initialise(secret(kPuk), &pin, "test card");
}

Bytes certificate_for(ByteView spki, const char* common_name) {
    ossl::PKey ca(EVP_PKEY_Q_keygen(ossl::context(), nullptr, "EC", "P-256"));
    auto subject_key = ossl::public_key_from_spki(spki);
    ossl::Certificate cert(X509_new_ex(ossl::context(), nullptr));
    X509_set_version(cert.get(), X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 42);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(common_name),
                               -1, -1, 0);
    X509_NAME* issuer = X509_NAME_new();
    X509_NAME_add_entry_by_txt(issuer, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("Test CA"),
                               -1, -1, 0);
    X509_set_issuer_name(cert.get(), issuer);
    X509_NAME_free(issuer);
    X509_set_pubkey(cert.get(), subject_key.get());
    if (X509_sign(cert.get(), ca.get(), EVP_sha256()) <= 0) throw std::runtime_error("sign certificate");
    return ossl::certificate_der(cert.get());
}

CardError error_of(const std::function<void()>& call) {
    try {
        call();
    } catch (const CardError& e) {
        return e;
    }
    ADD_FAILURE() << "no CardError thrown";
    return CardError(ErrorKind::Unexpected, "none");
}

}  // namespace carta::card::test
