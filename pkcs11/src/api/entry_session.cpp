// PKCS#11 §5.6 Session management: C_OpenSession, C_CloseSession,
// C_CloseAllSessions, C_GetSessionInfo, C_GetOperationState,
// C_SetOperationState, C_Login, C_Logout, and 3.0's C_LoginUser and
// C_SessionCancel; and §5.15 parallel function
// management (C_GetFunctionStatus, C_CancelFunction: legacy, always
// CKR_FUNCTION_NOT_PARALLEL).
#include "call.hpp"
#include "codes.hpp"
#include "guard.hpp"

namespace carta::pkcs11 {
namespace {

CK_RV open_session(CK_SLOT_ID id, CK_FLAGS flags, CK_SESSION_HANDLE_PTR handle) {
    if (handle == nullptr) fail(CKR_ARGUMENTS_BAD);
    if ((flags & CKF_SERIAL_SESSION) == 0) fail(CKR_SESSION_PARALLEL_NOT_SUPPORTED);
    auto m = module();
    Slot slot = m->slot(id);
    m->slots().refresh(false);
    if (!slot.token_present()) fail(CKR_TOKEN_NOT_PRESENT);
    if ((flags & CKF_RW_SESSION) == 0 && slot.login() == Login::SecurityOfficer)
        fail(CKR_SESSION_READ_WRITE_SO_EXISTS);
    *handle = m->sessions().open(id, flags, slot.reader().epoch())->handle();
    return CKR_OK;
}

CK_RV close_session(CK_SESSION_HANDLE handle) {
    auto m = module();
    auto session = m->sessions().close(handle);
    if (!session) fail(CKR_SESSION_HANDLE_INVALID);
    m->logout_if_unused(session->slot());
    return CKR_OK;
}

CK_RV close_all_sessions(CK_SLOT_ID id) {
    auto m = module();
    (void)m->slot(id);
    m->sessions().close_all(id);
    m->logout_if_unused(id);
    return CKR_OK;
}

CK_RV get_session_info(CK_SESSION_HANDLE handle, CK_SESSION_INFO_PTR info) {
    if (info == nullptr) fail(CKR_ARGUMENTS_BAD);
    SessionCall call(handle, SessionCall::Access::Shared);
    const bool rw = call.session().read_write();
    info->slotID = call.session().slot();
    switch (call.slot().login()) {
        case Login::User:
            info->state = rw ? CKS_RW_USER_FUNCTIONS : CKS_RO_USER_FUNCTIONS;
            break;
        case Login::SecurityOfficer:
            info->state = CKS_RW_SO_FUNCTIONS;
            break;
        case Login::None:
            info->state = rw ? CKS_RW_PUBLIC_SESSION : CKS_RO_PUBLIC_SESSION;
            break;
    }
    info->flags = call.session().flags();
    info->ulDeviceError = 0;
    return CKR_OK;
}

CK_RV login(CK_SESSION_HANDLE handle, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG length) {
    SessionCall call(handle);
    Login who = Login::None;
    switch (user) {
        case CKU_USER:
            who = Login::User;
            break;
        case CKU_SO:
            who = Login::SecurityOfficer;
            break;
        // No key of the card needs a login per use (CKA_ALWAYS_AUTHENTICATE is false).
        case CKU_CONTEXT_SPECIFIC:
            fail(CKR_OPERATION_NOT_INITIALIZED);
        default:
            fail(CKR_USER_TYPE_INVALID);
    }
    const bool read_only_sessions = call.module().sessions().count(call.session().slot()).read_only != 0;
    call.slot().login(who, code_from(pin, length), read_only_sessions);
    return CKR_OK;
}

// C_LoginUser (3.0): the card's profiles know one user each and no user names,
// so a name is refused rather than silently ignored.
CK_RV login_user(CK_SESSION_HANDLE handle, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG length,
                 CK_UTF8CHAR_PTR username, CK_ULONG username_length) {
    if (username != nullptr && username_length != 0) {
        (void)SessionCall(handle, SessionCall::Access::Shared);
        fail(CKR_ARGUMENTS_BAD, "this token has no user names");
    }
    return login(handle, user, pin, length);
}

// C_SessionCancel (3.0): ends the session's active operations of the kinds in
// `flags`. The card's own commands are never interrupted: each is one short
// exchange, and the operation object is dropped between them.
CK_RV session_cancel(CK_SESSION_HANDLE handle, CK_FLAGS flags) {
    SessionCall call(handle);
    Session& session = call.session();
    struct Kind {
        CK_FLAGS flag;
        void (*cancel)(Session&);
    };
    static constexpr Kind kKinds[] = {
        {CKF_ENCRYPT, [](Session& s) { s.encrypt.reset(); }},
        {CKF_DECRYPT, [](Session& s) { s.decrypt.reset(); }},
        {CKF_DIGEST, [](Session& s) { s.digest.reset(); }},
        {CKF_SIGN, [](Session& s) { s.sign.reset(); }},
        {CKF_VERIFY, [](Session& s) { s.verify.reset(); }},
        {CKF_FIND_OBJECTS, [](Session& s) { s.find.reset(); }},
    };
    for (const auto& kind : kKinds)
        if ((flags & kind.flag) != 0) kind.cancel(session);
    return CKR_OK;
}

CK_RV logout(CK_SESSION_HANDLE handle) {
    SessionCall call(handle);
    call.slot().logout();
    return CKR_OK;
}

}  // namespace
}  // namespace carta::pkcs11

