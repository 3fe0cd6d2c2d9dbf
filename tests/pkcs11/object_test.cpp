// Objects: what the card's keys and certificates look like through PKCS#11,
// C_GetAttributeValue's rules, C_FindObjects, C_SetAttributeValue,
// C_CreateObject (certificates) and C_DestroyObject.
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <sstream>

#include "carta/card/openssl.hpp"
#include "pkcs11_fixture.hpp"
#include "test_pki.hpp"

namespace carta::pkcs11::test {
namespace {

class Objects : public Pkcs11Test {
  protected:
    Bytes rsa_certificate_der() {
        std::ifstream in(cards_dir() / "rsa-cert.pem");
        std::stringstream stream;
        stream << in.rdbuf();
        const std::string pem = stream.str();
        ossl::Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
        ossl::Certificate cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        return ossl::certificate_der(cert.get());
    }
    CK_RV create_certificate(CK_SESSION_HANDLE session, Attributes attributes, CK_OBJECT_HANDLE* out) {
        return p11().C_CreateObject(session, attributes.data(), attributes.size(), out);
    }
};

TEST_F(Objects, PublicObjectsAreVisibleWithoutLogin) {
    const auto session = open_session();
    EXPECT_EQ(find(session, Attributes()).size(), 6u);  // 3 certificates, 2 public keys, the profile
    EXPECT_TRUE(find(session, Attributes().ulong(CKA_CLASS, CKO_PRIVATE_KEY)).empty());
}

TEST_F(Objects, PrivateKeysAppearAfterLogin) {
    const auto session = user_session();
    EXPECT_EQ(find(session, Attributes().ulong(CKA_CLASS, CKO_PRIVATE_KEY)).size(), 2u);
    EXPECT_EQ(find(session, Attributes()).size(), 8u);
}

TEST_F(Objects, PrivateKeyHandleIsInvalidAfterLogout) {
    const auto session = user_session();
    const auto key = find_one(session, CKO_PRIVATE_KEY, kRsaId);
    ASSERT_RV(CKR_OK, p11().C_Logout(session));
    CK_ATTRIBUTE query{CKA_LABEL, nullptr, 0};
    EXPECT_RV(CKR_OBJECT_HANDLE_INVALID, p11().C_GetAttributeValue(session, key, &query, 1));
}

TEST_F(Objects, KeyPairAndCertificateShareTheKeyReferenceAsId) {
    const auto session = user_session();
    find_one(session, CKO_PRIVATE_KEY, kRsaId);
    find_one(session, CKO_PUBLIC_KEY, kRsaId);
    find_one(session, CKO_CERTIFICATE, kRsaId);
    find_one(session, CKO_PRIVATE_KEY, kEcId);
    find_one(session, CKO_CERTIFICATE, kEcId);
}

TEST_F(Objects, CertificateAttributesComeFromTheCertificate) {
    const auto session = open_session();
    const auto cert = find_one(session, CKO_CERTIFICATE, kRsaId);
    const Bytes der = attribute(session, cert, CKA_VALUE);
    EXPECT_EQ(der, rsa_certificate_der());
    auto x509 = ossl::parse_certificate_der(der);
    unsigned char* subject = nullptr;
    const int length = i2d_X509_NAME(X509_get_subject_name(x509.get()), &subject);
    EXPECT_EQ(attribute(session, cert, CKA_SUBJECT), Bytes(subject, subject + length));
    OPENSSL_free(subject);
    EXPECT_FALSE(attribute(session, cert, CKA_ISSUER).empty());
    EXPECT_EQ(attribute(session, cert, CKA_SERIAL_NUMBER)[0], 0x02);  // DER INTEGER
    EXPECT_EQ(ulong_attribute(session, cert, CKA_CERTIFICATE_TYPE), CKC_X_509);
    EXPECT_EQ(ulong_attribute(session, cert, CKA_CERTIFICATE_CATEGORY), 1u);  // token user
    EXPECT_FALSE(bool_attribute(session, cert, CKA_TRUSTED));
    EXPECT_EQ(attribute(session, cert, CKA_PUBLIC_KEY_INFO), ossl::certificate_spki(x509.get()));
    EXPECT_EQ(attribute(session, cert, CKA_LABEL), bytes_of("Jan Testowy"));
    EXPECT_TRUE(bool_attribute(session, cert, CKA_TOKEN));
    EXPECT_FALSE(bool_attribute(session, cert, CKA_PRIVATE));
}

TEST_F(Objects, CaCertificateIsATrustedAuthority) {
    const auto session = open_session();
    const auto cert = find_one(session, CKO_CERTIFICATE, kCaId);
    EXPECT_EQ(ulong_attribute(session, cert, CKA_CERTIFICATE_CATEGORY), 2u);
    EXPECT_TRUE(bool_attribute(session, cert, CKA_TRUSTED));
}

TEST_F(Objects, RsaPublicKeyAttributes) {
    const auto session = open_session();
    const auto key = find_one(session, CKO_PUBLIC_KEY, kRsaId);
    EXPECT_EQ(ulong_attribute(session, key, CKA_KEY_TYPE), CKK_RSA);
    EXPECT_EQ(attribute(session, key, CKA_MODULUS).size(), 256u);
    EXPECT_EQ(attribute(session, key, CKA_PUBLIC_EXPONENT), (Bytes{0x01, 0x00, 0x01}));
    EXPECT_EQ(ulong_attribute(session, key, CKA_MODULUS_BITS), 2048u);
    EXPECT_TRUE(bool_attribute(session, key, CKA_VERIFY));
    EXPECT_TRUE(bool_attribute(session, key, CKA_ENCRYPT));
    const auto cert = find_one(session, CKO_CERTIFICATE, kRsaId);
    EXPECT_EQ(attribute(session, key, CKA_PUBLIC_KEY_INFO), attribute(session, cert, CKA_PUBLIC_KEY_INFO));
    EXPECT_EQ(attribute(session, key, CKA_SUBJECT), attribute(session, cert, CKA_SUBJECT));
}

TEST_F(Objects, EcPublicKeyAttributes) {
    const auto session = open_session();
    const auto key = find_one(session, CKO_PUBLIC_KEY, kEcId);
    EXPECT_EQ(ulong_attribute(session, key, CKA_KEY_TYPE), CKK_EC);
    EXPECT_EQ(attribute(session, key, CKA_EC_PARAMS),
              (Bytes{0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07}));
    const Bytes point = attribute(session, key, CKA_EC_POINT);
    ASSERT_EQ(point.size(), 67u);  // OCTET STRING of 04 || X || Y
    EXPECT_EQ(point[0], 0x04);
    EXPECT_EQ(point[1], 65);
    EXPECT_EQ(point[2], 0x04);
    EXPECT_TRUE(bool_attribute(session, key, CKA_VERIFY));
    EXPECT_FALSE(bool_attribute(session, key, CKA_ENCRYPT));
}

TEST_F(Objects, PrivateKeyNeverLeavesTheCard) {
    const auto session = user_session();
    const auto key = find_one(session, CKO_PRIVATE_KEY, kRsaId);
    EXPECT_TRUE(bool_attribute(session, key, CKA_PRIVATE));
    EXPECT_TRUE(bool_attribute(session, key, CKA_SENSITIVE));
    EXPECT_TRUE(bool_attribute(session, key, CKA_ALWAYS_SENSITIVE));
    EXPECT_TRUE(bool_attribute(session, key, CKA_NEVER_EXTRACTABLE));
    EXPECT_FALSE(bool_attribute(session, key, CKA_EXTRACTABLE));
    EXPECT_TRUE(bool_attribute(session, key, CKA_LOCAL));
    EXPECT_EQ(ulong_attribute(session, key, CKA_KEY_GEN_MECHANISM), CKM_RSA_PKCS_KEY_PAIR_GEN);
}

TEST_F(Objects, PrivateKeyUsageFollowsTheCardsFlags) {
    const auto session = user_session();
    const auto rsa = find_one(session, CKO_PRIVATE_KEY, kRsaId);
    EXPECT_TRUE(bool_attribute(session, rsa, CKA_SIGN));
    EXPECT_TRUE(bool_attribute(session, rsa, CKA_DECRYPT));
    EXPECT_TRUE(bool_attribute(session, rsa, CKA_UNWRAP));
    const auto ec = find_one(session, CKO_PRIVATE_KEY, kEcId);
    EXPECT_TRUE(bool_attribute(session, ec, CKA_SIGN));
    EXPECT_FALSE(bool_attribute(session, ec, CKA_DECRYPT));
}

TEST_F(Objects, PrivateKeyPublicPartsAreReadable) {
    const auto session = user_session();
    const auto key = find_one(session, CKO_PRIVATE_KEY, kRsaId);
    const auto pub = find_one(session, CKO_PUBLIC_KEY, kRsaId);
    EXPECT_EQ(attribute(session, key, CKA_MODULUS), attribute(session, pub, CKA_MODULUS));
    EXPECT_EQ(attribute(session, key, CKA_PUBLIC_EXPONENT), (Bytes{0x01, 0x00, 0x01}));
}

TEST_F(Objects, PrivateKeyValueIsSensitive) {
    const auto session = user_session();
    const auto key = find_one(session, CKO_PRIVATE_KEY, kRsaId);
    CK_ATTRIBUTE query{CKA_PRIVATE_EXPONENT, nullptr, 0};
    EXPECT_RV(CKR_ATTRIBUTE_SENSITIVE, p11().C_GetAttributeValue(session, key, &query, 1));
    EXPECT_EQ(query.ulValueLen, CK_UNAVAILABLE_INFORMATION);
    CK_ATTRIBUTE rsa_value{CKA_VALUE, nullptr, 0};
    EXPECT_RV(CKR_ATTRIBUTE_SENSITIVE, p11().C_GetAttributeValue(session, key, &rsa_value, 1));
    EXPECT_EQ(rsa_value.ulValueLen, CK_UNAVAILABLE_INFORMATION);
    const auto ec = find_one(session, CKO_PRIVATE_KEY, kEcId);
    CK_ATTRIBUTE value{CKA_VALUE, nullptr, 0};
    EXPECT_RV(CKR_ATTRIBUTE_SENSITIVE, p11().C_GetAttributeValue(session, ec, &value, 1));
    EXPECT_EQ(value.ulValueLen, CK_UNAVAILABLE_INFORMATION);
}

TEST_F(Objects, UnknownAttributeIsTypeInvalidAndTheOthersAreStillFilled) {
    const auto session = open_session();
    const auto cert = find_one(session, CKO_CERTIFICATE, kRsaId);
    CK_ULONG category = 99;
    CK_ATTRIBUTE query[] = {{CKA_MODULUS, nullptr, 0},
                            {CKA_CERTIFICATE_CATEGORY, &category, sizeof category}};
    EXPECT_RV(CKR_ATTRIBUTE_TYPE_INVALID, p11().C_GetAttributeValue(session, cert, query, 2));
    EXPECT_EQ(query[0].ulValueLen, CK_UNAVAILABLE_INFORMATION);
    EXPECT_EQ(category, 1u);
}

TEST_F(Objects, NullValueAsksForTheLength) {
    const auto session = open_session();
    const auto cert = find_one(session, CKO_CERTIFICATE, kRsaId);
    CK_ATTRIBUTE query{CKA_VALUE, nullptr, 0};
    ASSERT_RV(CKR_OK, p11().C_GetAttributeValue(session, cert, &query, 1));
    EXPECT_EQ(query.ulValueLen, rsa_certificate_der().size());
}

TEST_F(Objects, ShortBufferIsBufferTooSmallWithUnavailableLength) {
    const auto session = open_session();
    const auto cert = find_one(session, CKO_CERTIFICATE, kRsaId);
    CK_BYTE small[4];
    CK_ATTRIBUTE query{CKA_VALUE, small, sizeof small};
    EXPECT_RV(CKR_BUFFER_TOO_SMALL, p11().C_GetAttributeValue(session, cert, &query, 1));
    EXPECT_EQ(query.ulValueLen, CK_UNAVAILABLE_INFORMATION);
}

TEST_F(Objects, FindWithAnyAttributeCombination) {
    const auto session = user_session();
    EXPECT_EQ(find(session, Attributes().boolean(CKA_SIGN, true)).size(), 2u);
    EXPECT_EQ(find(session, Attributes().boolean(CKA_DECRYPT, true)).size(), 1u);
    EXPECT_EQ(find(session, Attributes().ulong(CKA_KEY_TYPE, CKK_EC)).size(), 2u);
    EXPECT_EQ(find(session, Attributes().text(CKA_LABEL, "carta Test CA")).size(), 1u);
    EXPECT_EQ(find(session, Attributes().ulong(CKA_CERTIFICATE_CATEGORY, 2)).size(), 1u);
    EXPECT_TRUE(find(session, Attributes().text(CKA_LABEL, "no such label")).empty());
    EXPECT_TRUE(find(session, Attributes().ulong(CKA_CLASS, CKO_DATA)).empty());
}

TEST_F(Objects, FindObjectsHandsOutResultsInParts) {
    const auto session = open_session();
    ASSERT_RV(CKR_OK, p11().C_FindObjectsInit(session, nullptr, 0));
    CK_OBJECT_HANDLE handle = 0;
    CK_ULONG count = 0, total = 0;
    do {
        ASSERT_RV(CKR_OK, p11().C_FindObjects(session, &handle, 1, &count));
        total += count;
    } while (count == 1);
    EXPECT_EQ(total, 6u);
    EXPECT_RV(CKR_OK, p11().C_FindObjectsFinal(session));
}

TEST_F(Objects, SecondFindObjectsInitIsOperationActive) {
    const auto session = open_session();
    ASSERT_RV(CKR_OK, p11().C_FindObjectsInit(session, nullptr, 0));
    EXPECT_RV(CKR_OPERATION_ACTIVE, p11().C_FindObjectsInit(session, nullptr, 0));
}

TEST_F(Objects, FindObjectsWithoutInitIsOperationNotInitialized) {
    const auto session = open_session();
    CK_OBJECT_HANDLE handle = 0;
    CK_ULONG count = 0;
    EXPECT_RV(CKR_OPERATION_NOT_INITIALIZED, p11().C_FindObjects(session, &handle, 1, &count));
    EXPECT_RV(CKR_OPERATION_NOT_INITIALIZED, p11().C_FindObjectsFinal(session));
}

TEST_F(Objects, HandlesStayTheSameForAnUnchangedCard) {
    const auto session = open_session();
    const auto before = find(session, Attributes());
    reinitialize();
    EXPECT_EQ(find(open_session(), Attributes()), before);
}

TEST_F(Objects, SettingTheLabelRenamesTheObjectOnTheCard) {
    const auto session = user_session();
    const auto key = find_one(session, CKO_PRIVATE_KEY, kRsaId);
    Attributes label;
    label.text(CKA_LABEL, "nowa nazwa");
    ASSERT_RV(CKR_OK, p11().C_SetAttributeValue(session, key, label.data(), label.size()));
    reinitialize();
    const auto again = open_session();
    EXPECT_EQ(attribute(again, find_one(again, CKO_PUBLIC_KEY, kRsaId), CKA_LABEL), bytes_of("nowa nazwa"));
}

TEST_F(Objects, SettingTheSameIdIsAcceptedAnotherIsReadOnly) {
    const auto session = user_session();
    const auto cert = find_one(session, CKO_CERTIFICATE, kRsaId);
    Attributes same;
    same.bytes(CKA_ID, kRsaId);
    EXPECT_RV(CKR_OK, p11().C_SetAttributeValue(session, cert, same.data(), same.size()));
    Attributes other;
    other.bytes(CKA_ID, Bytes{0x77});
    EXPECT_RV(CKR_ATTRIBUTE_READ_ONLY, p11().C_SetAttributeValue(session, cert, other.data(), other.size()));
    Attributes sensitive;
    sensitive.boolean(CKA_PRIVATE, true);
    EXPECT_RV(CKR_ATTRIBUTE_READ_ONLY,
              p11().C_SetAttributeValue(session, cert, sensitive.data(), sensitive.size()));
}

TEST_F(Objects, SetAttributeInReadOnlySessionIsSessionReadOnly) {
    const auto session = open_session(false);
    ASSERT_RV(CKR_OK, login(session));
    const auto cert = find_one(session, CKO_CERTIFICATE, kRsaId);
    Attributes label;
    label.text(CKA_LABEL, "x");
    EXPECT_RV(CKR_SESSION_READ_ONLY, p11().C_SetAttributeValue(session, cert, label.data(), label.size()));
}

TEST_F(Objects, CreateCertificateStoresItOnTheCardLinkedToItsKey) {
    const auto session = user_session();
    const auto ec_cert = find_one(session, CKO_CERTIFICATE, kEcId);
    Bytes der = attribute(session, ec_cert, CKA_VALUE);
    ASSERT_RV(CKR_OK, p11().C_DestroyObject(session, ec_cert));
    CK_OBJECT_HANDLE created = 0;
    ASSERT_RV(CKR_OK, create_certificate(session,
                                         Attributes()
                                             .ulong(CKA_CLASS, CKO_CERTIFICATE)
                                             .ulong(CKA_CERTIFICATE_TYPE, CKC_X_509)
                                             .boolean(CKA_TOKEN, true)
                                             .text(CKA_LABEL, "znowu")
                                             .bytes(CKA_ID, kEcId)
                                             .bytes(CKA_VALUE, der),
                                         &created));
    EXPECT_EQ(attribute(session, created, CKA_ID), kEcId);
    reinitialize();
    const auto again = open_session();
    EXPECT_EQ(attribute(again, find_one(again, CKO_CERTIFICATE, kEcId), CKA_LABEL), bytes_of("znowu"));
}

TEST_F(Objects, CreateCaCertificateWithAuthorityCategory) {
    const auto session = user_session();
    const auto ca = make_ca("inne CA");
    CK_OBJECT_HANDLE created = 0;
    ASSERT_RV(CKR_OK, create_certificate(session,
                                         Attributes()
                                             .ulong(CKA_CLASS, CKO_CERTIFICATE)
                                             .ulong(CKA_CERTIFICATE_CATEGORY, 2)
                                             .text(CKA_LABEL, "inne CA")
                                             .bytes(CKA_VALUE, der_of_certificate(ca.certificate.get())),
                                         &created));
    EXPECT_TRUE(bool_attribute(session, created, CKA_TRUSTED));
    EXPECT_EQ(ulong_attribute(session, created, CKA_CERTIFICATE_CATEGORY), 2u);
}

TEST_F(Objects, CreateObjectOfAnotherClassIsRefused) {
    const auto session = user_session();
    CK_OBJECT_HANDLE created = 0;
    EXPECT_RV(
        CKR_ATTRIBUTE_VALUE_INVALID,
        create_certificate(session, Attributes().ulong(CKA_CLASS, CKO_DATA).text(CKA_LABEL, "x"), &created));
}

TEST_F(Objects, CreateCertificateWithoutValueIsTemplateIncomplete) {
    const auto session = user_session();
    CK_OBJECT_HANDLE created = 0;
    EXPECT_RV(CKR_TEMPLATE_INCOMPLETE,
              create_certificate(session, Attributes().ulong(CKA_CLASS, CKO_CERTIFICATE), &created));
}

TEST_F(Objects, CreateCertificateFromGarbageIsAttributeValueInvalid) {
    const auto session = user_session();
    CK_OBJECT_HANDLE created = 0;
    EXPECT_RV(
        CKR_ATTRIBUTE_VALUE_INVALID,
        create_certificate(
            session, Attributes().ulong(CKA_CLASS, CKO_CERTIFICATE).bytes(CKA_VALUE, bytes_of("not DER")),
            &created));
}

TEST_F(Objects, CreateCertificateNeedsTheUserLogin) {
    const auto session = open_session();
    CK_OBJECT_HANDLE created = 0;
    EXPECT_RV(
        CKR_USER_NOT_LOGGED_IN,
        create_certificate(
            session, Attributes().ulong(CKA_CLASS, CKO_CERTIFICATE).bytes(CKA_VALUE, rsa_certificate_der()),
            &created));
}

TEST_F(Objects, DestroyCertificateRemovesIt) {
    const auto session = user_session();
    ASSERT_RV(CKR_OK, p11().C_DestroyObject(session, find_one(session, CKO_CERTIFICATE, kCaId)));
    EXPECT_TRUE(find(session, Attributes().ulong(CKA_CLASS, CKO_CERTIFICATE).bytes(CKA_ID, kCaId)).empty());
}

TEST_F(Objects, DestroyPrivateKeyRemovesTheKeyPair) {
    const auto session = user_session();
    ASSERT_RV(CKR_OK, p11().C_DestroyObject(session, find_one(session, CKO_PRIVATE_KEY, kEcId)));
    EXPECT_TRUE(find(session, Attributes().ulong(CKA_KEY_TYPE, CKK_EC)).empty());
}

TEST_F(Objects, SecureProfileKeysCannotBeDestroyed) {
    const auto session = open_session_on(secure_slot());
    const auto keys = find(session, Attributes().ulong(CKA_CLASS, CKO_PUBLIC_KEY));
    ASSERT_EQ(keys.size(), 10u);
    EXPECT_FALSE(bool_attribute(session, keys[0], CKA_DESTROYABLE));
    EXPECT_RV(CKR_ACTION_PROHIBITED, p11().C_DestroyObject(session, keys[0]));
}

TEST_F(Objects, ObjectsCannotBeCopied) {
    const auto session = open_session();
    CK_OBJECT_HANDLE copy = 0;
    EXPECT_RV(CKR_ACTION_PROHIBITED,
              p11().C_CopyObject(session, find_one(session, CKO_CERTIFICATE, kRsaId), nullptr, 0, &copy));
}

TEST_F(Objects, HandleOfAnotherTokenIsInvalid) {
    const auto session = open_session();
    const auto cert = find_one(session, CKO_CERTIFICATE, kRsaId);
    const auto other = open_session_on(secure_slot());
    CK_ATTRIBUTE query{CKA_LABEL, nullptr, 0};
    EXPECT_RV(CKR_OBJECT_HANDLE_INVALID, p11().C_GetAttributeValue(other, cert, &query, 1));
}

}  // namespace
}  // namespace carta::pkcs11::test
