// The PKCS#11 3.0 additions carta uses, declared after the spec (PKCS#11 Base
// Specification 3.0, §4.1 interfaces, §4.13 profile objects, §5.x functions).
//
// Debian 12's p11-kit (0.24) ships the 2.40 header only. Everything here is
// declared with the standard type names and p11-kit's function-pointer
// typedefs (`CK_C_*`), and only if the included header has not already done so,
// so that a newer p11-kit header takes over without a change here.
// Included by ck.hpp only.
#pragma once

#ifndef CKO_PROFILE
#define CKO_PROFILE (9UL)
#endif
#ifndef CKA_PROFILE_ID
#define CKA_PROFILE_ID (0x601UL)
#endif
#ifndef CKP_PUBLIC_CERTIFICATES_TOKEN
#define CKP_INVALID_ID (0UL)
#define CKP_BASELINE_PROVIDER (1UL)
#define CKP_EXTENDED_PROVIDER (2UL)
#define CKP_AUTHENTICATION_TOKEN (3UL)
#define CKP_PUBLIC_CERTIFICATES_TOKEN (4UL)
#endif
#ifndef CKF_FIND_OBJECTS
#define CKF_FIND_OBJECTS (0x40UL)  // C_SessionCancel: the active C_FindObjects
#endif
#ifndef CKR_OPERATION_CANCEL_FAILED
#define CKR_OPERATION_CANCEL_FAILED (0x202UL)
#endif

#ifndef CKF_INTERFACE_FORK_SAFE
#define CKF_INTERFACE_FORK_SAFE (1UL)

struct ck_interface {
    CK_UTF8CHAR_PTR pInterfaceName;
    CK_VOID_PTR pFunctionList;
    CK_FLAGS flags;
};
typedef struct ck_interface CK_INTERFACE;
typedef struct ck_interface* CK_INTERFACE_PTR;
typedef struct ck_interface** CK_INTERFACE_PTR_PTR;

