// Signing, deciphering and random numbers through the card library; every
// result checked with OpenSSL against the key's public half.
#include <openssl/rsa.h>

#include "card_fixture.hpp"

namespace carta::card::test {
namespace {

const Bytes kMessage = from_hex("48 65 6C 6C 6F 2C 20 63 61 72 64");

class CardCrypto : public CardTest {
  protected:
    void SetUp() override {
        CardTest::SetUp();
        initialise();
        common().verify(Code::Pin, secret(kPin));
    }
};

TEST_F(CardCrypto, Pkcs1SignatureOfASha256HashVerifies) {
    const auto key = common().generate_key(KeyAlgorithm::Rsa2048, "k");
    const auto signature = common().sign(key.key_ref, {}, ossl::digest(HashAlgorithm::Sha256, kMessage));
    EXPECT_TRUE(openssl_verifies(key.spki_der, "SHA256", kMessage, signature, 0));
}

TEST_F(CardCrypto, RawPkcs1SignatureOfADigestInfoVerifies) {
    const auto key = common().generate_key(KeyAlgorithm::Rsa2048, "k");
    SignScheme raw;
    raw.kind = SignScheme::Kind::RsaPkcs1Raw;
    const auto info = digest_info(HashAlgorithm::Sha384, ossl::digest(HashAlgorithm::Sha384, kMessage));
    EXPECT_TRUE(openssl_verifies(key.spki_der, "SHA384", kMessage, common().sign(key.key_ref, raw, info), 0));
}

TEST_F(CardCrypto, PssSignatureVerifies) {
    const auto key = common().generate_key(KeyAlgorithm::Rsa2048, "k");
    SignScheme pss{SignScheme::Kind::RsaPss, HashAlgorithm::Sha256, HashAlgorithm::Sha256, 32};
    const auto signature = common().sign(key.key_ref, pss, ossl::digest(HashAlgorithm::Sha256, kMessage));
    EXPECT_TRUE(openssl_verifies(key.spki_der, "SHA256", kMessage, signature, RSA_PKCS1_PSS_PADDING));
}

TEST_F(CardCrypto, EcdsaSignatureIsRawRAndSAndVerifies) {
    const auto key = common().generate_key(KeyAlgorithm::P384, "k");
    SignScheme ecdsa;
    ecdsa.kind = SignScheme::Kind::Ecdsa;
    const auto signature = common().sign(key.key_ref, ecdsa, ossl::digest(HashAlgorithm::Sha384, kMessage));
    ASSERT_EQ(signature.size(), 96u);
    EXPECT_TRUE(openssl_verifies(key.spki_der, "SHA384", kMessage, der_ecdsa(signature), 0));
}

TEST_F(CardCrypto, SigningNeedsThePin) {
    const auto key = common().generate_key(KeyAlgorithm::P256, "k");
    common().logout(Code::Pin);
    try {
        common().sign(key.key_ref, SignScheme{SignScheme::Kind::Ecdsa, {}, {}, 0},
                      ossl::digest(HashAlgorithm::Sha256, kMessage));
        FAIL() << "signed without PIN";
    } catch (const CardError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::NotAuthenticated);
    }
}

TEST_F(CardCrypto, SigningWithAMissingKeySaysSo) {
    try {
        common().sign(0x2A, {}, ossl::digest(HashAlgorithm::Sha256, kMessage));
        FAIL() << "signed with no key";
    } catch (const CardError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    }
}

TEST_F(CardCrypto, Pkcs1CiphertextDeciphers) {
    const auto key = common().generate_key(KeyAlgorithm::Rsa2048, "k");
    const auto ciphertext = openssl_encrypt(key.spki_der, kMessage, false);
    const auto plain = common().decipher(key.key_ref, {}, ciphertext);
    EXPECT_EQ(Bytes(plain.data(), plain.data() + plain.size()), kMessage);
}

TEST_F(CardCrypto, OaepSha256CiphertextWithLabelDeciphers) {
    const auto key = common().generate_key(KeyAlgorithm::Rsa3072, "k");
    const Bytes label{'l', 'b', 'l'};
    const auto ciphertext = openssl_encrypt(key.spki_der, kMessage, true, "SHA256", label);
    DecipherScheme oaep{DecipherScheme::Kind::RsaOaep, HashAlgorithm::Sha256, HashAlgorithm::Sha256, label};
    const auto plain = common().decipher(key.key_ref, oaep, ciphertext);
    EXPECT_EQ(Bytes(plain.data(), plain.data() + plain.size()), kMessage);
}

TEST_F(CardCrypto, TamperedCiphertextIsRejected) {
    const auto key = common().generate_key(KeyAlgorithm::Rsa2048, "k");
    auto ciphertext = openssl_encrypt(key.spki_der, kMessage, true);
    ciphertext[10] ^= 0x55;
    DecipherScheme oaep;
    oaep.kind = DecipherScheme::Kind::RsaOaep;
    EXPECT_THROW(common().decipher(key.key_ref, oaep, ciphertext), CardError);
}

TEST_F(CardCrypto, RandomBytesComeInTheLengthAsked) {
    const auto bytes = common().random(300);
    EXPECT_EQ(bytes.size(), 300u);
    EXPECT_NE(bytes, Bytes(300, 0));
}

TEST_F(CardCrypto, PreloadedSecureKeySignsOnceThePukHasSetAPin) {
    secure().unblock_pin(secret(kSecurePuk), secret("5555"));
    secure().verify(Code::Pin, secret("5555"));
    const auto key = secure().find_key(0x21);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->algorithm, KeyAlgorithm::Rsa3072);
    const auto signature = secure().sign(0x21, {}, ossl::digest(HashAlgorithm::Sha256, kMessage));
    EXPECT_TRUE(openssl_verifies(key->spki_der, "SHA256", kMessage, signature, 0));
}

}  // namespace
}  // namespace carta::card::test