using namespace carta::pkcs11;

CK_RV C_OpenSession(CK_SLOT_ID slot, CK_FLAGS flags, CK_VOID_PTR, CK_NOTIFY, CK_SESSION_HANDLE_PTR session) {
    return guarded("C_OpenSession", [&] { return open_session(slot, flags, session); });
}

CK_RV C_CloseSession(CK_SESSION_HANDLE session) {
    return guarded("C_CloseSession", [&] { return close_session(session); });
}

CK_RV C_CloseAllSessions(CK_SLOT_ID slot) {
    return guarded("C_CloseAllSessions", [&] { return close_all_sessions(slot); });
}

CK_RV C_GetSessionInfo(CK_SESSION_HANDLE session, CK_SESSION_INFO_PTR info) {
    return guarded("C_GetSessionInfo", [&] { return get_session_info(session, info); });
}

CK_RV C_GetOperationState(CK_SESSION_HANDLE session, CK_BYTE_PTR, CK_ULONG_PTR) {
    return guarded("C_GetOperationState",
                   [&] { return after_session_check(session, CKR_FUNCTION_NOT_SUPPORTED); });
}

CK_RV C_SetOperationState(CK_SESSION_HANDLE session, CK_BYTE_PTR, CK_ULONG, CK_OBJECT_HANDLE,
                          CK_OBJECT_HANDLE) {
    return guarded("C_SetOperationState",
                   [&] { return after_session_check(session, CKR_FUNCTION_NOT_SUPPORTED); });
}

CK_RV C_Login(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG length) {
    return guarded("C_Login", [&] { return login(session, user, pin, length); });
}

CK_RV C_LoginUser(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG length,
                  CK_UTF8CHAR_PTR username, CK_ULONG username_length) {
    return guarded("C_LoginUser",
                   [&] { return login_user(session, user, pin, length, username, username_length); });
}

CK_RV C_SessionCancel(CK_SESSION_HANDLE session, CK_FLAGS flags) {
    return guarded("C_SessionCancel", [&] { return session_cancel(session, flags); });
}

CK_RV C_Logout(CK_SESSION_HANDLE session) {
    return guarded("C_Logout", [&] { return logout(session); });
}

CK_RV C_GetFunctionStatus(CK_SESSION_HANDLE session) {
    return guarded("C_GetFunctionStatus",
                   [&] { return after_session_check(session, CKR_FUNCTION_NOT_PARALLEL); });
}

CK_RV C_CancelFunction(CK_SESSION_HANDLE session) {
    return guarded("C_CancelFunction",
                   [&] { return after_session_check(session, CKR_FUNCTION_NOT_PARALLEL); });
}
