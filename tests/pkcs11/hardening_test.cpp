// What an adversarial probe found in the module (issue 10): caller-given lengths
// trusted before they were checked, a card pulled during C_Sign, PINs that are no
// UTF-8, labels with control characters, trust from a card's CA flag, an empty
// PKCS#1 v1.5 signature. (The card pulled during C_Sign, which needs pcscd's
// timing: pcscd_layer_test.cpp.)
#include <openssl/rsa.h>

#include "carta/card/openssl.hpp"
#include "pkcs11_fixture.hpp"
#include "test_pki.hpp"

namespace carta::pkcs11::test {
namespace {

class Hardening : public Pkcs11Test {
  protected:
    CK_RV login_bytes(CK_SESSION_HANDLE session, Bytes pin) {
        return p11().C_Login(session, CKU_USER, pin.data(), pin.size());
    }
    CK_ULONG pin_tries_left_flags() {
        return token_info(common_slot()).flags & (CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY);
    }
};

// The RSA public-key operation without padding: what a signature encodes.
Bytes rsa_public_operation(ByteView spki, ByteView signature) {
    auto key = ossl::public_key_from_spki(spki);
    ossl::PKeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(ossl::context(), key.get(), nullptr));
    Bytes out(signature.size());
    std::size_t length = out.size();
    if (!ctx || EVP_PKEY_verify_recover_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1 ||
        EVP_PKEY_verify_recover(ctx.get(), out.data(), &length, signature.data(), signature.size()) != 1)
        return {};
    out.resize(length);
    return out;
}

// --- D3: lengths

TEST_F(Hardening, LoginWithALengthOfAllOnesIsPinLenRangeWithoutReadingThePin) {
    const auto session = open_session();
    CK_UTF8CHAR pin[] = "123456";
    EXPECT_RV(CKR_PIN_LEN_RANGE, p11().C_Login(session, CKU_USER, pin, static_cast<CK_ULONG>(-1)));
    EXPECT_EQ(pin_tries_left_flags(), 0u);
}

TEST_F(Hardening, SetPinWithAHugeNewLengthIsPinLenRange) {
    const auto session = user_session();
    CK_UTF8CHAR old_pin[] = "123456", new_pin[] = "654321";
    EXPECT_RV(CKR_PIN_LEN_RANGE, p11().C_SetPIN(session, old_pin, 6, new_pin, static_cast<CK_ULONG>(-1)));
}

TEST_F(Hardening, OaepLabelLengthOfAllOnesIsMechanismParamInvalid) {
    const auto session = user_session();
    CK_BYTE label[] = "label";
    CK_RSA_PKCS_OAEP_PARAMS params{CKM_SHA_1, CKG_MGF1_SHA1, CKZ_DATA_SPECIFIED, label, ~CK_ULONG{0}};
    CK_MECHANISM mechanism{CKM_RSA_PKCS_OAEP, &params, sizeof params};
    EXPECT_RV(CKR_MECHANISM_PARAM_INVALID,
              p11().C_DecryptInit(session, &mechanism, find_one(session, CKO_PRIVATE_KEY, kRsaId)));
}

TEST_F(Hardening, SignWithADataLengthOfAllOnesIsArgumentsBad) {
    const auto session = user_session();
    CK_MECHANISM mechanism{CKM_SHA256_RSA_PKCS, nullptr, 0};
    ASSERT_RV(CKR_OK, p11().C_SignInit(session, &mechanism, find_one(session, CKO_PRIVATE_KEY, kRsaId)));
    CK_BYTE data[16] = {}, signature[256];
    CK_ULONG length = sizeof signature;
    EXPECT_RV(CKR_ARGUMENTS_BAD, p11().C_Sign(session, data, ~CK_ULONG{0}, signature, &length));
}

TEST_F(Hardening, AttributeValueLongerThanAnyCardFileIsAttributeValueInvalid) {
    const auto session = user_session();
    CK_OBJECT_CLASS klass = CKO_CERTIFICATE;
    CK_BYTE der[4] = {0x30, 0x02, 0x05, 0x00};
    CK_OBJECT_HANDLE created = 0;
    CK_ATTRIBUTE attributes[] = {{CKA_CLASS, &klass, sizeof klass}, {CKA_VALUE, der, ~CK_ULONG{0} - 1}};
    EXPECT_RV(CKR_ATTRIBUTE_VALUE_INVALID, p11().C_CreateObject(session, attributes, 2, &created));
}

TEST_F(Hardening, TemplateCountOfAllOnesIsArgumentsBad) {
    const auto session = open_session();
    CK_OBJECT_CLASS klass = CKO_CERTIFICATE;
    CK_ATTRIBUTE search{CKA_CLASS, &klass, sizeof klass};
    EXPECT_RV(CKR_ARGUMENTS_BAD, p11().C_FindObjectsInit(session, &search, ~CK_ULONG{0}));
    CK_ATTRIBUTE query{CKA_LABEL, nullptr, 0};
    EXPECT_RV(
        CKR_ARGUMENTS_BAD,
        p11().C_GetAttributeValue(session, find_one(session, CKO_CERTIFICATE, kRsaId), &query, ~CK_ULONG{0}));
}

// --- D5: PIN format

TEST_F(Hardening, LoginWithAPinThatIsNotUtf8SpendsNoTry) {
    const auto session = open_session();
    EXPECT_RV(CKR_PIN_INCORRECT, login_bytes(session, {0xFF, 0xFE, 0x80, 0x81}));
    EXPECT_EQ(pin_tries_left_flags(), 0u);
}

TEST_F(Hardening, NewPinThatIsNotUtf8IsPinInvalid) {
    const auto session = user_session();
    Bytes old_pin = bytes_of(kPin), new_pin{0xFF, 0xFE, 0x80, 0x81};
    EXPECT_RV(CKR_PIN_INVALID,
              p11().C_SetPIN(session, old_pin.data(), old_pin.size(), new_pin.data(), new_pin.size()));
}

// --- D2: labels

TEST_F(Hardening, LabelWithAnEscapeSequenceIsAttributeValueInvalid) {
    const auto session = user_session();
    const auto key = find_one(session, CKO_PRIVATE_KEY, kRsaId);
    const auto before = attribute(session, key, CKA_LABEL);
    Attributes label;
    label.text(CKA_LABEL, "\x1b[31mRED\x1b[0m");
    EXPECT_RV(CKR_ATTRIBUTE_VALUE_INVALID,
              p11().C_SetAttributeValue(session, key, label.data(), label.size()));
    EXPECT_EQ(attribute(session, key, CKA_LABEL), before);
}

TEST_F(Hardening, GeneratedKeyLabelThatIsNotUtf8IsAttributeValueInvalid) {
    const auto session = user_session();
    CK_MECHANISM mechanism{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    Attributes pub, priv;
    pub.bytes(CKA_EC_PARAMS, {0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07});
    priv.bytes(CKA_LABEL, {0xFF, 0x41});
    CK_OBJECT_HANDLE public_key = 0, private_key = 0;
    EXPECT_RV(CKR_ATTRIBUTE_VALUE_INVALID,
              p11().C_GenerateKeyPair(session, &mechanism, pub.data(), pub.size(), priv.data(), priv.size(),
                                      &public_key, &private_key));
}

// --- D1: trust

TEST_F(Hardening, CertificateForACardKeyAskedToBeAnAuthorityIsNotTrusted) {
    const auto session = user_session();
    const auto ca = make_ca("inne CA");
    const auto spki = attribute(session, find_one(session, CKO_PUBLIC_KEY, kEcId), CKA_PUBLIC_KEY_INFO);
    const auto der = issue_certificate(ca, spki, "Jan Testowy EC (odnowiony)", "jan@example.com");
    Attributes t;
    t.ulong(CKA_CLASS, CKO_CERTIFICATE).ulong(CKA_CERTIFICATE_CATEGORY, 2).bytes(CKA_VALUE, der);
    CK_OBJECT_HANDLE created = 0;
    ASSERT_RV(CKR_OK, p11().C_CreateObject(session, t.data(), t.size(), &created));
    EXPECT_FALSE(bool_attribute(session, created, CKA_TRUSTED));
    EXPECT_EQ(ulong_attribute(session, created, CKA_CERTIFICATE_CATEGORY), 1u);
}

// --- D6: an empty message

TEST_F(Hardening, RawPkcs1SignatureOfNothingIsMadeAndVerifies) {
    const auto session = user_session();
    const auto key = find_one(session, CKO_PRIVATE_KEY, kRsaId);
    const auto signature = sign(session, {CKM_RSA_PKCS, nullptr, 0}, key, {});
    ASSERT_EQ(signature.size(), 256u);
    const auto spki = attribute(session, find_one(session, CKO_PUBLIC_KEY, kRsaId), CKA_PUBLIC_KEY_INFO);
    // The encoded message is 00 01 FF...FF 00 with nothing after it (RFC 8017 §9.2, step 5).
    Bytes expected(256, 0xFF);
    expected[0] = 0x00, expected[1] = 0x01, expected[255] = 0x00;
    EXPECT_EQ(rsa_public_operation(spki, signature), expected);
    CK_MECHANISM mechanism{CKM_RSA_PKCS, nullptr, 0};
    const auto public_key = find_one(session, CKO_PUBLIC_KEY, kRsaId);
    ASSERT_RV(CKR_OK, p11().C_VerifyInit(session, &mechanism, public_key));
    Bytes copy = signature;
    EXPECT_RV(CKR_OK, p11().C_Verify(session, nullptr, 0, copy.data(), copy.size()));
}

}  // namespace
}  // namespace carta::pkcs11::test
