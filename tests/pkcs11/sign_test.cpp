// Signatures on the card (RSA PKCS#1 v1.5, PSS, ECDSA; raw and hash-and-sign,
// single- and multi-part) checked with OpenSSL; C_Verify in software; the
// output rules; many threads signing at once.
#include <openssl/rsa.h>

#include <thread>

#include "carta/card/openssl.hpp"
#include "pkcs11_fixture.hpp"

namespace carta::pkcs11::test {
namespace {

const Bytes kMessage = bytes_of("Podpisuję tę wiadomość kartą.");

class Signing : public Pkcs11Test {
  protected:
    void SetUp() override {
        Pkcs11Test::SetUp();
        session_ = user_session();
        rsa_ = find_one(session_, CKO_PRIVATE_KEY, kRsaId);
        ec_ = find_one(session_, CKO_PRIVATE_KEY, kEcId);
        rsa_spki_ = attribute(session_, find_one(session_, CKO_PUBLIC_KEY, kRsaId), CKA_PUBLIC_KEY_INFO);
        ec_spki_ = attribute(session_, find_one(session_, CKO_PUBLIC_KEY, kEcId), CKA_PUBLIC_KEY_INFO);
    }
    // C_SignUpdate in pieces of 7 bytes, then C_SignFinal.
    Bytes sign_in_parts(CK_MECHANISM mechanism, CK_OBJECT_HANDLE key, ByteView data) {
        EXPECT_RV(CKR_OK, p11().C_SignInit(session_, &mechanism, key));
        Bytes input(data.begin(), data.end());
        for (std::size_t at = 0; at < input.size(); at += 7)
            EXPECT_RV(CKR_OK, p11().C_SignUpdate(session_, input.data() + at,
                                                 std::min<std::size_t>(7, input.size() - at)));
        Bytes signature(512);
        CK_ULONG length = signature.size();
        EXPECT_RV(CKR_OK, p11().C_SignFinal(session_, signature.data(), &length));
        signature.resize(length);
        return signature;
    }
    Bytes digest_info_sha256(ByteView data) {
        return ossl::digest_info(card::HashAlgorithm::Sha256,
                                 ossl::digest(card::HashAlgorithm::Sha256, data));
    }

