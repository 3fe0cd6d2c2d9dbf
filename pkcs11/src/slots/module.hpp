// The module's state between C_Initialize and C_Finalize.
//
// Fork safety: the state belongs to the process that called C_Initialize.
// A child of that process sees no initialised module (every call answers
// CKR_CRYPTOKI_NOT_INITIALIZED) until it calls C_Initialize itself, which
// builds a fresh module; the parent's state, PC/SC handles included, is left
// untouched (never used, never released) in the child. The one fork handler
// (fork_gate.hpp: fork() waits until the module's own threads are idle) is
// registered by the first such thread; glibc drops it when the module is unloaded.
//
// Unloading (dlclose) without C_Finalize finalises the module first
// (finalize_before_unload), so that its thread does not outlive its code.
#pragma once

#include <atomic>
#include <memory>

#include "ck.hpp"
#include "locking.hpp"
#include "session.hpp"
#include "slot.hpp"
#include "slot_manager.hpp"

namespace carta::pkcs11 {

class Module {
  public:
    explicit Module(Locking locking);
    ~Module();
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;

    static void initialize(CK_VOID_PTR init_args);  // throws Pkcs11Error
    static void finalize(CK_VOID_PTR reserved);
    // The module of this process; throws Pkcs11Error(CKR_CRYPTOKI_NOT_INITIALIZED).
    static std::shared_ptr<Module> current();
    // The library is being unloaded (dlclose) while still initialised: finalises as C_Finalize
    // would, so that no thread of the module outlives its code. Does nothing at exit().
    static void finalize_before_unload() noexcept;

    SlotManager& slots() { return *slots_; }
    SessionManager& sessions() { return *sessions_; }
    // A slot by id; throws Pkcs11Error(CKR_SLOT_ID_INVALID).
    Slot slot(CK_SLOT_ID id) { return Slot(slots_->reader(id), id); }
    bool finalizing() const { return finalizing_.load(); }

    // The last session of a slot closed: its token logs out (PKCS#11 §5.6).
    void logout_if_unused(CK_SLOT_ID slot);

  private:
    void shut_down();

    Locking locking_;
    std::shared_ptr<card::ObjectCache> cache_;
    std::unique_ptr<SlotManager> slots_;
    std::unique_ptr<SessionManager> sessions_;
    std::atomic<bool> finalizing_{false};
};

}  // namespace carta::pkcs11
