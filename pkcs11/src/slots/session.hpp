// Sessions: a handle, the slot it was opened on, and the operations active in it.
// The login state is not here: it is one per token (Token), shared by all sessions.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <vector>

#include "ck.hpp"
#include "locking.hpp"
#include "operations.hpp"

namespace carta::pkcs11 {

class Session {
  public:
    Session(CK_SESSION_HANDLE handle, CK_SLOT_ID slot, CK_FLAGS flags, std::uint64_t epoch,
            std::unique_ptr<Mutex> mutex)
        : handle_(handle), slot_(slot), flags_(flags), epoch_(epoch), mutex_(std::move(mutex)) {}

    CK_SESSION_HANDLE handle() const { return handle_; }
    CK_SLOT_ID slot() const { return slot_; }
    CK_FLAGS flags() const { return flags_; }
    bool read_write() const { return (flags_ & CKF_RW_SESSION) != 0; }
    // The insertion of the card the session belongs to (Reader::epoch).
    std::uint64_t epoch() const { return epoch_; }
    // Held for each call on the session: applications must not use one session
    // from two threads at once, but some do.
    Mutex& mutex() { return *mutex_; }
    // Set when the SessionManager removes the session: a call already running on it
    // (C_CloseSession, C_CloseAllSessions or C_Finalize from another thread) can
    // tell a closed session from a missing object.
    bool closed() const { return closed_.load(); }
    void mark_closed() { closed_.store(true); }

    // Active operations; touched only with mutex() held.
    struct Find {
        std::vector<CK_OBJECT_HANDLE> handles;
        std::size_t next = 0;
    };
    std::unique_ptr<Find> find;
    std::unique_ptr<OutputOperation> sign, decrypt, encrypt, digest;
    std::unique_ptr<VerifyOperation> verify;

  private:
    CK_SESSION_HANDLE handle_;
    CK_SLOT_ID slot_;
    CK_FLAGS flags_;
    std::uint64_t epoch_;
    std::unique_ptr<Mutex> mutex_;
    std::atomic<bool> closed_{false};
};

class SessionManager {
  public:
    explicit SessionManager(const Locking& locking);

    std::shared_ptr<Session> open(CK_SLOT_ID slot, CK_FLAGS flags, std::uint64_t epoch);
    std::shared_ptr<Session> find(CK_SESSION_HANDLE handle) const;  // nullptr if unknown
    // Each returns the sessions it removed.
    std::shared_ptr<Session> close(CK_SESSION_HANDLE handle);
    std::vector<std::shared_ptr<Session>> close_all(CK_SLOT_ID slot);
    std::vector<std::shared_ptr<Session>> close_everything();

    struct Counts {
        std::size_t all = 0, read_write = 0, read_only = 0;
    };
    Counts count(CK_SLOT_ID slot) const;

  private:
    const Locking& locking_;
    std::unique_ptr<Mutex> mutex_;  // leaf lock: nothing else is locked while holding it
    std::map<CK_SESSION_HANDLE, std::shared_ptr<Session>> sessions_;
    CK_SESSION_HANDLE next_ = 1;
};

}  // namespace carta::pkcs11
