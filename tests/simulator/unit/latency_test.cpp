// --latency realistic: the card pads its own compute time up to the real card's.
#include "carta/sim/latency.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <utility>
#include <vector>

#include "card_harness.hpp"
#include "carta/sim/virtual_card.hpp"

namespace carta::sim::testing {
namespace {

using std::chrono::milliseconds;

TEST(Latency, RealCardTimes) {
    EXPECT_EQ(real_card_time(CardOperation::sign, KeyAlgorithm::rsa2048), milliseconds(270));
    EXPECT_EQ(real_card_time(CardOperation::sign, KeyAlgorithm::rsa3072), milliseconds(1100));
    EXPECT_EQ(real_card_time(CardOperation::sign, KeyAlgorithm::rsa4096), milliseconds(1500));
    EXPECT_EQ(real_card_time(CardOperation::sign, KeyAlgorithm::p256), milliseconds(160));
    EXPECT_EQ(real_card_time(CardOperation::verify_code, std::nullopt), milliseconds(33));
    EXPECT_EQ(real_card_time(CardOperation::generate_key, KeyAlgorithm::rsa2048), milliseconds(6000));
    EXPECT_EQ(real_card_time(CardOperation::generate_key, KeyAlgorithm::rsa3072), milliseconds(25000));
    EXPECT_EQ(real_card_time(CardOperation::generate_key, KeyAlgorithm::rsa4096), milliseconds(60000));
    EXPECT_EQ(real_card_time(CardOperation::generate_key, KeyAlgorithm::p384), milliseconds(1000));
    EXPECT_LE(real_card_time(CardOperation::read_page, std::nullopt), milliseconds(10));
}

TEST(Latency, SleepsOnlyTheDifference) {
    std::vector<milliseconds> slept;
    const LatencyModel model(Latency::realistic, [&](milliseconds d) {
        slept.push_back(d);
        return true;
    });
    model.pad(CardOperation::sign, KeyAlgorithm::rsa2048,
              std::chrono::steady_clock::now() - milliseconds(100));
    ASSERT_EQ(slept.size(), 1u);
    EXPECT_GE(slept[0], milliseconds(165));
    EXPECT_LE(slept[0], milliseconds(170));
    model.pad(CardOperation::verify_code, std::nullopt, std::chrono::steady_clock::now() - milliseconds(50));
    EXPECT_EQ(slept.size(), 1u);  // already slower than the card
}

TEST(Latency, NoneNeverSleeps) {
    bool slept = false;
    const LatencyModel model(Latency::none, [&](milliseconds) { return slept = true; });
    model.pad(CardOperation::generate_key, KeyAlgorithm::rsa4096, std::chrono::steady_clock::now());
    EXPECT_FALSE(slept);
}

// The card's time for a command, as a client would see it with the real card:
// compute time plus what the model added (the fake sleeper returns at once).
class TimedCard {
  public:
    TimedCard() {
        std::filesystem::copy_file(template_state(), dir_ / "card.state");
        CardOptions options;
        options.latency = Latency::realistic;
        options.sleeper = [this](milliseconds d) {
            slept_ += d;
            return !std::exchange(power_lost_, false);  // one power loss, then power again
        };
        card_ = std::make_unique<VirtualCard>(dir_ / "card.state", options);
    }
    void lose_power_in_next_wait() { power_lost_ = true; }
    Bytes process(const Bytes& command) { return card_->process(command); }
    CardState stored() const { return StateStore(dir_ / "card.state").load(); }
    milliseconds time(const Bytes& command) {
        slept_ = milliseconds(0);
        const auto started = std::chrono::steady_clock::now();
        card_->process(command);
        return slept_ + std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
    }

  private:
    TempDir dir_;
    std::unique_ptr<VirtualCard> card_;
    milliseconds slept_{0};
    bool power_lost_ = false;
};

TEST(Latency, CardUsesTheModelPerCommand) {
    TimedCard card;
    EXPECT_LT(card.time(from_hex("00 A4 04 0C 0A A0 00 00 01 67 45 53 49 47 4E")), milliseconds(33));
    Bytes rrc = from_hex("00 2C 00 83 40");  // a PUK comparison, like VERIFY: 33 ms on the card
    Bytes data(64, 0x00);
    std::copy(kTemplateSecurePuk, kTemplateSecurePuk + 8, data.begin());
    std::fill(data.begin() + 32, data.begin() + 36, '5');
    rrc.insert(rrc.end(), data.begin(), data.end());
    EXPECT_GE(card.time(rrc), milliseconds(32));
    EXPECT_GE(card.time(from_hex("00 20 00 83 10 35353535000000000000000000000000")), milliseconds(32));
}

// A pull while the real card would still be generating: no key, no answer.
TEST(Latency, PowerLossDuringGenerationStoresNothing) {
    TimedCard card;
    auto send = [&](const std::string& hex) { return card.process(from_hex(hex)); };
    ASSERT_EQ(send("00 A4 04 0C 0A A0 00 00 01 67 45 53 49 47 4F"), from_hex("90 00"));
    ASSERT_EQ(send("80 44 00 00 0C 84 04 31323334 83 04 31323334"), from_hex("90 00"));
    ASSERT_EQ(send("00 20 00 83 10 31323334000000000000000000000000"), from_hex("90 00"));
    card.lose_power_in_next_wait();
    EXPECT_TRUE(send("00 47 00 31 03 80 01 41 00").empty());
    EXPECT_EQ(send("00 A4 02 0C 02 10 31"), from_hex("69 85"));  // reset: no profile selected
    ASSERT_EQ(send("00 A4 04 0C 0A A0 00 00 01 67 45 53 49 47 4F"), from_hex("90 00"));
    EXPECT_EQ(send("00 20 00 83"), from_hex("63 C3"));
    EXPECT_EQ(send("00 A4 02 0C 02 10 31"), from_hex("6A 82"));  // no key file
    EXPECT_EQ(card.stored().profile(ProfileId::common).keys.size(), 0u);
    EXPECT_EQ(card.stored().profile(ProfileId::common).change_counter, 1u);
}

}  // namespace
}  // namespace carta::sim::testing
