// PKCS#11 §5.4 General-purpose functions: C_Initialize, C_Finalize, C_GetInfo,
// C_GetFunctionList. Every entry point of the module has one shape: a thin C
// function handing its arguments to `guarded` (guard.hpp).
#include <cstring>

#include "call.hpp"
#include "guard.hpp"
#include "template.hpp"

namespace carta::pkcs11 {
namespace {

CK_RV get_info(CK_INFO_PTR info) {
    if (info == nullptr) fail(CKR_ARGUMENTS_BAD);
    (void)module();
    std::memset(info, 0, sizeof *info);
    info->cryptokiVersion = {CRYPTOKI_VERSION_MAJOR, CRYPTOKI_VERSION_MINOR};
    set_text(info->manufacturerID, "carta");
    info->flags = 0;
    set_text(info->libraryDescription, "carta PKCS#11 for cryptoCertum");
    info->libraryVersion = {0, 1};
    return CKR_OK;
}

}  // namespace
}  // namespace carta::pkcs11

using namespace carta::pkcs11;

namespace {

// Every function, in the order of CK_FUNCTION_LIST.
CK_FUNCTION_LIST function_list = {
    {CRYPTOKI_VERSION_MAJOR, CRYPTOKI_VERSION_MINOR},
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
    return guarded("C_GetInfo", [&] { return get_info(info); });
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
    return guarded("C_GetFunctionList", [&] {
        if (list == nullptr) fail(CKR_ARGUMENTS_BAD);
        *list = &function_list;
        return CKR_OK;
    });
}
