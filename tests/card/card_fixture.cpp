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

bool verify_signature(ByteView spki, const char* digest, ByteView message, ByteView signature, bool pss) {
    auto key = ossl::public_key_from_spki(spki);
    ossl::MdCtx ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    if (EVP_DigestVerifyInit_ex(ctx.get(), &pctx, digest, ossl::context(), nullptr, key.get(), nullptr) != 1)
        throw std::runtime_error("verify init");
    if (pss) {
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
    }
    return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(), message.size()) ==
           1;
}

Bytes encrypt_to(ByteView spki, ByteView plaintext, bool oaep, const char* oaep_digest, ByteView label) {
    auto key = ossl::public_key_from_spki(spki);
    ossl::PKeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(ossl::context(), key.get(), nullptr));
    if (EVP_PKEY_encrypt_init(ctx.get()) != 1) throw std::runtime_error("encrypt init");
    if (oaep) {
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING);
        EVP_PKEY_CTX_set_rsa_oaep_md_name(ctx.get(), oaep_digest, nullptr);
        EVP_PKEY_CTX_set_rsa_mgf1_md_name(ctx.get(), oaep_digest, nullptr);
        if (!label.empty()) {
            void* copy = OPENSSL_memdup(label.data(), label.size());
            EVP_PKEY_CTX_set0_rsa_oaep_label(ctx.get(), copy, static_cast<int>(label.size()));
        }
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

Bytes ecdsa_der(ByteView raw) {
    const std::size_t half = raw.size() / 2;
    ECDSA_SIG* sig = ECDSA_SIG_new();
    ECDSA_SIG_set0(sig, BN_bin2bn(raw.data(), static_cast<int>(half), nullptr),
                   BN_bin2bn(raw.data() + half, static_cast<int>(half), nullptr));
    unsigned char* der = nullptr;
    const int length = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    Bytes out(der, der + length);
    OPENSSL_free(der);
    return out;
}

}  // namespace carta::card::test
