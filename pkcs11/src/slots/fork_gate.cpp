#include "fork_gate.hpp"

#include <pthread.h>

#include <condition_variable>
#include <mutex>
#include <new>
#include <stdexcept>

namespace carta::pkcs11::fork_gate {
namespace {

struct State {
    std::mutex mutex;
    std::condition_variable changed;
    unsigned passes = 0;  // out now
    bool forking = false;
};

// In static storage, so that the child can build a fresh one without
// allocating: the parent's condition variable may list waiters (threads that
// waited in enter()) which do not exist in the child.
alignas(State) unsigned char storage[sizeof(State)];
State* state = nullptr;
std::once_flag registered;

void before_fork() {
    std::unique_lock lock(state->mutex);
    state->forking = true;
    state->changed.wait(lock, [] { return state->passes == 0; });
    lock.release();  // held through fork(); the handlers below unlock it
}

void after_fork_in_parent() {
    state->forking = false;
    state->mutex.unlock();
    state->changed.notify_all();
}

void after_fork_in_child() {
    // The only thread here is the one that forked, and no pass is out. The old
    // State is left as it is (a mutex and a condition variable own nothing).
    state = new (storage) State();
}

void register_once() {
    std::call_once(registered, [] {
        state = new (storage) State();
        // Without the handlers our threads could leave a child stuck: no thread then.
        if (pthread_atfork(before_fork, after_fork_in_parent, after_fork_in_child) != 0)
            throw std::runtime_error("cannot register fork handlers");
    });
}

}  // namespace

void enter() {
    register_once();
    std::unique_lock lock(state->mutex);
    state->changed.wait(lock, [] { return !state->forking; });
    ++state->passes;
}

void leave() {
    // Notified with the mutex held: a fork waiting for this pass cannot go on while this
    // thread is still inside the condition variable.
    const std::lock_guard lock(state->mutex);
    if (--state->passes == 0) state->changed.notify_all();
}

}  // namespace carta::pkcs11::fork_gate
