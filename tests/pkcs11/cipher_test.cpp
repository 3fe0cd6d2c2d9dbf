// Decryption on the card (PKCS#1 v1.5, OAEP with SHA-1/SHA-256, with and without
// a label), encryption with the public key in software, digests, random numbers.
#include "carta/card/openssl.hpp"
#include "pkcs11_fixture.hpp"

namespace carta::pkcs11::test {
namespace {

const Bytes kSecret = bytes_of("klucz sesji S/MIME");

class Decryption : public Pkcs11Test {
  protected:
    void SetUp() override {
        Pkcs11Test::SetUp();
        session_ = user_session();
        key_ = find_one(session_, CKO_PRIVATE_KEY, kRsaId);
        public_key_ = find_one(session_, CKO_PUBLIC_KEY, kRsaId);
        spki_ = attribute(session_, public_key_, CKA_PUBLIC_KEY_INFO);
    }
    CK_SESSION_HANDLE session_ = 0;
    CK_OBJECT_HANDLE key_ = 0, public_key_ = 0;
    Bytes spki_;
};

TEST_F(Decryption, Pkcs1v15CiphertextFromOpenSsl) {
    EXPECT_EQ(decrypt(session_, {CKM_RSA_PKCS, nullptr, 0}, key_, openssl_encrypt(spki_, kSecret, false)),
              kSecret);
}

TEST_F(Decryption, OaepSha1CiphertextFromOpenSsl) {
    CK_RSA_PKCS_OAEP_PARAMS params{CKM_SHA_1, CKG_MGF1_SHA1, CKZ_DATA_SPECIFIED, nullptr, 0};
    EXPECT_EQ(decrypt(session_, {CKM_RSA_PKCS_OAEP, &params, sizeof params}, key_,
                      openssl_encrypt(spki_, kSecret, true, "SHA1")),
              kSecret);
}

TEST_F(Decryption, OaepSha256CiphertextFromOpenSsl) {
    CK_RSA_PKCS_OAEP_PARAMS params{CKM_SHA256, CKG_MGF1_SHA256, CKZ_DATA_SPECIFIED, nullptr, 0};
    EXPECT_EQ(decrypt(session_, {CKM_RSA_PKCS_OAEP, &params, sizeof params}, key_,
                      openssl_encrypt(spki_, kSecret, true, "SHA256")),
              kSecret);
}

TEST_F(Decryption, OaepWithLabel) {
    Bytes label = bytes_of("etykieta");
    CK_RSA_PKCS_OAEP_PARAMS params{CKM_SHA256, CKG_MGF1_SHA256, CKZ_DATA_SPECIFIED, label.data(),
                                   label.size()};
    EXPECT_EQ(decrypt(session_, {CKM_RSA_PKCS_OAEP, &params, sizeof params}, key_,
                      openssl_encrypt(spki_, kSecret, true, "SHA256", label)),
              kSecret);
}

TEST_F(Decryption, OaepWithTheWrongLabelIsEncryptedDataInvalid) {
    Bytes label = bytes_of("inna");
    CK_RSA_PKCS_OAEP_PARAMS params{CKM_SHA256, CKG_MGF1_SHA256, CKZ_DATA_SPECIFIED, label.data(),
                                   label.size()};
    CK_MECHANISM mechanism{CKM_RSA_PKCS_OAEP, &params, sizeof params};
    auto ciphertext = openssl_encrypt(spki_, kSecret, true, "SHA256", bytes_of("etykieta"));
    ASSERT_RV(CKR_OK, p11().C_DecryptInit(session_, &mechanism, key_));
    Bytes out(256);
    CK_ULONG length = out.size();
    EXPECT_RV(CKR_ENCRYPTED_DATA_INVALID,
              p11().C_Decrypt(session_, ciphertext.data(), ciphertext.size(), out.data(), &length));
}

TEST_F(Decryption, CiphertextOfTheWrongLengthIsEncryptedDataLenRange) {
    CK_MECHANISM mechanism{CKM_RSA_PKCS, nullptr, 0};
    ASSERT_RV(CKR_OK, p11().C_DecryptInit(session_, &mechanism, key_));
    Bytes ciphertext(100, 0x42), out(256);
    CK_ULONG length = out.size();
    EXPECT_RV(CKR_ENCRYPTED_DATA_LEN_RANGE,
              p11().C_Decrypt(session_, ciphertext.data(), ciphertext.size(), out.data(), &length));
}

TEST_F(Decryption, NullBufferGivesAnUpperBoundAndKeepsTheOperation) {
    CK_MECHANISM mechanism{CKM_RSA_PKCS, nullptr, 0};
    auto ciphertext = openssl_encrypt(spki_, kSecret, false);
    ASSERT_RV(CKR_OK, p11().C_DecryptInit(session_, &mechanism, key_));
    CK_ULONG length = 0;
    ASSERT_RV(CKR_OK, p11().C_Decrypt(session_, ciphertext.data(), ciphertext.size(), nullptr, &length));
    EXPECT_GE(length, kSecret.size());
    Bytes out(length);
    ASSERT_RV(CKR_OK, p11().C_Decrypt(session_, ciphertext.data(), ciphertext.size(), out.data(), &length));
    out.resize(length);
    EXPECT_EQ(out, kSecret);
}

TEST_F(Decryption, ShortBufferIsBufferTooSmallAndTheRetrySucceeds) {
    CK_MECHANISM mechanism{CKM_RSA_PKCS, nullptr, 0};
    auto ciphertext = openssl_encrypt(spki_, kSecret, false);
    ASSERT_RV(CKR_OK, p11().C_DecryptInit(session_, &mechanism, key_));
    Bytes out(4);
    CK_ULONG length = out.size();
    ASSERT_RV(CKR_BUFFER_TOO_SMALL,
              p11().C_Decrypt(session_, ciphertext.data(), ciphertext.size(), out.data(), &length));
    EXPECT_EQ(length, kSecret.size());
    out.resize(length);
    ASSERT_RV(CKR_OK, p11().C_Decrypt(session_, ciphertext.data(), ciphertext.size(), out.data(), &length));
    EXPECT_EQ(out, kSecret);
}

TEST_F(Decryption, MultiPartDecrypt) {
    CK_MECHANISM mechanism{CKM_RSA_PKCS, nullptr, 0};
    auto ciphertext = openssl_encrypt(spki_, kSecret, false);
    ASSERT_RV(CKR_OK, p11().C_DecryptInit(session_, &mechanism, key_));
    Bytes out(256);
    CK_ULONG length = out.size();
    ASSERT_RV(CKR_OK, p11().C_DecryptUpdate(session_, ciphertext.data(), 100, out.data(), &length));
    EXPECT_EQ(length, 0u);
    length = out.size();
    ASSERT_RV(CKR_OK, p11().C_DecryptUpdate(session_, ciphertext.data() + 100, ciphertext.size() - 100,
                                            out.data(), &length));
    length = out.size();
    ASSERT_RV(CKR_OK, p11().C_DecryptFinal(session_, out.data(), &length));
    out.resize(length);
    EXPECT_EQ(out, kSecret);
}

TEST_F(Decryption, EcKeyCannotDecrypt) {
    CK_MECHANISM mechanism{CKM_RSA_PKCS, nullptr, 0};
    EXPECT_RV(CKR_KEY_TYPE_INCONSISTENT,
              p11().C_DecryptInit(session_, &mechanism, find_one(session_, CKO_PRIVATE_KEY, kEcId)));
}

TEST_F(Decryption, EncryptInSoftwareThenDecryptOnTheCard) {
    CK_MECHANISM mechanism{CKM_RSA_PKCS, nullptr, 0};
    ASSERT_RV(CKR_OK, p11().C_EncryptInit(session_, &mechanism, public_key_));
    Bytes plaintext = kSecret, ciphertext(256);
    CK_ULONG length = ciphertext.size();
    ASSERT_RV(CKR_OK,
              p11().C_Encrypt(session_, plaintext.data(), plaintext.size(), ciphertext.data(), &length));
    EXPECT_EQ(length, 256u);
    EXPECT_EQ(decrypt(session_, mechanism, key_, ciphertext), kSecret);
}

TEST_F(Decryption, OaepEncryptThenDecryptWithLabel) {
    Bytes label = bytes_of("L");
    CK_RSA_PKCS_OAEP_PARAMS params{CKM_SHA256, CKG_MGF1_SHA256, CKZ_DATA_SPECIFIED, label.data(),
                                   label.size()};
    CK_MECHANISM mechanism{CKM_RSA_PKCS_OAEP, &params, sizeof params};
    ASSERT_RV(CKR_OK, p11().C_EncryptInit(session_, &mechanism, public_key_));
    Bytes plaintext = kSecret;
    CK_ULONG length = 0;
    ASSERT_RV(CKR_OK, p11().C_Encrypt(session_, plaintext.data(), plaintext.size(), nullptr, &length));
    Bytes ciphertext(length);
    ASSERT_RV(CKR_OK,
              p11().C_Encrypt(session_, plaintext.data(), plaintext.size(), ciphertext.data(), &length));
    EXPECT_EQ(decrypt(session_, mechanism, key_, ciphertext), kSecret);
}

TEST_F(Decryption, EncryptingTooMuchIsDataLenRange) {
    CK_MECHANISM mechanism{CKM_RSA_PKCS, nullptr, 0};
    ASSERT_RV(CKR_OK, p11().C_EncryptInit(session_, &mechanism, public_key_));
    Bytes plaintext(250, 1), ciphertext(256);
    CK_ULONG length = ciphertext.size();
    EXPECT_RV(CKR_DATA_LEN_RANGE,
              p11().C_Encrypt(session_, plaintext.data(), plaintext.size(), ciphertext.data(), &length));
}

TEST_F(Decryption, DecryptionNeedsTheLogin) {
    ASSERT_RV(CKR_OK, p11().C_Logout(session_));
    CK_MECHANISM mechanism{CKM_RSA_PKCS, nullptr, 0};
    EXPECT_RV(CKR_KEY_HANDLE_INVALID, p11().C_DecryptInit(session_, &mechanism, key_));
}

class Digests : public Pkcs11Test {};

TEST_F(Digests, Sha256MatchesOpenSsl) {
    const auto session = open_session(false);
    CK_MECHANISM mechanism{CKM_SHA256, nullptr, 0};
    ASSERT_RV(CKR_OK, p11().C_DigestInit(session, &mechanism));
    Bytes data = bytes_of("abc"), out(32);
    CK_ULONG length = out.size();
    ASSERT_RV(CKR_OK, p11().C_Digest(session, data.data(), data.size(), out.data(), &length));
    EXPECT_EQ(out, ossl::digest(card::HashAlgorithm::Sha256, data));
}

TEST_F(Digests, MultiPartSha512MatchesOpenSsl) {
    const auto session = open_session(false);
    CK_MECHANISM mechanism{CKM_SHA512, nullptr, 0};
    ASSERT_RV(CKR_OK, p11().C_DigestInit(session, &mechanism));
    Bytes data = bytes_of("część pierwsza, część druga");
    ASSERT_RV(CKR_OK, p11().C_DigestUpdate(session, data.data(), 10));
    ASSERT_RV(CKR_OK, p11().C_DigestUpdate(session, data.data() + 10, data.size() - 10));
    Bytes out(64);
    CK_ULONG length = out.size();
    ASSERT_RV(CKR_OK, p11().C_DigestFinal(session, out.data(), &length));
    EXPECT_EQ(out, ossl::digest(card::HashAlgorithm::Sha512, data));
}

TEST_F(Digests, ShortBufferIsBufferTooSmallAndKeepsTheOperation) {
    const auto session = open_session(false);
    CK_MECHANISM mechanism{CKM_SHA_1, nullptr, 0};
    ASSERT_RV(CKR_OK, p11().C_DigestInit(session, &mechanism));
    Bytes data = bytes_of("abc"), out(20);
    CK_ULONG length = 1;
    ASSERT_RV(CKR_BUFFER_TOO_SMALL, p11().C_Digest(session, data.data(), data.size(), out.data(), &length));
    EXPECT_EQ(length, 20u);
    EXPECT_RV(CKR_OK, p11().C_Digest(session, data.data(), data.size(), out.data(), &length));
}

TEST_F(Digests, DigestKeyIsKeyIndigestible) {
    const auto session = open_session(false);
    CK_MECHANISM mechanism{CKM_SHA256, nullptr, 0};
    ASSERT_RV(CKR_OK, p11().C_DigestInit(session, &mechanism));
    EXPECT_RV(CKR_KEY_INDIGESTIBLE, p11().C_DigestKey(session, find_one(session, CKO_PUBLIC_KEY, kRsaId)));
}

TEST_F(Digests, Md5IsNotOffered) {
    const auto session = open_session(false);
    CK_MECHANISM mechanism{CKM_MD5, nullptr, 0};
    EXPECT_RV(CKR_MECHANISM_INVALID, p11().C_DigestInit(session, &mechanism));
}

class Random : public Pkcs11Test {};

TEST_F(Random, GenerateRandomComesFromTheCard) {
    const auto session = open_session(false);
    Bytes first(300), second(300);
    ASSERT_RV(CKR_OK, p11().C_GenerateRandom(session, first.data(), first.size()));
    ASSERT_RV(CKR_OK, p11().C_GenerateRandom(session, second.data(), second.size()));
    EXPECT_NE(first, second);
    EXPECT_RV(CKR_OK, p11().C_GenerateRandom(session, first.data(), 0));
}

TEST_F(Random, SeedingIsNotSupported) {
    Bytes seed(16, 7);
    EXPECT_RV(CKR_RANDOM_SEED_NOT_SUPPORTED,
              p11().C_SeedRandom(open_session(false), seed.data(), seed.size()));
}

TEST_F(Random, InvalidSessionIsSessionHandleInvalid) {
    Bytes out(8);
    EXPECT_RV(CKR_SESSION_HANDLE_INVALID, p11().C_GenerateRandom(12345, out.data(), out.size()));
}

}  // namespace
}  // namespace carta::pkcs11::test
