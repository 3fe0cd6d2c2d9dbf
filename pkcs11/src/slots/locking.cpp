#include "locking.hpp"

#include <mutex>

#include "errors.hpp"

namespace carta::pkcs11 {
namespace {

class OsMutex final : public Mutex {
  public:
    void lock() override { mutex_.lock(); }
    void unlock() override { mutex_.unlock(); }

  private:
    std::mutex mutex_;
};

class ApplicationMutex final : public Mutex {
  public:
    ApplicationMutex(CK_CREATEMUTEX create, CK_DESTROYMUTEX destroy, CK_LOCKMUTEX lock, CK_UNLOCKMUTEX unlock)
        : destroy_(destroy), lock_(lock), unlock_(unlock) {
        const CK_RV rv = create(&handle_);
        if (rv != CKR_OK)
            fail(rv == CKR_HOST_MEMORY ? rv : CKR_CANT_LOCK, "the application's CreateMutex failed");
    }
    ~ApplicationMutex() override { destroy_(handle_); }
    void lock() override {
        if (lock_(handle_) != CKR_OK) fail(CKR_CANT_LOCK, "the application's LockMutex failed");
    }
    void unlock() override { unlock_(handle_); }

  private:
    CK_VOID_PTR handle_ = nullptr;
    CK_DESTROYMUTEX destroy_;
    CK_LOCKMUTEX lock_;
    CK_UNLOCKMUTEX unlock_;
};

}  // namespace

Locking Locking::from_arguments(const CK_C_INITIALIZE_ARGS* args) {
    Locking locking;
    if (args == nullptr) return locking;
    if (args->pReserved != nullptr) fail(CKR_ARGUMENTS_BAD, "C_Initialize: pReserved must be NULL");
    const int given = (args->CreateMutex != nullptr) + (args->DestroyMutex != nullptr) +
                      (args->LockMutex != nullptr) + (args->UnlockMutex != nullptr);
    if (given != 0 && given != 4)
        fail(CKR_ARGUMENTS_BAD, "C_Initialize: give all four mutex callbacks or none");
    locking.may_start_threads_ = (args->flags & CKF_LIBRARY_CANT_CREATE_OS_THREADS) == 0;
    if (given == 4 && (args->flags & CKF_OS_LOCKING_OK) == 0) {
        locking.create_ = args->CreateMutex;
        locking.destroy_ = args->DestroyMutex;
        locking.lock_ = args->LockMutex;
        locking.unlock_ = args->UnlockMutex;
    }
    return locking;
}

std::unique_ptr<Mutex> Locking::make_mutex() const {
    if (create_ != nullptr) return std::make_unique<ApplicationMutex>(create_, destroy_, lock_, unlock_);
    return std::make_unique<OsMutex>();
}

}  // namespace carta::pkcs11