// clang-format off
// The 24 functions PKCS#11 3.0 adds, in the order of CK_FUNCTION_LIST_3_0.
#define CARTA_P11_V3_FUNCTION(name, args) \
    typedef CK_RV (*CK_##name) args;    \
    extern "C" CK_RV name args

CARTA_P11_V3_FUNCTION(C_GetInterfaceList, (CK_INTERFACE_PTR interfaces, CK_ULONG_PTR count));
CARTA_P11_V3_FUNCTION(C_GetInterface, (CK_BYTE_PTR name, CK_VERSION_PTR version,
                                       CK_INTERFACE_PTR_PTR interface, CK_FLAGS flags));
CARTA_P11_V3_FUNCTION(C_LoginUser, (CK_SESSION_HANDLE session, CK_USER_TYPE user_type,
                                    CK_BYTE_PTR pin, CK_ULONG pin_len,
                                    CK_BYTE_PTR username, CK_ULONG username_len));
CARTA_P11_V3_FUNCTION(C_SessionCancel, (CK_SESSION_HANDLE session, CK_FLAGS flags));
CARTA_P11_V3_FUNCTION(C_MessageEncryptInit, (CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
                                             CK_OBJECT_HANDLE key));
CARTA_P11_V3_FUNCTION(C_EncryptMessage, (CK_SESSION_HANDLE session, CK_VOID_PTR parameter, CK_ULONG parameter_len,
                                         CK_BYTE_PTR associated_data, CK_ULONG associated_data_len,
                                         CK_BYTE_PTR plaintext, CK_ULONG plaintext_len,
                                         CK_BYTE_PTR ciphertext, CK_ULONG_PTR ciphertext_len));
CARTA_P11_V3_FUNCTION(C_EncryptMessageBegin, (CK_SESSION_HANDLE session, CK_VOID_PTR parameter,
                                              CK_ULONG parameter_len, CK_BYTE_PTR associated_data,
                                              CK_ULONG associated_data_len));
CARTA_P11_V3_FUNCTION(C_EncryptMessageNext, (CK_SESSION_HANDLE session, CK_VOID_PTR parameter,
                                             CK_ULONG parameter_len, CK_BYTE_PTR plaintext_part,
                                             CK_ULONG plaintext_part_len, CK_BYTE_PTR ciphertext_part,
                                             CK_ULONG_PTR ciphertext_part_len, CK_FLAGS flags));
CARTA_P11_V3_FUNCTION(C_MessageEncryptFinal, (CK_SESSION_HANDLE session));
CARTA_P11_V3_FUNCTION(C_MessageDecryptInit, (CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
                                             CK_OBJECT_HANDLE key));
CARTA_P11_V3_FUNCTION(C_DecryptMessage, (CK_SESSION_HANDLE session, CK_VOID_PTR parameter, CK_ULONG parameter_len,
                                         CK_BYTE_PTR associated_data, CK_ULONG associated_data_len,
                                         CK_BYTE_PTR ciphertext, CK_ULONG ciphertext_len,
                                         CK_BYTE_PTR plaintext, CK_ULONG_PTR plaintext_len));
CARTA_P11_V3_FUNCTION(C_DecryptMessageBegin, (CK_SESSION_HANDLE session, CK_VOID_PTR parameter,
                                              CK_ULONG parameter_len, CK_BYTE_PTR associated_data,
                                              CK_ULONG associated_data_len));
CARTA_P11_V3_FUNCTION(C_DecryptMessageNext, (CK_SESSION_HANDLE session, CK_VOID_PTR parameter,
                                             CK_ULONG parameter_len, CK_BYTE_PTR ciphertext_part,
                                             CK_ULONG ciphertext_part_len, CK_BYTE_PTR plaintext_part,
                                             CK_ULONG_PTR plaintext_part_len, CK_FLAGS flags));
CARTA_P11_V3_FUNCTION(C_MessageDecryptFinal, (CK_SESSION_HANDLE session));
CARTA_P11_V3_FUNCTION(C_MessageSignInit, (CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
                                          CK_OBJECT_HANDLE key));
CARTA_P11_V3_FUNCTION(C_SignMessage, (CK_SESSION_HANDLE session, CK_VOID_PTR parameter, CK_ULONG parameter_len,
                                      CK_BYTE_PTR data, CK_ULONG data_len, CK_BYTE_PTR signature,
                                      CK_ULONG_PTR signature_len));
CARTA_P11_V3_FUNCTION(C_SignMessageBegin, (CK_SESSION_HANDLE session, CK_VOID_PTR parameter,
                                           CK_ULONG parameter_len));
CARTA_P11_V3_FUNCTION(C_SignMessageNext, (CK_SESSION_HANDLE session, CK_VOID_PTR parameter,
                                          CK_ULONG parameter_len, CK_BYTE_PTR data, CK_ULONG data_len,
                                          CK_BYTE_PTR signature, CK_ULONG_PTR signature_len));
CARTA_P11_V3_FUNCTION(C_MessageSignFinal, (CK_SESSION_HANDLE session));
CARTA_P11_V3_FUNCTION(C_MessageVerifyInit, (CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
                                            CK_OBJECT_HANDLE key));
CARTA_P11_V3_FUNCTION(C_VerifyMessage, (CK_SESSION_HANDLE session, CK_VOID_PTR parameter, CK_ULONG parameter_len,
                                        CK_BYTE_PTR data, CK_ULONG data_len, CK_BYTE_PTR signature,
                                        CK_ULONG signature_len));
CARTA_P11_V3_FUNCTION(C_VerifyMessageBegin, (CK_SESSION_HANDLE session, CK_VOID_PTR parameter,
                                             CK_ULONG parameter_len));
CARTA_P11_V3_FUNCTION(C_VerifyMessageNext, (CK_SESSION_HANDLE session, CK_VOID_PTR parameter,
                                            CK_ULONG parameter_len, CK_BYTE_PTR data, CK_ULONG data_len,
                                            CK_BYTE_PTR signature, CK_ULONG signature_len));
CARTA_P11_V3_FUNCTION(C_MessageVerifyFinal, (CK_SESSION_HANDLE session));
#undef CARTA_P11_V3_FUNCTION
// clang-format on

// CK_FUNCTION_LIST_3_0: the 2.40 list, then the 24 functions above.
struct ck_function_list_3_0 {
    CK_VERSION version;
    CK_C_Initialize C_Initialize;
    CK_C_Finalize C_Finalize;
    CK_C_GetInfo C_GetInfo;
    CK_C_GetFunctionList C_GetFunctionList;
    CK_C_GetSlotList C_GetSlotList;
    CK_C_GetSlotInfo C_GetSlotInfo;
    CK_C_GetTokenInfo C_GetTokenInfo;
    CK_C_GetMechanismList C_GetMechanismList;
    CK_C_GetMechanismInfo C_GetMechanismInfo;
    CK_C_InitToken C_InitToken;
    CK_C_InitPIN C_InitPIN;
    CK_C_SetPIN C_SetPIN;
    CK_C_OpenSession C_OpenSession;
    CK_C_CloseSession C_CloseSession;
    CK_C_CloseAllSessions C_CloseAllSessions;
    CK_C_GetSessionInfo C_GetSessionInfo;
    CK_C_GetOperationState C_GetOperationState;
    CK_C_SetOperationState C_SetOperationState;
    CK_C_Login C_Login;
    CK_C_Logout C_Logout;
    CK_C_CreateObject C_CreateObject;
    CK_C_CopyObject C_CopyObject;
    CK_C_DestroyObject C_DestroyObject;
    CK_C_GetObjectSize C_GetObjectSize;
    CK_C_GetAttributeValue C_GetAttributeValue;
    CK_C_SetAttributeValue C_SetAttributeValue;
    CK_C_FindObjectsInit C_FindObjectsInit;
    CK_C_FindObjects C_FindObjects;
    CK_C_FindObjectsFinal C_FindObjectsFinal;
    CK_C_EncryptInit C_EncryptInit;
    CK_C_Encrypt C_Encrypt;
    CK_C_EncryptUpdate C_EncryptUpdate;
    CK_C_EncryptFinal C_EncryptFinal;
    CK_C_DecryptInit C_DecryptInit;
    CK_C_Decrypt C_Decrypt;
    CK_C_DecryptUpdate C_DecryptUpdate;
    CK_C_DecryptFinal C_DecryptFinal;
    CK_C_DigestInit C_DigestInit;
    CK_C_Digest C_Digest;
    CK_C_DigestUpdate C_DigestUpdate;
    CK_C_DigestKey C_DigestKey;
    CK_C_DigestFinal C_DigestFinal;
    CK_C_SignInit C_SignInit;
    CK_C_Sign C_Sign;
    CK_C_SignUpdate C_SignUpdate;
    CK_C_SignFinal C_SignFinal;
    CK_C_SignRecoverInit C_SignRecoverInit;
    CK_C_SignRecover C_SignRecover;
    CK_C_VerifyInit C_VerifyInit;
    CK_C_Verify C_Verify;
    CK_C_VerifyUpdate C_VerifyUpdate;
    CK_C_VerifyFinal C_VerifyFinal;
    CK_C_VerifyRecoverInit C_VerifyRecoverInit;
    CK_C_VerifyRecover C_VerifyRecover;
    CK_C_DigestEncryptUpdate C_DigestEncryptUpdate;
    CK_C_DecryptDigestUpdate C_DecryptDigestUpdate;
    CK_C_SignEncryptUpdate C_SignEncryptUpdate;
    CK_C_DecryptVerifyUpdate C_DecryptVerifyUpdate;
    CK_C_GenerateKey C_GenerateKey;
    CK_C_GenerateKeyPair C_GenerateKeyPair;
    CK_C_WrapKey C_WrapKey;
    CK_C_UnwrapKey C_UnwrapKey;
    CK_C_DeriveKey C_DeriveKey;
    CK_C_SeedRandom C_SeedRandom;
    CK_C_GenerateRandom C_GenerateRandom;
    CK_C_GetFunctionStatus C_GetFunctionStatus;
    CK_C_CancelFunction C_CancelFunction;
    CK_C_WaitForSlotEvent C_WaitForSlotEvent;
    CK_C_GetInterfaceList C_GetInterfaceList;
    CK_C_GetInterface C_GetInterface;
    CK_C_LoginUser C_LoginUser;
    CK_C_SessionCancel C_SessionCancel;
    CK_C_MessageEncryptInit C_MessageEncryptInit;
    CK_C_EncryptMessage C_EncryptMessage;
    CK_C_EncryptMessageBegin C_EncryptMessageBegin;
    CK_C_EncryptMessageNext C_EncryptMessageNext;
    CK_C_MessageEncryptFinal C_MessageEncryptFinal;
    CK_C_MessageDecryptInit C_MessageDecryptInit;
    CK_C_DecryptMessage C_DecryptMessage;
    CK_C_DecryptMessageBegin C_DecryptMessageBegin;
    CK_C_DecryptMessageNext C_DecryptMessageNext;
    CK_C_MessageDecryptFinal C_MessageDecryptFinal;
    CK_C_MessageSignInit C_MessageSignInit;
    CK_C_SignMessage C_SignMessage;
    CK_C_SignMessageBegin C_SignMessageBegin;
    CK_C_SignMessageNext C_SignMessageNext;
    CK_C_MessageSignFinal C_MessageSignFinal;
    CK_C_MessageVerifyInit C_MessageVerifyInit;
    CK_C_VerifyMessage C_VerifyMessage;
    CK_C_VerifyMessageBegin C_VerifyMessageBegin;
    CK_C_VerifyMessageNext C_VerifyMessageNext;
    CK_C_MessageVerifyFinal C_MessageVerifyFinal;
};
typedef struct ck_function_list_3_0 CK_FUNCTION_LIST_3_0;
#endif
