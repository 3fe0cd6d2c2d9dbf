// fork() and the module's own threads (pkcs11/src/slots/fork_gate.hpp): a child must never
// inherit a lock that one of our threads held, so fork() waits until they all sleep.
#include "fork_gate.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <thread>

namespace carta::pkcs11::test {
namespace {

using namespace std::chrono_literals;

// A pass for a scope, as a thread of the module holds one while it works.
class Pass {
  public:
    Pass() { fork_gate::enter(); }
    ~Pass() { fork_gate::leave(); }
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;
};

// The child's exit status, or -1 if it did not exit by itself.
int exit_status_of(pid_t child) {
    int status = 0;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}

TEST(ForkGate, ForkWaitsUntilNoThreadOfTheModuleHoldsAPass) {
    std::promise<void> entered;
    std::promise<void> forked;
    std::atomic<bool> finished{false};
    std::thread worker([&] {
        {
            const Pass pass;
            entered.set_value();
            std::this_thread::sleep_for(50ms);  // working: inside libpcsclite, say
            finished = true;
        }
        forked.get_future().wait();  // not ending while the test forks
    });
    entered.get_future().wait();
    const pid_t child = fork();
    if (child == 0) _exit(finished ? 0 : 1);  // the child sees the work done
    forked.set_value();
    worker.join();
    ASSERT_GT(child, 0);
    EXPECT_EQ(exit_status_of(child), 0) << "fork() ran while a thread of the module held a pass";
}

TEST(ForkGate, TheChildCanTakePassesAfterAForkThatWaited) {
    fork_gate::enter();
    std::thread leaver([] {
        std::this_thread::sleep_for(20ms);
        fork_gate::leave();
    });
    const pid_t child = fork();  // waits for leaver
    if (child == 0) {
        alarm(10);  // a hang here would be the bug: die instead of waiting for ctest's timeout
        fork_gate::enter();
        fork_gate::leave();
        _exit(0);
    }
    leaver.join();
    ASSERT_GT(child, 0);
    EXPECT_EQ(exit_status_of(child), 0);
}

TEST(ForkGate, AfterAForkTheParentsThreadsTakePassesAgain) {
    Pass{};  // the fork handlers are in place
    const pid_t child = fork();
    if (child == 0) _exit(0);
    ASSERT_EQ(exit_status_of(child), 0);
    std::promise<void> passed;
    std::thread taker([&] {
        const Pass pass;
        passed.set_value();
    });
    // A hang would be the bug; ten seconds tell it from a slow machine.
    const bool in_time = passed.get_future().wait_for(10s) == std::future_status::ready;
    if (in_time)
        taker.join();
    else
        taker.detach();
    EXPECT_TRUE(in_time) << "a pass taken after fork() waited for a fork that had ended";
}

}  // namespace
}  // namespace carta::pkcs11::test
