// What a call on a session needs, looked up and checked once: the module, the
// session (locked for the call unless Access::Shared), its slot. A session whose card was removed
// (or replaced) since it was opened is closed here: CKR_DEVICE_REMOVED now,
// CKR_SESSION_HANDLE_INVALID afterwards.
#pragma once

#include <memory>
#include <mutex>

#include "module.hpp"

namespace carta::pkcs11 {

class SessionCall {
  public:
    enum class Access { Exclusive, Shared };
    explicit SessionCall(CK_SESSION_HANDLE handle, Access access = Access::Exclusive);

    Module& module() { return *module_; }
    Session& session() { return *session_; }
    Slot& slot() { return slot_; }

    // Throws CKR_SESSION_READ_ONLY for a read-only session.
    void require_read_write() const;

    // Throws for an object handle the session cannot see: `invalid_handle`
    // (CKR_OBJECT_HANDLE_INVALID, CKR_KEY_HANDLE_INVALID), or CKR_SESSION_CLOSED
    // if the session was closed while this call ran. Closing the last session
    // logs the token out, which hides its private objects: without this a
    // C_SignInit overtaken by C_Finalize would blame the key.
    [[noreturn]] void object_missing(CK_RV invalid_handle) const;

  private:
    std::shared_ptr<Module> module_;
    std::shared_ptr<Session> session_;
    Slot slot_;
    std::unique_lock<Mutex> lock_;
};

// The answer of a function the module does not offer (CKR_FUNCTION_NOT_SUPPORTED,
// CKR_FUNCTION_NOT_PARALLEL, ...), once its session has been checked like any other:
// an invalid or removed session still says so first.
CK_RV after_session_check(CK_SESSION_HANDLE handle, CK_RV answer);

// The module of this process (throws CKR_CRYPTOKI_NOT_INITIALIZED).
inline std::shared_ptr<Module> module() {
    return Module::current();
}

}  // namespace carta::pkcs11
