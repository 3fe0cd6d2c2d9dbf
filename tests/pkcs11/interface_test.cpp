// PKCS#11 3.0 interfaces (C_GetInterfaceList, C_GetInterface), the functions
// 3.0 adds (C_LoginUser, C_SessionCancel, the message-based ones) and the
// token's profile object (CKO_PROFILE, CKP_PUBLIC_CERTIFICATES_TOKEN).
#include <cstring>

#include "pkcs11_fixture.hpp"

namespace carta::pkcs11::test {
namespace {

class Interfaces : public Pkcs11Test {
  protected:
    static CK_RV get_interface(const char* name, CK_VERSION* version, CK_INTERFACE_PTR* out,
                               CK_FLAGS flags = 0) {
        auto get = reinterpret_cast<CK_C_GetInterface>(module_symbol("C_GetInterface"));
        if (get == nullptr) return CKR_FUNCTION_NOT_SUPPORTED;
        auto* raw = reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(name));
        return get(raw, version, out, flags);
    }
    static CK_FUNCTION_LIST_3_0& list_30() {
        CK_INTERFACE_PTR interface = nullptr;
        CK_VERSION v30{3, 0};
        if (get_interface("PKCS 11", &v30, &interface) != CKR_OK)
            throw std::runtime_error("no 3.0 interface");
        return *static_cast<CK_FUNCTION_LIST_3_0*>(interface->pFunctionList);
    }
    static CK_VERSION version_of(const CK_INTERFACE& interface) {
        return *static_cast<const CK_VERSION*>(interface.pFunctionList);
    }
};

TEST_F(Interfaces, ListOffersPkcs11Version30ThenVersion240) {
    auto list = reinterpret_cast<CK_C_GetInterfaceList>(module_symbol("C_GetInterfaceList"));
    ASSERT_NE(list, nullptr);
    CK_ULONG count = 0;
    ASSERT_RV(CKR_OK, list(nullptr, &count));
    ASSERT_EQ(count, 2u);
    CK_ULONG short_count = 1;
    CK_INTERFACE one{};
    EXPECT_RV(CKR_BUFFER_TOO_SMALL, list(&one, &short_count));
    EXPECT_EQ(short_count, 2u);
    CK_INTERFACE interfaces[2]{};
    ASSERT_RV(CKR_OK, list(interfaces, &count));
    for (const auto& interface : interfaces)
        EXPECT_STREQ(reinterpret_cast<const char*>(interface.pInterfaceName), "PKCS 11");
    EXPECT_EQ(version_of(interfaces[0]).major, 3);
    EXPECT_EQ(version_of(interfaces[0]).minor, 0);
    EXPECT_EQ(version_of(interfaces[1]).major, 2);
    EXPECT_EQ(version_of(interfaces[1]).minor, 40);
}

TEST_F(Interfaces, DefaultInterfaceIsVersion30WithEveryFunction) {
    CK_INTERFACE_PTR interface = nullptr;
    ASSERT_RV(CKR_OK, get_interface(nullptr, nullptr, &interface));
    const auto& list = *static_cast<CK_FUNCTION_LIST_3_0*>(interface->pFunctionList);
    EXPECT_EQ(list.version.major, 3);
    const auto* first = reinterpret_cast<const CK_VOID_PTR*>(&list.C_Initialize);
    const auto* last = reinterpret_cast<const CK_VOID_PTR*>(&list.C_MessageVerifyFinal);
    for (const auto* f = first; f <= last; ++f) EXPECT_NE(*f, nullptr);
}

TEST_F(Interfaces, Version240InterfaceIsTheFunctionListOfCGetFunctionList) {
    CK_INTERFACE_PTR interface = nullptr;
    CK_VERSION v240{2, 40};
    ASSERT_RV(CKR_OK, get_interface("PKCS 11", &v240, &interface));
    EXPECT_EQ(interface->pFunctionList, &p11());
}

TEST_F(Interfaces, UnknownNameVersionOrFlagsAreArgumentsBad) {
    CK_INTERFACE_PTR interface = nullptr;
    EXPECT_RV(CKR_ARGUMENTS_BAD, get_interface("Vendor 11", nullptr, &interface));
    CK_VERSION v31{3, 1};
    EXPECT_RV(CKR_ARGUMENTS_BAD, get_interface("PKCS 11", &v31, &interface));
    // The child of a fork() must initialise again: not CKF_INTERFACE_FORK_SAFE.
    EXPECT_RV(CKR_ARGUMENTS_BAD, get_interface("PKCS 11", nullptr, &interface, CKF_INTERFACE_FORK_SAFE));
    EXPECT_RV(CKR_ARGUMENTS_BAD, get_interface("PKCS 11", nullptr, nullptr));
}

TEST_F(Interfaces, GetInfoReportsTheVersionOfTheListItCameFrom) {
    CK_INFO info{};
    ASSERT_RV(CKR_OK, list_30().C_GetInfo(&info));
    EXPECT_EQ(info.cryptokiVersion.major, 3);
    EXPECT_EQ(info.cryptokiVersion.minor, 0);
    ASSERT_RV(CKR_OK, p11().C_GetInfo(&info));
    EXPECT_EQ(info.cryptokiVersion.major, 2);
    EXPECT_EQ(info.cryptokiVersion.minor, 40);
}

TEST_F(Interfaces, LoginUserWithoutAUserNameIsLogin) {
    const auto session = open_session();
    auto* pin = reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(kPin.data()));
    ASSERT_RV(CKR_OK, list_30().C_LoginUser(session, CKU_USER, pin, kPin.size(), nullptr, 0));
    EXPECT_EQ(session_state(session), CKS_RW_USER_FUNCTIONS);
}

