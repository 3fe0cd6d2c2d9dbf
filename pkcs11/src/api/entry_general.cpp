// PKCS#11 §5.4 General-purpose functions: C_Initialize, C_Finalize, C_GetInfo,
// C_GetFunctionList, and 3.0's C_GetInterfaceList and C_GetInterface. Every
// entry point of the module has one shape: a thin C function handing its
// arguments to `guarded` (guard.hpp).
//
// Two function lists: the 2.40 one (C_GetFunctionList, and the interface
// "PKCS 11" 2.40) and the 3.0 one (interface "PKCS 11" 3.0, offered first).
// They differ only in their version, in C_GetInfo (which reports the version of
// the list the caller chose) and in the 3.0 list's 24 added functions.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string_view>

#include "call.hpp"
#include "guard.hpp"
#include "template.hpp"
#include "version.hpp"

namespace carta::pkcs11 {
namespace {

constexpr CK_VERSION kVersion240{2, 40};
constexpr CK_VERSION kVersion30{3, 0};

CK_RV get_info(CK_INFO_PTR info, CK_VERSION version) {
    if (info == nullptr) fail(CKR_ARGUMENTS_BAD);
    (void)module();
    std::memset(info, 0, sizeof *info);
    info->cryptokiVersion = version;
    set_text(info->manufacturerID, "carta");
    info->flags = 0;
    set_text(info->libraryDescription, "carta PKCS#11 for cryptoCertum");
    info->libraryVersion = kCartaVersion;
    return CKR_OK;
}

}  // namespace
}  // namespace carta::pkcs11

using namespace carta::pkcs11;

