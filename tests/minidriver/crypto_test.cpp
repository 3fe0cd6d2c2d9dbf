// CardSignData and CardRSADecrypt against the card's key 21, checked by OpenSSL with
// the card's certificate: the relying party's side.
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "carta/apdu/tlv.hpp"
#include "carta/card/key_encoding.hpp"
#include "carta/card/openssl.hpp"
#include "fixture.hpp"
#include "support/host_crypto.hpp"

namespace carta::md::test {
namespace {

using carta::test::openssl_encrypt;
using carta::test::openssl_verifies;

const Bytes kMessage = Bytes{'O', 'u', 't', 'l', 'o', 'o', 'k', ' ', 'S', '/', 'M', 'I', 'M', 'E'};

Bytes digest(const char* name, ByteView data) {
    Bytes out(EVP_MAX_MD_SIZE);
    unsigned length = 0;
    EVP_Digest(data.data(), data.size(), out.data(), &length, EVP_get_digestbyname(name), nullptr);
    out.resize(length);
    return out;
}

class SignTest : public MinidriverTest {
  protected:
    void SetUp() override {
        MinidriverTest::SetUp();
        ASSERT_EQ(csp().authenticate(kRoleUser, kPin), rc::kSuccess);
    }
};

struct HashCase {
    const char* openssl;
    Dword alg_id;
    const char16_t* cng;
};
constexpr HashCase kHashes[] = {{"SHA1", calg::kSha1, u"SHA1"},
                                {"SHA256", calg::kSha256, u"SHA256"},
                                {"SHA384", calg::kSha384, u"SHA384"},
                                {"SHA512", calg::kSha512, u"SHA512"}};

TEST_F(SignTest, CryptoApiStyleSignaturesVerifyForEachHash) {
    for (const auto& hash_case : kHashes) {
        auto hash = digest(hash_case.openssl, kMessage);
        auto request = signing_request(hash);
        request.aiHashAlg = hash_case.alg_id;
        Bytes signature;
        ASSERT_EQ(csp().sign(request, signature), rc::kSuccess) << hash_case.openssl;
        EXPECT_EQ(signature.size(), 256u);
        EXPECT_TRUE(
            openssl_verifies(certificate_spki(), hash_case.openssl, kMessage, signature, RSA_PKCS1_PADDING))
            << hash_case.openssl;
    }
}

TEST_F(SignTest, CngStylePkcs1SignaturesVerifyForEachHash) {
    for (const auto& hash_case : kHashes) {
        auto hash = digest(hash_case.openssl, kMessage);
        Pkcs1PaddingInfo padding{hash_case.cng};
        auto request = signing_request(hash);
        request.dwSigningFlags = kPaddingInfoPresent;
        request.dwPaddingType = padding::kPkcs1;
        request.pPaddingInfo = &padding;
        Bytes signature;
        ASSERT_EQ(csp().sign(request, signature), rc::kSuccess) << hash_case.openssl;
        EXPECT_TRUE(
            openssl_verifies(certificate_spki(), hash_case.openssl, kMessage, signature, RSA_PKCS1_PADDING))
            << hash_case.openssl;
    }
}

TEST_F(SignTest, CngStylePssSignaturesVerify) {
    for (const auto& hash_case : {kHashes[1], kHashes[2]}) {
        auto hash = digest(hash_case.openssl, kMessage);
        const Dword salt = static_cast<Dword>(hash.size());
        PssPaddingInfo padding{hash_case.cng, salt};
        auto request = signing_request(hash);
        request.dwSigningFlags = kPaddingInfoPresent;
        request.dwPaddingType = padding::kPss;
        request.pPaddingInfo = &padding;
        Bytes signature;
        ASSERT_EQ(csp().sign(request, signature), rc::kSuccess) << hash_case.openssl;
        EXPECT_TRUE(openssl_verifies(certificate_spki(), hash_case.openssl, kMessage, signature,
                                     RSA_PKCS1_PSS_PADDING, static_cast<int>(salt)))
            << hash_case.openssl;
        // The same signature does not verify as PKCS#1 v1.5: the padding was PSS.
        EXPECT_FALSE(
            openssl_verifies(certificate_spki(), hash_case.openssl, kMessage, signature, RSA_PKCS1_PADDING));
    }
}

TEST_F(SignTest, CryptoApiNoHashOidSignsTheBareHash) {
    auto hash = digest("SHA256", kMessage);
    auto request = signing_request(hash);
    request.aiHashAlg = calg::kSha256;
    request.dwSigningFlags = kNoHashOid;
    Bytes signature;
    ASSERT_EQ(csp().sign(request, signature), rc::kSuccess);
    // Without a DigestInfo it is not a SHA-256 PKCS#1 signature...
    EXPECT_FALSE(openssl_verifies(certificate_spki(), "SHA256", kMessage, signature, RSA_PKCS1_PADDING));
    // ...but the card's PKCS#1 block around the bare hash: OpenSSL recovers the hash.
    auto key = ossl::public_key_from_spki(certificate_spki());
    ossl::PKeyCtx ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
    ASSERT_EQ(EVP_PKEY_verify_recover_init(ctx.get()), 1);
    EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING);
    Bytes recovered(256);
    std::size_t length = recovered.size();
    ASSERT_EQ(
        EVP_PKEY_verify_recover(ctx.get(), recovered.data(), &length, signature.data(), signature.size()), 1);
    recovered.resize(length);
    EXPECT_EQ(recovered, hash);
}

TEST_F(SignTest, BufferSizeOnlyGivesTheSignatureLength) {
    auto hash = digest("SHA256", kMessage);
    auto request = signing_request(hash);
    request.aiHashAlg = calg::kSha256;
    request.dwSigningFlags = kBufferSizeOnly;
    ASSERT_EQ(csp().transact([&](CardData& d) { return d.pfnCardSignData(&d, &request); }), rc::kSuccess);
    EXPECT_EQ(request.cbSignedData, 256u);
    EXPECT_EQ(request.pbSignedData, nullptr);
}

TEST_F(SignTest, AHashOfTheWrongLengthIsRefused) {
    auto hash = digest("SHA1", kMessage);
    auto request = signing_request(hash);
    request.aiHashAlg = calg::kSha256;
    Bytes signature;
    EXPECT_EQ(csp().sign(request, signature), rc::kBadLength);
}

TEST_F(MinidriverTest, SigningWithoutThePinIsASecurityViolation) {
    auto hash = digest("SHA256", kMessage);
    auto request = signing_request(hash, calg::kSha256);
    Bytes signature;
    EXPECT_EQ(csp().sign(request, signature), rc::kSecurityViolation);
}

class DecryptTest : public MinidriverTest {
  protected:
    void SetUp() override {
        MinidriverTest::SetUp();
        ASSERT_EQ(csp().authenticate(kRoleUser, kPin), rc::kSuccess);
    }
    const Bytes session_key_{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
                             0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF, 0x00};
};

TEST_F(DecryptTest, Pkcs1PaddingGivesTheMessage) {
    const auto ciphertext = openssl_encrypt(certificate_spki(), session_key_, false);
    Bytes plain;
    ASSERT_EQ(csp().decrypt(0, ciphertext, version::kRsaDecryptTwo, padding::kPkcs1, nullptr, plain),
              rc::kSuccess);
    EXPECT_EQ(plain, session_key_);
}

TEST_F(DecryptTest, OaepPaddingWithItsHashGivesTheMessage) {
    for (const auto& [openssl, cng] : {std::pair{"SHA1", u"SHA1"}, std::pair{"SHA256", u"SHA256"}}) {
        const auto ciphertext = openssl_encrypt(certificate_spki(), session_key_, true, openssl);
        OaepPaddingInfo oaep{cng, nullptr, 0};
        Bytes plain;
        ASSERT_EQ(csp().decrypt(0, ciphertext, version::kRsaDecryptTwo, padding::kOaep, &oaep, plain),
                  rc::kSuccess)
            << openssl;
        EXPECT_EQ(plain, session_key_) << openssl;
    }
}

TEST_F(DecryptTest, OaepWithTheWrongHashFailsAsBadData) {
    const auto ciphertext = openssl_encrypt(certificate_spki(), session_key_, true, "SHA256");
    OaepPaddingInfo oaep{u"SHA1", nullptr, 0};
    Bytes plain;
    EXPECT_EQ(csp().decrypt(0, ciphertext, version::kRsaDecryptTwo, padding::kOaep, &oaep, plain),
              rc::kBadData);
}

// The Base CSP's request: no padding, and it removes the PKCS#1 padding itself.
TEST_F(DecryptTest, NoPaddingGivesAType2BlockAroundTheMessage) {
    for (const Dword version : {version::kRsaDecryptOne, version::kRsaDecryptTwo}) {
        const auto ciphertext = openssl_encrypt(certificate_spki(), session_key_, false);
        Bytes block;
        ASSERT_EQ(csp().decrypt(0, ciphertext, version, padding::kNone, nullptr, block), rc::kSuccess);
        ASSERT_EQ(block.size(), 256u);
        EXPECT_EQ(block[0], 0x00);
        EXPECT_EQ(block[1], 0x02);
        const std::size_t separator = 256 - session_key_.size() - 1;
        for (std::size_t i = 2; i < separator; ++i) EXPECT_NE(block[i], 0x00) << i;
        EXPECT_EQ(block[separator], 0x00);
        EXPECT_EQ(Bytes(block.begin() + static_cast<long>(separator) + 1, block.end()), session_key_);
    }
}

TEST_F(DecryptTest, ACiphertextOfTheWrongLengthIsRefused) {
    Bytes short_ciphertext(128, 0x42), plain;
    EXPECT_EQ(csp().decrypt(0, short_ciphertext, version::kRsaDecryptTwo, padding::kPkcs1, nullptr, plain),
              rc::kInvalidParameter);
}

// The secure profile's keys are containers too (PIN id 3): its PIN, blocked at delivery,
// is set with its PUK through the minidriver, and its RSA-3072 key 21 then signs.
TEST_F(MinidriverTest, TheSecureProfilesKeySignsOnceItsPukSetsThePin) {
    const std::string_view puk_text = CARTA_TEMPLATE_SECURE_PUK;
    Bytes puk(puk_text.begin(), puk_text.end());
    Bytes new_pin{'2', '4', '6', '8', '2', '4', '6', '8'};
    Dword tries = 0;
    ASSERT_EQ(csp().transact([&](CardData& d) {
        return d.pfnCardChangeAuthenticatorEx(&d, kPinChangeUnblock, kSecurePuk, puk.data(),
                                              static_cast<Dword>(puk.size()), kSecurePin, new_pin.data(),
                                              static_cast<Dword>(new_pin.size()), 0, &tries);
    }),
              rc::kSuccess);
    ASSERT_EQ(csp().authenticate(kSecurePin, "24682468"), rc::kSuccess);

    // Container 1 is the secure profile's key 21; its public key from CardGetContainerInfo.
    ContainerInfo info{version::kContainerInfo, 0, 0, nullptr, 0, nullptr};
    ASSERT_EQ(csp().transact([&](CardData& d) { return d.pfnCardGetContainerInfo(&d, 1, 0, &info); }),
              rc::kSuccess);
    const Bytes blob(info.pbKeyExPublicKey, info.pbKeyExPublicKey + info.cbKeyExPublicKey);
    csp().free(info.pbKeyExPublicKey);
    ASSERT_EQ(blob.size(), 20u + 384u);
    const Bytes exponent(blob.rend() - 20, blob.rend() - 16);  // RSAPUBKEY.pubexp, big-endian
    const Bytes modulus(blob.rbegin(), blob.rbegin() + 384);
    tlv::TlvWriter key;
    key.begin(0x7F49).add(0x81, modulus).add(0x82, exponent).end();
    const auto spki = card::spki_from_template(card::KeyAlgorithm::Rsa3072, key.finish());

    auto hash = digest("SHA256", kMessage);
    CardSigningInfo request{};
    request.dwVersion = version::kSigningInfo;
    request.bContainerIndex = 1;
    request.dwKeySpec = kAtKeyExchange;
    request.aiHashAlg = calg::kSha256;
    request.pbData = hash.data();
    request.cbData = static_cast<Dword>(hash.size());
    Bytes signature;
    ASSERT_EQ(csp().sign(request, signature), rc::kSuccess);
    EXPECT_EQ(signature.size(), 384u);
    EXPECT_TRUE(openssl_verifies(spki, "SHA256", kMessage, signature, RSA_PKCS1_PADDING));
}

}  // namespace
}  // namespace carta::md::test
