// C_GenerateKeyPair on the card: RSA 2048/3072/4096, EC P-256/P-384, and the
// templates' rules.
#include <openssl/rsa.h>

#include "pkcs11_fixture.hpp"

namespace carta::pkcs11::test {
namespace {

const Bytes kP256{0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
const Bytes kP384{0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22};

class KeyGeneration : public Pkcs11Test {
  protected:
    void SetUp() override {
        Pkcs11Test::SetUp();
        session_ = user_session();
    }
    CK_RV generate(CK_MECHANISM_TYPE type, Attributes pub, Attributes priv) {
        CK_MECHANISM mechanism{type, nullptr, 0};
        return p11().C_GenerateKeyPair(session_, &mechanism, pub.data(), pub.size(), priv.data(), priv.size(),
                                       &public_key_, &private_key_);
    }
    void expect_signs(CK_MECHANISM_TYPE mechanism, const char* digest, bool ec) {
        const Bytes data = bytes_of("sprawdzenie nowego klucza");
        const auto signature = sign(session_, {mechanism, nullptr, 0}, private_key_, data);
        const auto spki = attribute(session_, public_key_, CKA_PUBLIC_KEY_INFO);
        EXPECT_TRUE(ec ? openssl_verifies(spki, digest, data, der_ecdsa(signature), 0)
                       : openssl_verifies(spki, digest, data, signature, RSA_PKCS1_PADDING));
    }

    CK_SESSION_HANDLE session_ = 0;
    CK_OBJECT_HANDLE public_key_ = 0, private_key_ = 0;
};

TEST_F(KeyGeneration, Rsa2048KeyIsGeneratedOnTheCard) {
    ASSERT_RV(CKR_OK, generate(CKM_RSA_PKCS_KEY_PAIR_GEN, Attributes().ulong(CKA_MODULUS_BITS, 2048),
                               Attributes().text(CKA_LABEL, "nowy klucz")));
    EXPECT_EQ(ulong_attribute(session_, public_key_, CKA_MODULUS_BITS), 2048u);
    EXPECT_TRUE(bool_attribute(session_, private_key_, CKA_LOCAL));
    EXPECT_EQ(ulong_attribute(session_, private_key_, CKA_KEY_GEN_MECHANISM), CKM_RSA_PKCS_KEY_PAIR_GEN);
    EXPECT_EQ(attribute(session_, private_key_, CKA_LABEL), bytes_of("nowy klucz"));
    EXPECT_EQ(attribute(session_, private_key_, CKA_ID), attribute(session_, public_key_, CKA_ID));
    expect_signs(CKM_SHA256_RSA_PKCS, "SHA256", false);
}

TEST_F(KeyGeneration, Rsa3072Key) {
    ASSERT_RV(CKR_OK,
              generate(CKM_RSA_PKCS_KEY_PAIR_GEN,
                       Attributes().ulong(CKA_MODULUS_BITS, 3072).bytes(CKA_PUBLIC_EXPONENT, {1, 0, 1}),
                       Attributes()));
    EXPECT_EQ(attribute(session_, public_key_, CKA_MODULUS).size(), 384u);
    expect_signs(CKM_SHA384_RSA_PKCS, "SHA384", false);
}

TEST_F(KeyGeneration, Rsa4096Key) {
    ASSERT_RV(CKR_OK,
              generate(CKM_RSA_PKCS_KEY_PAIR_GEN, Attributes().ulong(CKA_MODULUS_BITS, 4096), Attributes()));
    EXPECT_EQ(attribute(session_, public_key_, CKA_MODULUS).size(), 512u);
    expect_signs(CKM_SHA512_RSA_PKCS, "SHA512", false);
}

TEST_F(KeyGeneration, EcP256KeyByOid) {
    ASSERT_RV(CKR_OK, generate(CKM_EC_KEY_PAIR_GEN, Attributes().bytes(CKA_EC_PARAMS, kP256),
                               Attributes().boolean(CKA_SIGN, true)));
    EXPECT_EQ(attribute(session_, public_key_, CKA_EC_PARAMS), kP256);
    EXPECT_EQ(ulong_attribute(session_, private_key_, CKA_KEY_GEN_MECHANISM), CKM_EC_KEY_PAIR_GEN);
    expect_signs(CKM_ECDSA_SHA256, "SHA256", true);
}

TEST_F(KeyGeneration, EcP384KeyByCurveName) {
    Bytes name{0x13, 9};
    for (char c : std::string("secp384r1")) name.push_back(static_cast<std::uint8_t>(c));
    ASSERT_RV(CKR_OK, generate(CKM_EC_KEY_PAIR_GEN, Attributes().bytes(CKA_EC_PARAMS, name), Attributes()));
    EXPECT_EQ(attribute(session_, public_key_, CKA_EC_PARAMS), kP384);
    EXPECT_EQ(attribute(session_, public_key_, CKA_EC_POINT).size(), 99u);
    expect_signs(CKM_ECDSA_SHA384, "SHA384", true);
}

TEST_F(KeyGeneration, SignOnlyTemplateGivesASignOnlyKey) {
    ASSERT_RV(CKR_OK, generate(CKM_RSA_PKCS_KEY_PAIR_GEN,
                               Attributes().ulong(CKA_MODULUS_BITS, 2048).boolean(CKA_VERIFY, true),
                               Attributes().boolean(CKA_SIGN, true).boolean(CKA_DECRYPT, false)));
    EXPECT_TRUE(bool_attribute(session_, private_key_, CKA_SIGN));
    EXPECT_FALSE(bool_attribute(session_, private_key_, CKA_DECRYPT));
    CK_MECHANISM mechanism{CKM_RSA_PKCS, nullptr, 0};
    EXPECT_RV(CKR_KEY_FUNCTION_NOT_PERMITTED, p11().C_DecryptInit(session_, &mechanism, private_key_));
}

TEST_F(KeyGeneration, UnsupportedCurveIsCurveNotSupported) {
    const Bytes p521{0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x23};
    EXPECT_RV(CKR_CURVE_NOT_SUPPORTED,
              generate(CKM_EC_KEY_PAIR_GEN, Attributes().bytes(CKA_EC_PARAMS, p521), Attributes()));
}

TEST_F(KeyGeneration, RsaKeySizeOutsideTheCardsRangeIsKeySizeRange) {
    EXPECT_RV(CKR_KEY_SIZE_RANGE,
              generate(CKM_RSA_PKCS_KEY_PAIR_GEN, Attributes().ulong(CKA_MODULUS_BITS, 1024), Attributes()));
}

TEST_F(KeyGeneration, RsaKeySizeBetweenTheCardsSizesIsAttributeValueInvalid) {
    EXPECT_RV(CKR_ATTRIBUTE_VALUE_INVALID,
              generate(CKM_RSA_PKCS_KEY_PAIR_GEN, Attributes().ulong(CKA_MODULUS_BITS, 2500), Attributes()));
}

TEST_F(KeyGeneration, OtherPublicExponentIsAttributeValueInvalid) {
    EXPECT_RV(
        CKR_ATTRIBUTE_VALUE_INVALID,
        generate(CKM_RSA_PKCS_KEY_PAIR_GEN,
                 Attributes().ulong(CKA_MODULUS_BITS, 2048).bytes(CKA_PUBLIC_EXPONENT, {3}), Attributes()));
}

TEST_F(KeyGeneration, MissingModulusBitsIsTemplateIncomplete) {
    EXPECT_RV(CKR_TEMPLATE_INCOMPLETE, generate(CKM_RSA_PKCS_KEY_PAIR_GEN, Attributes(), Attributes()));
}

TEST_F(KeyGeneration, SessionKeysAreTemplateInconsistent) {
    EXPECT_RV(CKR_TEMPLATE_INCONSISTENT,
              generate(CKM_RSA_PKCS_KEY_PAIR_GEN, Attributes().ulong(CKA_MODULUS_BITS, 2048),
                       Attributes().boolean(CKA_TOKEN, false)));
}

TEST_F(KeyGeneration, NeedsTheUserLogin) {
    ASSERT_RV(CKR_OK, p11().C_Logout(session_));
    EXPECT_RV(CKR_USER_NOT_LOGGED_IN,
              generate(CKM_RSA_PKCS_KEY_PAIR_GEN, Attributes().ulong(CKA_MODULUS_BITS, 2048), Attributes()));
}

TEST_F(KeyGeneration, ReadOnlySessionIsSessionReadOnly) {
    session_ = open_session(false);
    EXPECT_RV(CKR_SESSION_READ_ONLY,
              generate(CKM_RSA_PKCS_KEY_PAIR_GEN, Attributes().ulong(CKA_MODULUS_BITS, 2048), Attributes()));
}

TEST_F(KeyGeneration, SecureProfileKeysAreFixed) {
    session_ = open_session_on(secure_slot());
    EXPECT_RV(CKR_MECHANISM_INVALID,
              generate(CKM_RSA_PKCS_KEY_PAIR_GEN, Attributes().ulong(CKA_MODULUS_BITS, 3072), Attributes()));
}

TEST_F(KeyGeneration, SecretKeysAreNotOffered) {
    CK_MECHANISM mechanism{CKM_AES_KEY_GEN, nullptr, 0};
    CK_OBJECT_HANDLE key = 0;
    EXPECT_RV(CKR_MECHANISM_INVALID, p11().C_GenerateKey(session_, &mechanism, nullptr, 0, &key));
}

}  // namespace
}  // namespace carta::pkcs11::test
