// A PIN read from the environment, seen from outside the carta process while it
// still runs (/proc/PID/environ): needs carta as a process of its own, so this runs
// the binary against a realistic card behind a private pcscd.
#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

#include "cli_fixture.hpp"

namespace carta::test {
namespace {

class SlowCardTest : public CardTest {
  protected:
    void SetUp() override {
        CardTest::SetUp();
        init_card();
    }
    SimCard::Latency latency() const override { return SimCard::Latency::Realistic; }
};

TEST_F(SlowCardTest, PinFromTheEnvironmentIsWipedOnceRead) {
    // RSA-2048 generation takes seconds on a realistic card; the PIN was read well before.
    auto generating = start_carta({"key", "generate", "--algorithm", "rsa2048"}, pin());
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    std::ifstream in("/proc/" + std::to_string(generating->pid()) + "/environ", std::ios::binary);
    const std::string environment((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto result = generating->wait();
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    ASSERT_NE(environment.find("XDG_CACHE_HOME="), std::string::npos) << "the environment was read";
    EXPECT_EQ(environment.find(kPin), std::string::npos);
    EXPECT_EQ(environment.find("CARTA_PIN=2"), std::string::npos);
}

}  // namespace
}  // namespace carta::test
