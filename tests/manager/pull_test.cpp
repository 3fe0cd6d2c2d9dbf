// A card pulled while `carta key generate` runs (realistic card timings: RSA-4096
// generation takes a minute, so the pull lands in the middle of GENERATE).
#include <chrono>
#include <thread>

#include "cli_fixture.hpp"

namespace carta::test {
namespace {

class PullTest : public CardTest {
  protected:
    SimCard::Latency latency() const override { return SimCard::Latency::Realistic; }

    // Starts an RSA-4096 generation, pulls the card while it runs, and returns what carta said.
    Result pull_during_generation() {
        auto generating = start_carta({"key", "generate", "--algorithm", "rsa4096"}, pin());
        // Let carta verify the PIN and send GENERATE (well under a second), then pull.
        std::this_thread::sleep_for(std::chrono::seconds(2));
        EXPECT_FALSE(generating->finished()) << "key generation ended before the card was pulled";
        // carta-sim takes the pull between its computations, not in the middle of one: on a
        // sanitizer build under load its RSA-4096 prime search can outlast simcard's usual 20 s
        // wait for the reader to show no card (the card's own minute follows it).
        card().simcard({"pull", "--timeout", "150"});
        return generating->wait();
    }
};

TEST_F(PullTest, CardPulledDuringKeyGenerationGivesOneClearError) {
    init_card();
    const auto result = pull_during_generation();
    EXPECT_EQ(result.exit_code, 7) << describe(result);
    EXPECT_EQ(result.err, "carta: communication with the card failed: the card was removed from reader \"" +
                              card().reader() + "\" before the operation finished\n");
}

TEST_F(PullTest, CardPulledDuringKeyGenerationLeavesNoKey) {
    init_card();
    const auto before = status_snapshot();
    EXPECT_EQ(pull_during_generation().exit_code, 7);
    card().insert();
    EXPECT_EQ(status_snapshot(), before);
}

}  // namespace
}  // namespace carta::test