    CK_SESSION_HANDLE session_ = 0;
    CK_OBJECT_HANDLE rsa_ = 0, ec_ = 0;
    Bytes rsa_spki_, ec_spki_;
};

struct HashCase {
    CK_MECHANISM_TYPE pkcs1;
    CK_MECHANISM_TYPE pss;
    CK_MECHANISM_TYPE ecdsa;
    CK_MECHANISM_TYPE hash;
    CK_RSA_PKCS_MGF_TYPE mgf;
    const char* openssl;
    CK_ULONG length;
};

void PrintTo(const HashCase& c, std::ostream* out) {
    *out << c.openssl;
}

class HashedSigning : public Signing, public ::testing::WithParamInterface<HashCase> {};

TEST_P(HashedSigning, RsaPkcs1SignatureVerifiesWithOpenSsl) {
    const auto signature = sign(session_, {GetParam().pkcs1, nullptr, 0}, rsa_, kMessage);
    EXPECT_EQ(signature.size(), 256u);
    EXPECT_TRUE(openssl_verifies(rsa_spki_, GetParam().openssl, kMessage, signature, RSA_PKCS1_PADDING));
}

TEST_P(HashedSigning, MultiPartRsaPkcs1EqualsSinglePart) {
    const CK_MECHANISM mechanism{GetParam().pkcs1, nullptr, 0};
    EXPECT_EQ(sign_in_parts(mechanism, rsa_, kMessage), sign(session_, mechanism, rsa_, kMessage));
}

TEST_P(HashedSigning, RsaPssSignatureVerifiesWithOpenSsl) {
    CK_RSA_PKCS_PSS_PARAMS params{GetParam().hash, GetParam().mgf, GetParam().length};
    const auto signature = sign_in_parts({GetParam().pss, &params, sizeof params}, rsa_, kMessage);
    EXPECT_TRUE(openssl_verifies(rsa_spki_, GetParam().openssl, kMessage, signature, RSA_PKCS1_PSS_PADDING,
                                 static_cast<int>(GetParam().length)));
}

TEST_P(HashedSigning, EcdsaSignatureVerifiesWithOpenSsl) {
    const auto signature = sign_in_parts({GetParam().ecdsa, nullptr, 0}, ec_, kMessage);
    ASSERT_EQ(signature.size(), 64u);  // r || s of P-256
    EXPECT_TRUE(openssl_verifies(ec_spki_, GetParam().openssl, kMessage, der_ecdsa(signature), 0));
}

TEST_P(HashedSigning, VerifyAcceptsTheCardsSignature) {
    const CK_MECHANISM mechanism{GetParam().pkcs1, nullptr, 0};
    auto signature = sign(session_, mechanism, rsa_, kMessage);
    const auto pub = find_one(session_, CKO_PUBLIC_KEY, kRsaId);
    ASSERT_RV(CKR_OK, p11().C_VerifyInit(session_, const_cast<CK_MECHANISM*>(&mechanism), pub));
    Bytes data = kMessage;
    EXPECT_RV(CKR_OK, p11().C_Verify(session_, data.data(), data.size(), signature.data(), signature.size()));
}

INSTANTIATE_TEST_SUITE_P(
    Hashes, HashedSigning,
    ::testing::Values(HashCase{CKM_SHA1_RSA_PKCS, CKM_SHA1_RSA_PKCS_PSS, CKM_ECDSA_SHA1, CKM_SHA_1,
                               CKG_MGF1_SHA1, "SHA1", 20},
                      HashCase{CKM_SHA224_RSA_PKCS, CKM_SHA224_RSA_PKCS_PSS, CKM_ECDSA_SHA224, CKM_SHA224,
                               CKG_MGF1_SHA224, "SHA224", 28},
                      HashCase{CKM_SHA256_RSA_PKCS, CKM_SHA256_RSA_PKCS_PSS, CKM_ECDSA_SHA256, CKM_SHA256,
                               CKG_MGF1_SHA256, "SHA256", 32},
                      HashCase{CKM_SHA384_RSA_PKCS, CKM_SHA384_RSA_PKCS_PSS, CKM_ECDSA_SHA384, CKM_SHA384,
                               CKG_MGF1_SHA384, "SHA384", 48},
                      HashCase{CKM_SHA512_RSA_PKCS, CKM_SHA512_RSA_PKCS_PSS, CKM_ECDSA_SHA512, CKM_SHA512,
                               CKG_MGF1_SHA512, "SHA512", 64}),
    [](const auto& info) { return std::string(info.param.openssl); });

TEST_F(Signing, RawRsaPkcsSignsADigestInfo) {
    const auto signature = sign(session_, {CKM_RSA_PKCS, nullptr, 0}, rsa_, digest_info_sha256(kMessage));
    EXPECT_TRUE(openssl_verifies(rsa_spki_, "SHA256", kMessage, signature, RSA_PKCS1_PADDING));
}

TEST_F(Signing, RawRsaPkcsInputLongerThanTheModulusAllowsIsDataLenRange) {
    CK_MECHANISM mechanism{CKM_RSA_PKCS, nullptr, 0};
    ASSERT_RV(CKR_OK, p11().C_SignInit(session_, &mechanism, rsa_));
    Bytes data(246, 0x41), signature(256);
    CK_ULONG length = signature.size();
    EXPECT_RV(CKR_DATA_LEN_RANGE,
              p11().C_Sign(session_, data.data(), data.size(), signature.data(), &length));
    EXPECT_RV(CKR_OPERATION_NOT_INITIALIZED,
              p11().C_Sign(session_, data.data(), 10, signature.data(), &length));
}

TEST_F(Signing, RawPssSignsAHash) {
    CK_RSA_PKCS_PSS_PARAMS params{CKM_SHA256, CKG_MGF1_SHA256, 32};
    const auto hash = ossl::digest(card::HashAlgorithm::Sha256, kMessage);
    const auto signature = sign(session_, {CKM_RSA_PKCS_PSS, &params, sizeof params}, rsa_, hash);
    EXPECT_TRUE(openssl_verifies(rsa_spki_, "SHA256", kMessage, signature, RSA_PKCS1_PSS_PADDING, 32));
}

TEST_F(Signing, PssHashOtherThanTheMechanismsIsParamInvalid) {
    CK_RSA_PKCS_PSS_PARAMS params{CKM_SHA_1, CKG_MGF1_SHA1, 20};
    CK_MECHANISM mechanism{CKM_SHA256_RSA_PKCS_PSS, &params, sizeof params};
    EXPECT_RV(CKR_MECHANISM_PARAM_INVALID, p11().C_SignInit(session_, &mechanism, rsa_));
}

TEST_F(Signing, PssWithoutParametersIsParamInvalid) {
    CK_MECHANISM mechanism{CKM_SHA256_RSA_PKCS_PSS, nullptr, 0};
    EXPECT_RV(CKR_MECHANISM_PARAM_INVALID, p11().C_SignInit(session_, &mechanism, rsa_));
}

TEST_F(Signing, RawEcdsaSignsAHash) {
    const auto hash = ossl::digest(card::HashAlgorithm::Sha256, kMessage);
    const auto signature = sign(session_, {CKM_ECDSA, nullptr, 0}, ec_, hash);
    EXPECT_TRUE(openssl_verifies(ec_spki_, "SHA256", kMessage, der_ecdsa(signature), 0));
}

TEST_F(Signing, NullBufferAsksForTheLengthAndKeepsTheOperation) {
    CK_MECHANISM mechanism{CKM_SHA256_RSA_PKCS, nullptr, 0};
    ASSERT_RV(CKR_OK, p11().C_SignInit(session_, &mechanism, rsa_));
    Bytes data = kMessage;
    CK_ULONG length = 0;
    ASSERT_RV(CKR_OK, p11().C_Sign(session_, data.data(), data.size(), nullptr, &length));
    EXPECT_EQ(length, 256u);
    Bytes signature(length);
    EXPECT_RV(CKR_OK, p11().C_Sign(session_, data.data(), data.size(), signature.data(), &length));
}

TEST_F(Signing, ShortBufferIsBufferTooSmallAndKeepsTheOperation) {
    CK_MECHANISM mechanism{CKM_SHA256_RSA_PKCS, nullptr, 0};
    ASSERT_RV(CKR_OK, p11().C_SignInit(session_, &mechanism, rsa_));
    Bytes data = kMessage, signature(256);
    CK_ULONG length = 10;
    ASSERT_RV(CKR_BUFFER_TOO_SMALL,
              p11().C_Sign(session_, data.data(), data.size(), signature.data(), &length));
    EXPECT_EQ(length, 256u);
    EXPECT_RV(CKR_OK, p11().C_Sign(session_, data.data(), data.size(), signature.data(), &length));
    EXPECT_TRUE(openssl_verifies(rsa_spki_, "SHA256", kMessage, signature, RSA_PKCS1_PADDING));
}

TEST_F(Signing, SignWithoutInitIsOperationNotInitialized) {
    Bytes data = kMessage, signature(256);
    CK_ULONG length = signature.size();
    EXPECT_RV(CKR_OPERATION_NOT_INITIALIZED,
              p11().C_Sign(session_, data.data(), data.size(), signature.data(), &length));
}

TEST_F(Signing, SecondSignInitIsOperationActive) {
    CK_MECHANISM mechanism{CKM_SHA256_RSA_PKCS, nullptr, 0};
    ASSERT_RV(CKR_OK, p11().C_SignInit(session_, &mechanism, rsa_));
    EXPECT_RV(CKR_OPERATION_ACTIVE, p11().C_SignInit(session_, &mechanism, rsa_));
}

TEST_F(Signing, SigningWithAPublicKeyIsKeyTypeInconsistent) {
    CK_MECHANISM mechanism{CKM_SHA256_RSA_PKCS, nullptr, 0};
    EXPECT_RV(CKR_KEY_TYPE_INCONSISTENT,
              p11().C_SignInit(session_, &mechanism, find_one(session_, CKO_PUBLIC_KEY, kRsaId)));
}

TEST_F(Signing, EcdsaWithAnRsaKeyIsKeyTypeInconsistent) {
    CK_MECHANISM mechanism{CKM_ECDSA_SHA256, nullptr, 0};
    EXPECT_RV(CKR_KEY_TYPE_INCONSISTENT, p11().C_SignInit(session_, &mechanism, rsa_));
}

TEST_F(Signing, UnknownMechanismIsMechanismInvalid) {
    CK_MECHANISM mechanism{CKM_MD5_RSA_PKCS, nullptr, 0};
    EXPECT_RV(CKR_MECHANISM_INVALID, p11().C_SignInit(session_, &mechanism, rsa_));
}

TEST_F(Signing, CertificateIsNotAKey) {
    CK_MECHANISM mechanism{CKM_SHA256_RSA_PKCS, nullptr, 0};
    EXPECT_RV(CKR_KEY_HANDLE_INVALID,
              p11().C_SignInit(session_, &mechanism, find_one(session_, CKO_CERTIFICATE, kRsaId)));
}

TEST_F(Signing, SigningAfterLogoutFails) {
    ASSERT_RV(CKR_OK, p11().C_Logout(session_));
    CK_MECHANISM mechanism{CKM_SHA256_RSA_PKCS, nullptr, 0};
    EXPECT_RV(CKR_KEY_HANDLE_INVALID, p11().C_SignInit(session_, &mechanism, rsa_));
}

TEST_F(Signing, VerifyRejectsAChangedMessage) {
    CK_MECHANISM mechanism{CKM_SHA256_RSA_PKCS, nullptr, 0};
    auto signature = sign(session_, mechanism, rsa_, kMessage);
    ASSERT_RV(CKR_OK, p11().C_VerifyInit(session_, &mechanism, find_one(session_, CKO_PUBLIC_KEY, kRsaId)));
    Bytes other = bytes_of("inna wiadomość");
    EXPECT_RV(CKR_SIGNATURE_INVALID,
              p11().C_Verify(session_, other.data(), other.size(), signature.data(), signature.size()));
    // The operation is over either way.
    EXPECT_RV(CKR_OPERATION_NOT_INITIALIZED,
              p11().C_Verify(session_, other.data(), other.size(), signature.data(), signature.size()));
}

TEST_F(Signing, VerifyWithWrongSignatureLengthIsSignatureLenRange) {
    CK_MECHANISM mechanism{CKM_SHA256_RSA_PKCS, nullptr, 0};
    ASSERT_RV(CKR_OK, p11().C_VerifyInit(session_, &mechanism, find_one(session_, CKO_PUBLIC_KEY, kRsaId)));
    Bytes data = kMessage, signature(100);
    EXPECT_RV(CKR_SIGNATURE_LEN_RANGE,
              p11().C_Verify(session_, data.data(), data.size(), signature.data(), signature.size()));
}

TEST_F(Signing, MultiPartEcdsaVerify) {
    CK_MECHANISM mechanism{CKM_ECDSA_SHA384, nullptr, 0};
    auto signature = sign(session_, mechanism, ec_, kMessage);
    ASSERT_RV(CKR_OK, p11().C_VerifyInit(session_, &mechanism, find_one(session_, CKO_PUBLIC_KEY, kEcId)));
    Bytes data = kMessage;
    ASSERT_RV(CKR_OK, p11().C_VerifyUpdate(session_, data.data(), 5));
    ASSERT_RV(CKR_OK, p11().C_VerifyUpdate(session_, data.data() + 5, data.size() - 5));
    EXPECT_RV(CKR_OK, p11().C_VerifyFinal(session_, signature.data(), signature.size()));
}

TEST_F(Signing, RawRsaPkcsVerify) {
    CK_MECHANISM mechanism{CKM_RSA_PKCS, nullptr, 0};
    auto data = digest_info_sha256(kMessage);
    auto signature = sign(session_, mechanism, rsa_, data);
    ASSERT_RV(CKR_OK, p11().C_VerifyInit(session_, &mechanism, find_one(session_, CKO_PUBLIC_KEY, kRsaId)));
    EXPECT_RV(CKR_OK, p11().C_Verify(session_, data.data(), data.size(), signature.data(), signature.size()));
}

TEST_F(Signing, ManyThreadsSignOnSeveralSessionsAtOnce) {
    constexpr int kThreads = 8, kSignatures = 6;
    std::vector<std::thread> threads;
    std::atomic<int> good{0};
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            CK_SESSION_HANDLE session = 0;
            if (p11().C_OpenSession(common_slot(), CKF_SERIAL_SESSION, nullptr, nullptr, &session) != CKR_OK)
                return;
            for (int i = 0; i < kSignatures; ++i) {
                Bytes data = bytes_of("wątek " + std::to_string(t) + " podpis " + std::to_string(i));
                const bool ec = (t + i) % 2 == 1;
                CK_MECHANISM mechanism{ec ? CKM_ECDSA_SHA256 : CKM_SHA256_RSA_PKCS, nullptr, 0};
                if (p11().C_SignInit(session, &mechanism, ec ? ec_ : rsa_) != CKR_OK) continue;
                Bytes signature(256);
                CK_ULONG length = signature.size();
                if (p11().C_Sign(session, data.data(), data.size(), signature.data(), &length) != CKR_OK)
                    continue;
                signature.resize(length);
                const bool ok =
                    ec ? openssl_verifies(ec_spki_, "SHA256", data, der_ecdsa(signature), 0)
                       : openssl_verifies(rsa_spki_, "SHA256", data, signature, RSA_PKCS1_PADDING);
                if (ok) ++good;
            }
            p11().C_CloseSession(session);
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(good.load(), kThreads * kSignatures);
    EXPECT_EQ(session_state(session_), CKS_RW_USER_FUNCTIONS);
}

}  // namespace
}  // namespace carta::pkcs11::test
