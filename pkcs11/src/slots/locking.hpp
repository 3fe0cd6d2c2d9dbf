// Mutexes as C_Initialize's arguments ask for them (PKCS#11 v2.40 §5.4):
//   - CKF_OS_LOCKING_OK (with or without callbacks): the operating system's locks;
//   - callbacks only: the application's CreateMutex/LockMutex/... for every lock;
//   - neither: the application promises a single thread; OS locks cost nothing then.
#pragma once

#include <memory>

#include "ck.hpp"

namespace carta::pkcs11 {

// BasicLockable, so std::lock_guard / std::unique_lock work with it.
class Mutex {
  public:
    virtual ~Mutex() = default;
    virtual void lock() = 0;
    virtual void unlock() = 0;
};

class Locking {
  public:
    Locking() = default;  // OS locks
    // Throws Pkcs11Error(CKR_ARGUMENTS_BAD) for pReserved != NULL or callbacks
    // given only in part. `args` may be NULL.
    static Locking from_arguments(const CK_C_INITIALIZE_ARGS* args);

    std::unique_ptr<Mutex> make_mutex() const;
    // False when the application said CKF_LIBRARY_CANT_CREATE_OS_THREADS.
    bool may_start_threads() const { return may_start_threads_; }

  private:
    CK_CREATEMUTEX create_ = nullptr;
    CK_DESTROYMUTEX destroy_ = nullptr;
    CK_LOCKMUTEX lock_ = nullptr;
    CK_UNLOCKMUTEX unlock_ = nullptr;
    bool may_start_threads_ = true;
};

}  // namespace carta::pkcs11
