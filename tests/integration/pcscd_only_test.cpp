// What only the real PC/SC stack can show: pcscd restarting under a session, the
// card pulled and re-inserted, and the cost of one APDU through pcscd + vpcd.
#include <chrono>
#include <iostream>

#include "card_protocol_test.hpp"
#include "carta/apdu/transport.hpp"
#include "pcscd_harness.hpp"

namespace carta::sim::testing {
namespace {

using apdu::TransportError;

class ThroughPcscd : public CardProtocol {
  protected:
    test::SimCard& sim() { return dynamic_cast<PcscdHarness&>(harness()).sim(); }
};

TEST_P(ThroughPcscd, PcscdRestartInTheMiddleOfASession) {
    login_common();
    sim().restart_pcscd();
    // The old PC/SC context and handle died with pcscd; reconnect() makes new ones.
    EXPECT_THROW(transport().transmit(from_hex("00 84 00 00 08")), TransportError);
    transport().reconnect();
    select(ProfileId::common);
    EXPECT_EQ(verify_status(), SW(0x63C3));  // the card was powered off: PIN needed again
    EXPECT_EQ(verify(kPin), SW(0x9000));
    EXPECT_EQ(generate(0x31, kAlg2048OrP256).status, SW(0x9000));
}

TEST_P(ThroughPcscd, CardPulledAndReinserted) {
    login_common();
    sim().pull();
    try {
        transport().transmit(from_hex("00 84 00 00 08"));
        ADD_FAILURE() << "transmit to a pulled card succeeded";
    } catch (const TransportError& error) {
        EXPECT_TRUE(error.kind() == TransportError::Kind::CardRemoved ||
                    error.kind() == TransportError::Kind::NoCard)
            << error.what();
    }
    sim().insert();
    transport().reconnect();
    select(ProfileId::common);
    EXPECT_EQ(verify_status(), SW(0x63C3));
    EXPECT_EQ(verify(kPin), SW(0x9000));
    EXPECT_EQ(select(ProfileId::common).life_cycle, 0x05);  // nothing stored was lost
}

// Without TCP_NODELAY/TCP_QUICKACK in carta-sim every APDU would wait ~40 ms for a delayed ACK.
TEST_P(ThroughPcscd, PerApduRoundTripIsFast) {
    select(ProfileId::common);
    constexpr int kRounds = 300;
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < kRounds; ++i) ASSERT_EQ(send_hex("00 84 00 00 08").status, SW(0x9000));
    const double per_apdu_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count() /
        kRounds;
    std::cout << "per-APDU round trip through pcscd: " << per_apdu_ms << " ms\n";
    RecordProperty("per_apdu_us", static_cast<int>(per_apdu_ms * 1000));
    EXPECT_LT(per_apdu_ms, 10.0);
}

INSTANTIATE_TEST_SUITE_P(Pcscd, ThroughPcscd, ::testing::Values(pcscd_harness()), harness_name);

}  // namespace
}  // namespace carta::sim::testing
