// Key import checks, public key templates and certificate parsing (docs §5).
#include "carta/sim/key_ops.hpp"

#include <gtest/gtest.h>

#include "carta/apdu/tlv.hpp"
#include "host_crypto.hpp"

namespace carta::sim::testing {
namespace {

TEST(KeyOps, ImportKeepsTypeAndSize) {
    for (const auto& [name, algorithm] :
         {std::pair{"RSA-2048", KeyAlgorithm::rsa2048}, std::pair{"P-256", KeyAlgorithm::p256},
          std::pair{"P-384", KeyAlgorithm::p384}}) {
        const Pkey host = generate_key(name);
        const auto key = AsymmetricKey::from_pkcs8(pkcs8_of(host.get()));
        EXPECT_EQ(key->algorithm(), algorithm) << name;
        EXPECT_TRUE(same_public_key(public_key_from_template(key->public_key_template()).get(), host.get()))
            << name;
        EXPECT_EQ(Bytes(key->pkcs8().view().begin(), key->pkcs8().view().end()), pkcs8_of(host.get()));
    }
}

TEST(KeyOps, ImportRefusesWhatTheCardCannotHold) {
    EXPECT_THROW(AsymmetricKey::from_pkcs8(pkcs8_of(generate_key("RSA-1024").get())), KeyFormatError);
    EXPECT_THROW(AsymmetricKey::from_pkcs8(pkcs8_of(generate_key("P-521").get())), KeyFormatError);
    EXPECT_THROW(AsymmetricKey::from_pkcs8(from_hex("30 03 02 01 00")), KeyFormatError);
    Bytes trailing = pkcs8_of(generate_key("P-256").get());
    trailing.push_back(0x00);
    EXPECT_THROW(AsymmetricKey::from_pkcs8(trailing), KeyFormatError);
}

TEST(KeyOps, EcTemplateHasPointAndCurve) {
    const auto key = AsymmetricKey::generate(KeyAlgorithm::p384);
    const auto outer = tlv::require(key->public_key_template(), 0x7F49);
    EXPECT_EQ(tlv::require(outer.value, 0x86).value.size(), 97u);
    const auto oid = tlv::require(outer.value, 0x06).value;
    EXPECT_EQ(Bytes(oid.begin(), oid.end()), from_hex("2B81040022"));
    EXPECT_EQ(key->size_bytes(), 48u);
}

TEST(KeyOps, CertificatePublicKey) {
    const auto key = AsymmetricKey::generate(KeyAlgorithm::p256);
    const Pkey subject = public_key_from_template(key->public_key_template());
    const Pkey ca = generate_key("P-256");
    const auto certified = certificate_public_key_template(make_certificate(subject.get(), ca.get(), "x"));
    ASSERT_TRUE(certified.has_value());
    EXPECT_EQ(*certified, key->public_key_template());
    EXPECT_FALSE(certificate_public_key_template(from_hex("30 03 02 01 07")).has_value());
}

TEST(KeyOps, DecryptReportsBadPaddingAsNothing) {
    const auto key = AsymmetricKey::generate(KeyAlgorithm::rsa2048);
    EXPECT_FALSE(key->decrypt(DecryptionScheme{}, Bytes(256, 0x01)).has_value());
}

}  // namespace
}  // namespace carta::sim::testing
