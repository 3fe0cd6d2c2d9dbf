#include "call.hpp"

#include "errors.hpp"

namespace carta::pkcs11 {
namespace {

std::shared_ptr<Session> find_session(Module& module, CK_SESSION_HANDLE handle) {
    auto session = module.sessions().find(handle);
    if (!session) fail(CKR_SESSION_HANDLE_INVALID);
    return session;
}

}  // namespace

SessionCall::SessionCall(CK_SESSION_HANDLE handle, Access access)
    : module_(Module::current()),
      session_(find_session(*module_, handle)),
      slot_(module_->slot(session_->slot())) {
    module_->slots().refresh(false);
    Reader& reader = slot_.reader();
    if (!reader.present() || reader.epoch() != session_->epoch()) {
        module_->sessions().close(handle);
        fail(CKR_DEVICE_REMOVED, "the card of this session was removed");
    }
    if (access == Access::Exclusive) lock_ = std::unique_lock<Mutex>(session_->mutex());
}

void SessionCall::require_read_write() const {
    if (!session_->read_write()) fail(CKR_SESSION_READ_ONLY);
}

void SessionCall::object_missing(CK_RV invalid_handle) const {
    if (session_->closed()) fail(CKR_SESSION_CLOSED, "the session was closed during the call");
    fail(invalid_handle);
}

CK_RV after_session_check(CK_SESSION_HANDLE handle, CK_RV answer) {
    SessionCall call(handle, SessionCall::Access::Shared);
    return answer;
}

}  // namespace carta::pkcs11