TEST_F(Interfaces, LoginUserWithAUserNameIsRefusedWithoutSpendingATry) {
    const auto session = open_session();
    std::string wrong = "000000", name = "jan";
    auto* pin = reinterpret_cast<CK_UTF8CHAR*>(wrong.data());
    EXPECT_RV(CKR_ARGUMENTS_BAD,
              list_30().C_LoginUser(session, CKU_USER, pin, wrong.size(),
                                    reinterpret_cast<CK_UTF8CHAR*>(name.data()), name.size()));
    EXPECT_FALSE(token_info(common_slot()).flags & CKF_USER_PIN_COUNT_LOW);
}

TEST_F(Interfaces, SessionCancelEndsAnActiveSignature) {
    const auto session = user_session();
    CK_MECHANISM mechanism{CKM_SHA256_RSA_PKCS, nullptr, 0};
    ASSERT_RV(CKR_OK, p11().C_SignInit(session, &mechanism, find_one(session, CKO_PRIVATE_KEY, kRsaId)));
    ASSERT_RV(CKR_OK, list_30().C_SessionCancel(session, CKF_SIGN));
    CK_BYTE data[] = {1, 2, 3};
    CK_ULONG length = 0;
    EXPECT_RV(CKR_OPERATION_NOT_INITIALIZED, p11().C_Sign(session, data, sizeof data, nullptr, &length));
}

TEST_F(Interfaces, SessionCancelLeavesOtherOperationsActive) {
    const auto session = user_session();
    ASSERT_RV(CKR_OK, p11().C_FindObjectsInit(session, nullptr, 0));
    ASSERT_RV(CKR_OK, list_30().C_SessionCancel(session, CKF_SIGN | CKF_DECRYPT));
    EXPECT_RV(CKR_OPERATION_ACTIVE, p11().C_FindObjectsInit(session, nullptr, 0));
    ASSERT_RV(CKR_OK, list_30().C_SessionCancel(session, CKF_FIND_OBJECTS));
    EXPECT_RV(CKR_OK, p11().C_FindObjectsInit(session, nullptr, 0));
}

TEST_F(Interfaces, MessageFunctionsAreNotSupportedButCheckTheSession) {
    const auto session = open_session();
    CK_MECHANISM mechanism{CKM_SHA256_RSA_PKCS, nullptr, 0};
    EXPECT_RV(CKR_FUNCTION_NOT_SUPPORTED, list_30().C_MessageSignInit(session, &mechanism, 1));
    EXPECT_RV(CKR_FUNCTION_NOT_SUPPORTED, list_30().C_MessageEncryptFinal(session));
    EXPECT_RV(CKR_FUNCTION_NOT_SUPPORTED, list_30().C_DecryptMessageBegin(session, nullptr, 0, nullptr, 0));
    EXPECT_RV(CKR_SESSION_HANDLE_INVALID, list_30().C_MessageVerifyFinal(session + 1000));
}

class ProfileObject : public Pkcs11Test {};

TEST_F(ProfileObject, EachTokenSaysItsCertificatesArePublicWithoutLogin) {
    for (const CK_SLOT_ID slot : {common_slot(), secure_slot()}) {
        const auto session = open_session_on(slot, false);
        const auto found = find(session, Attributes().ulong(CKA_CLASS, CKO_PROFILE));
        ASSERT_EQ(found.size(), 1u);
        EXPECT_EQ(ulong_attribute(session, found[0], CKA_PROFILE_ID), CKP_PUBLIC_CERTIFICATES_TOKEN);
        EXPECT_FALSE(bool_attribute(session, found[0], CKA_PRIVATE));
        EXPECT_TRUE(bool_attribute(session, found[0], CKA_TOKEN));
    }
}

TEST_F(ProfileObject, IsFoundByItsProfileId) {
    const auto session = open_session();
    EXPECT_EQ(find(session, Attributes().ulong(CKA_PROFILE_ID, CKP_PUBLIC_CERTIFICATES_TOKEN)).size(), 1u);
    EXPECT_TRUE(find(session, Attributes().ulong(CKA_PROFILE_ID, CKP_BASELINE_PROVIDER)).empty());
}

TEST_F(ProfileObject, CannotBeChangedOrDestroyed) {
    const auto session = user_session();
    const auto profile = find(session, Attributes().ulong(CKA_CLASS, CKO_PROFILE)).at(0);
    EXPECT_FALSE(bool_attribute(session, profile, CKA_MODIFIABLE));
    EXPECT_FALSE(bool_attribute(session, profile, CKA_DESTROYABLE));
    std::string label = "mine";
    CK_ATTRIBUTE attribute{CKA_LABEL, label.data(), label.size()};
    EXPECT_RV(CKR_ACTION_PROHIBITED, p11().C_SetAttributeValue(session, profile, &attribute, 1));
    EXPECT_RV(CKR_ACTION_PROHIBITED, p11().C_DestroyObject(session, profile));
    EXPECT_EQ(find(session, Attributes().ulong(CKA_CLASS, CKO_PROFILE)).size(), 1u);
}

TEST_F(ProfileObject, IsNotAKeyForSigning) {
    const auto session = user_session();
    const auto profile = find(session, Attributes().ulong(CKA_CLASS, CKO_PROFILE)).at(0);
    CK_MECHANISM mechanism{CKM_SHA256_RSA_PKCS, nullptr, 0};
    EXPECT_RV(CKR_KEY_HANDLE_INVALID, p11().C_SignInit(session, &mechanism, profile));
}

}  // namespace
}  // namespace carta::pkcs11::test
