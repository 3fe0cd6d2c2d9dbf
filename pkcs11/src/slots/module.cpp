#include "module.hpp"

#include <unistd.h>

#include <cstdlib>
#include <mutex>

#include "carta/card/openssl.hpp"
#include "errors.hpp"
#include "log.hpp"

namespace carta::pkcs11 {
namespace {

// Everything global, per process. A child after fork() finds the parent's
// ProcessState (pid differs) and installs its own; the parent's is leaked on
// purpose: its mutex may have been held by a thread that does not exist in the
// child, and its PC/SC handles belong to the parent's connection to pcscd.
struct ProcessState {
    explicit ProcessState(pid_t p) : pid(p) {}
    const pid_t pid;
    std::mutex mutex;  // initialisation and finalisation
    std::shared_ptr<Module> module;
};

std::atomic<ProcessState*> g_state{nullptr};

ProcessState& process_state() {
    const pid_t pid = getpid();
    ProcessState* state = g_state.load();
    while (state == nullptr || state->pid != pid) {
        auto* fresh = new ProcessState(pid);
        if (g_state.compare_exchange_strong(state, fresh)) return *fresh;
        delete fresh;  // another thread of this process was quicker; `state` is its
    }
    return *state;
}

// Set by exit(): the process ends, nothing is unloaded (see finalize_before_unload).
std::atomic<bool> g_process_exiting{false};

void note_process_exit() {
    g_process_exiting.store(true);
}

// exit() runs the handlers atexit() registered before any library's destructor functions; a
// dlclose runs this library's handlers after its destructor functions (crtstuff's
// __do_global_dtors_aux is the last .fini_array entry). So the flag tells the two apart.
[[gnu::constructor]] void watch_for_exit() {
    std::atexit(note_process_exit);
}

std::shared_ptr<card::ObjectCache> make_cache() {
    if (auto directory = card::ObjectCache::default_directory())
        return std::make_shared<card::ObjectCache>(*directory);
    return std::make_shared<card::ObjectCache>();
}

}  // namespace

Module::Module(Locking locking)
    : locking_(locking),
      cache_(make_cache()),
      slots_(std::make_unique<SlotManager>(locking_, cache_, reader_system())),
      sessions_(std::make_unique<SessionManager>(locking_)) {}

Module::~Module() = default;

void Module::initialize(CK_VOID_PTR init_args) {
    const auto locking = Locking::from_arguments(static_cast<const CK_C_INITIALIZE_ARGS*>(init_args));
    // CKF_LIBRARY_CANT_CREATE_OS_THREADS: the one thread the module starts (the one that
    // gives the card back after an operation, reader.hpp) is not started; the card goes back
    // at the end of each operation.
    ProcessState& state = process_state();
    std::lock_guard lock(state.mutex);
    if (state.module) fail(CKR_CRYPTOKI_ALREADY_INITIALIZED);
    try {
        (void)ossl::context();  // carta's private OpenSSL library context, created once
    } catch (const std::exception& e) {
        fail(CKR_GENERAL_ERROR, e.what());
    }
    state.module = std::make_shared<Module>(locking);
}

void Module::finalize(CK_VOID_PTR reserved) {
    if (reserved != nullptr) fail(CKR_ARGUMENTS_BAD, "C_Finalize: pReserved must be NULL");
    std::shared_ptr<Module> module;
    {
        ProcessState& state = process_state();
        std::lock_guard lock(state.mutex);
        if (!state.module) fail(CKR_CRYPTOKI_NOT_INITIALIZED);
        module = std::move(state.module);
    }
    module->shut_down();
    // Calls still running keep their reference; the last one frees the module.
}

std::shared_ptr<Module> Module::current() {
    ProcessState& state = process_state();
    std::lock_guard lock(state.mutex);
    if (!state.module) fail(CKR_CRYPTOKI_NOT_INITIALIZED);
    return state.module;
}

// An application that unloads the module (dlclose) without C_Finalize: the module finalises
// itself first, as C_Finalize would (sessions closed, the card given back). Otherwise the thread
// that gives the card back would wake in unmapped code and crash the application, and the card
// would stay in a transaction of this process until it ends. Not at exit(): nothing is unmapped
// then, and the application's other threads may still be in calls of the module.
void Module::finalize_before_unload() noexcept {
    if (g_process_exiting.load()) return;
    ProcessState* state = g_state.load();
    if (state == nullptr || state->pid != getpid()) return;
    try {
        std::shared_ptr<Module> module;
        {
            std::lock_guard lock(state->mutex);
            module = std::move(state->module);
        }
        if (module) {
            log::line("unloaded without C_Finalize: finalising now");
            module->shut_down();
        }
    } catch (const std::exception& e) {
        log::line(std::string("finalising at unload: ") + e.what());
    } catch (...) {
    }
    delete g_state.exchange(nullptr);  // nothing of this library may be used any more
}

namespace {
// Runs when the library is unloaded or the process exits: .fini_array, before the C++
// destructors of this library's objects.
[[gnu::destructor]] void finalize_before_unload() {
    Module::finalize_before_unload();
}
}  // namespace

void Module::shut_down() {
    finalizing_.store(true);
    slots_->cancel();  // wakes C_WaitForSlotEvent
    // Every session ends; tokens still logged in log out on the card too.
    for (const auto& session : sessions_->close_everything()) logout_if_unused(session->slot());
    slots_->release_cards();  // the card goes back to other processes now, not after the hold
}

void Module::logout_if_unused(CK_SLOT_ID id) {
    if (sessions_->count(id).all != 0) return;
    try {
        Slot s = slot(id);
        if (s.login() != Login::None) s.logout();
    } catch (const std::exception& e) {
        log::line(std::string("logging out after the last session: ") + e.what());
    }
}

}  // namespace carta::pkcs11