namespace {

CK_RV get_info_v30(CK_INFO_PTR info) {
    return guarded("C_GetInfo", [&] { return get_info(info, kVersion30); });
}

// Every function, in the order of CK_FUNCTION_LIST.
CK_FUNCTION_LIST function_list = {
    kVersion240,
    C_Initialize,
    C_Finalize,
    C_GetInfo,
    C_GetFunctionList,
    C_GetSlotList,
    C_GetSlotInfo,
    C_GetTokenInfo,
    C_GetMechanismList,
    C_GetMechanismInfo,
    C_InitToken,
    C_InitPIN,
    C_SetPIN,
    C_OpenSession,
    C_CloseSession,
    C_CloseAllSessions,
    C_GetSessionInfo,
    C_GetOperationState,
    C_SetOperationState,
    C_Login,
    C_Logout,
    C_CreateObject,
    C_CopyObject,
    C_DestroyObject,
    C_GetObjectSize,
    C_GetAttributeValue,
    C_SetAttributeValue,
    C_FindObjectsInit,
    C_FindObjects,
    C_FindObjectsFinal,
    C_EncryptInit,
    C_Encrypt,
    C_EncryptUpdate,
    C_EncryptFinal,
    C_DecryptInit,
    C_Decrypt,
    C_DecryptUpdate,
    C_DecryptFinal,
    C_DigestInit,
    C_Digest,
    C_DigestUpdate,
    C_DigestKey,
    C_DigestFinal,
    C_SignInit,
    C_Sign,
    C_SignUpdate,
    C_SignFinal,
    C_SignRecoverInit,
    C_SignRecover,
    C_VerifyInit,
    C_Verify,
    C_VerifyUpdate,
    C_VerifyFinal,
    C_VerifyRecoverInit,
    C_VerifyRecover,
    C_DigestEncryptUpdate,
    C_DecryptDigestUpdate,
    C_SignEncryptUpdate,
    C_DecryptVerifyUpdate,
    C_GenerateKey,
    C_GenerateKeyPair,
    C_WrapKey,
    C_UnwrapKey,
    C_DeriveKey,
    C_SeedRandom,
    C_GenerateRandom,
    C_GetFunctionStatus,
    C_CancelFunction,
    C_WaitForSlotEvent,
};

// The 3.0 list starts with the 2.40 list's members, in the same order.
static_assert(offsetof(CK_FUNCTION_LIST_3_0, C_GetInterfaceList) == sizeof(CK_FUNCTION_LIST));
static_assert(offsetof(CK_FUNCTION_LIST_3_0, C_WaitForSlotEvent) ==
              offsetof(CK_FUNCTION_LIST, C_WaitForSlotEvent));

CK_FUNCTION_LIST_3_0 make_function_list_30() {
    CK_FUNCTION_LIST_3_0 list{};
    std::memcpy(&list, &function_list, sizeof function_list);
    list.version = kVersion30;
    list.C_GetInfo = get_info_v30;
    list.C_GetInterfaceList = C_GetInterfaceList;
    list.C_GetInterface = C_GetInterface;
    list.C_LoginUser = C_LoginUser;
    list.C_SessionCancel = C_SessionCancel;
    list.C_MessageEncryptInit = C_MessageEncryptInit;
    list.C_EncryptMessage = C_EncryptMessage;
    list.C_EncryptMessageBegin = C_EncryptMessageBegin;
    list.C_EncryptMessageNext = C_EncryptMessageNext;
    list.C_MessageEncryptFinal = C_MessageEncryptFinal;
    list.C_MessageDecryptInit = C_MessageDecryptInit;
    list.C_DecryptMessage = C_DecryptMessage;
    list.C_DecryptMessageBegin = C_DecryptMessageBegin;
    list.C_DecryptMessageNext = C_DecryptMessageNext;
    list.C_MessageDecryptFinal = C_MessageDecryptFinal;
    list.C_MessageSignInit = C_MessageSignInit;
    list.C_SignMessage = C_SignMessage;
    list.C_SignMessageBegin = C_SignMessageBegin;
    list.C_SignMessageNext = C_SignMessageNext;
    list.C_MessageSignFinal = C_MessageSignFinal;
    list.C_MessageVerifyInit = C_MessageVerifyInit;
    list.C_VerifyMessage = C_VerifyMessage;
    list.C_VerifyMessageBegin = C_VerifyMessageBegin;
    list.C_VerifyMessageNext = C_VerifyMessageNext;
    list.C_MessageVerifyFinal = C_MessageVerifyFinal;
    return list;
}

CK_FUNCTION_LIST_3_0 function_list_30 = make_function_list_30();

// The standard interface name (PKCS#11 3.0 §5.4.4), as the structures want it.
unsigned char kInterfaceName[] = "PKCS 11";

// Newest first: a caller asking for "PKCS 11" without a version gets 3.0.
// No CKF_INTERFACE_FORK_SAFE: after fork() the child must call C_Initialize
// again (module.hpp), which is the 2.40 behaviour, not 3.0's fork-safe one.
CK_INTERFACE interfaces[] = {
    {kInterfaceName, &function_list_30, 0},
    {kInterfaceName, &function_list, 0},
};
constexpr CK_ULONG kInterfaceCount = sizeof interfaces / sizeof interfaces[0];

CK_VERSION version_of(const CK_INTERFACE& interface) {
    return *static_cast<const CK_VERSION*>(interface.pFunctionList);  // each list starts with its version
}

// Like C_GetFunctionList, these work before C_Initialize.
CK_RV get_interface_list(CK_INTERFACE_PTR list, CK_ULONG_PTR count) {
    if (count == nullptr) fail(CKR_ARGUMENTS_BAD);
    if (list == nullptr) {
        *count = kInterfaceCount;
        return CKR_OK;
    }
    if (*count < kInterfaceCount) {
        *count = kInterfaceCount;
        return CKR_BUFFER_TOO_SMALL;
    }
    std::copy(std::begin(interfaces), std::end(interfaces), list);
    *count = kInterfaceCount;
    return CKR_OK;
}

CK_RV get_interface(CK_UTF8CHAR_PTR name, CK_VERSION_PTR version, CK_INTERFACE_PTR_PTR out, CK_FLAGS flags) {
    if (out == nullptr) fail(CKR_ARGUMENTS_BAD);
    const std::string_view standard(reinterpret_cast<const char*>(kInterfaceName));
    if (name != nullptr && std::string_view(reinterpret_cast<const char*>(name)) != standard)
        fail(CKR_ARGUMENTS_BAD, "unknown interface name");
    for (auto& interface : interfaces) {
        const CK_VERSION offered = version_of(interface);
        if (version != nullptr && (version->major != offered.major || version->minor != offered.minor))
            continue;
        if ((interface.flags & flags) != flags) continue;
        *out = &interface;
        return CKR_OK;
    }
    fail(CKR_ARGUMENTS_BAD, "no interface with that version and flags");
}

}  // namespace

CK_RV C_Initialize(CK_VOID_PTR init_args) {
    return guarded("C_Initialize", [&] {
        Module::initialize(init_args);
        return CKR_OK;
    });
}

CK_RV C_Finalize(CK_VOID_PTR reserved) {
    return guarded("C_Finalize", [&] {
        Module::finalize(reserved);
        return CKR_OK;
    });
}

CK_RV C_GetInfo(CK_INFO_PTR info) {
    return guarded("C_GetInfo", [&] { return get_info(info, kVersion240); });
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
    return guarded("C_GetFunctionList", [&] {
        if (list == nullptr) fail(CKR_ARGUMENTS_BAD);
        *list = &function_list;
        return CKR_OK;
    });
}

CK_RV C_GetInterfaceList(CK_INTERFACE_PTR list, CK_ULONG_PTR count) {
    return guarded("C_GetInterfaceList", [&] { return get_interface_list(list, count); });
}

CK_RV C_GetInterface(CK_UTF8CHAR_PTR name, CK_VERSION_PTR version, CK_INTERFACE_PTR_PTR interface,
                     CK_FLAGS flags) {
    return guarded("C_GetInterface", [&] { return get_interface(name, version, interface, flags); });
}
