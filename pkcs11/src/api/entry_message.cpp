// PKCS#11 3.0 §5.19–5.22 Message-based encryption, decryption, signing and
// verification. They are for AEAD ciphers and per-message parameters, none of
// which the card has: every one answers CKR_FUNCTION_NOT_SUPPORTED, once its
// session has been checked like any other call's.
#include "call.hpp"
#include "guard.hpp"

using namespace carta::pkcs11;

namespace {

CK_RV not_supported(const char* function, CK_SESSION_HANDLE session) {
    return guarded(function, [&] { return after_session_check(session, CKR_FUNCTION_NOT_SUPPORTED); });
}

}  // namespace

CK_RV C_MessageEncryptInit(CK_SESSION_HANDLE s, CK_MECHANISM_PTR, CK_OBJECT_HANDLE) {
    return not_supported("C_MessageEncryptInit", s);
}
CK_RV C_EncryptMessage(CK_SESSION_HANDLE s, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR,
                       CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR) {
    return not_supported("C_EncryptMessage", s);
}
CK_RV C_EncryptMessageBegin(CK_SESSION_HANDLE s, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG) {
    return not_supported("C_EncryptMessageBegin", s);
}
CK_RV C_EncryptMessageNext(CK_SESSION_HANDLE s, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR,
                           CK_ULONG_PTR, CK_FLAGS) {
    return not_supported("C_EncryptMessageNext", s);
}
CK_RV C_MessageEncryptFinal(CK_SESSION_HANDLE s) {
    return not_supported("C_MessageEncryptFinal", s);
}

CK_RV C_MessageDecryptInit(CK_SESSION_HANDLE s, CK_MECHANISM_PTR, CK_OBJECT_HANDLE) {
    return not_supported("C_MessageDecryptInit", s);
}
CK_RV C_DecryptMessage(CK_SESSION_HANDLE s, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR,
                       CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR) {
    return not_supported("C_DecryptMessage", s);
}
CK_RV C_DecryptMessageBegin(CK_SESSION_HANDLE s, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG) {
    return not_supported("C_DecryptMessageBegin", s);
}
CK_RV C_DecryptMessageNext(CK_SESSION_HANDLE s, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR,
                           CK_ULONG_PTR, CK_FLAGS) {
    return not_supported("C_DecryptMessageNext", s);
}
CK_RV C_MessageDecryptFinal(CK_SESSION_HANDLE s) {
    return not_supported("C_MessageDecryptFinal", s);
}

CK_RV C_MessageSignInit(CK_SESSION_HANDLE s, CK_MECHANISM_PTR, CK_OBJECT_HANDLE) {
    return not_supported("C_MessageSignInit", s);
}
CK_RV C_SignMessage(CK_SESSION_HANDLE s, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR,
                    CK_ULONG_PTR) {
    return not_supported("C_SignMessage", s);
}
CK_RV C_SignMessageBegin(CK_SESSION_HANDLE s, CK_VOID_PTR, CK_ULONG) {
    return not_supported("C_SignMessageBegin", s);
}
CK_RV C_SignMessageNext(CK_SESSION_HANDLE s, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR,
                        CK_ULONG_PTR) {
    return not_supported("C_SignMessageNext", s);
}
CK_RV C_MessageSignFinal(CK_SESSION_HANDLE s) {
    return not_supported("C_MessageSignFinal", s);
}

CK_RV C_MessageVerifyInit(CK_SESSION_HANDLE s, CK_MECHANISM_PTR, CK_OBJECT_HANDLE) {
    return not_supported("C_MessageVerifyInit", s);
}
CK_RV C_VerifyMessage(CK_SESSION_HANDLE s, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR,
                      CK_ULONG) {
    return not_supported("C_VerifyMessage", s);
}
CK_RV C_VerifyMessageBegin(CK_SESSION_HANDLE s, CK_VOID_PTR, CK_ULONG) {
    return not_supported("C_VerifyMessageBegin", s);
}
CK_RV C_VerifyMessageNext(CK_SESSION_HANDLE s, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR,
                          CK_ULONG) {
    return not_supported("C_VerifyMessageNext", s);
}
CK_RV C_MessageVerifyFinal(CK_SESSION_HANDLE s) {
    return not_supported("C_MessageVerifyFinal", s);
}
