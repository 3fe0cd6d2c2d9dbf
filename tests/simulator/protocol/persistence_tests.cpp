// What the card stores survives a restart of the simulator; the session does not.
#include "card_protocol_test.hpp"
#include "carta/apdu/tlv.hpp"
#include "host_crypto.hpp"

namespace carta::sim::testing {
namespace {

TEST_P(CardProtocol, StateSurvivesRestart) {
    login_common();
    const Bytes public_key = generate(0x31, kAlg2048OrP256).data;
    const Pkey key = public_key_from_template(public_key);
    const Pkey ca = generate_key("P-256");
    ASSERT_EQ(put_object(0x2001, tlv::encode(0x53, make_certificate(key.get(), ca.get(), "kept"))),
              SW(0x9000));
    ASSERT_EQ(put_object(0x5032, tlv::encode(0x50, as_bytes("kept label"))), SW(0x9000));
    ASSERT_EQ(verify("0000"), SW(0x63C2));
    const Fci before = select(ProfileId::common);
    const Bytes certificate = read_file(0x2001);

    harness().restart_card();

    const Fci after = select(ProfileId::common);
    EXPECT_EQ(after.life_cycle, 0x05);
    EXPECT_EQ(after.change_counter, before.change_counter);
    EXPECT_EQ(after.pin_tries, 2);           // the spent try is stored
    EXPECT_EQ(verify_status(), SW(0x63C2));  // the session is gone
    EXPECT_EQ(get_data(0x31).data, public_key);
    EXPECT_EQ(read_file(0x2001), certificate);
    EXPECT_EQ(read_file(0x5032)[6], 10);
    ASSERT_EQ(verify(kPin), SW(0x9000));
    const Bytes hash = digest("SHA256", as_bytes("after restart"));
    EXPECT_TRUE(verify_ecdsa(key.get(), hash, sign(0x31, kSignEcdsa, hash)));
}

TEST_P(CardProtocol, UnblockedSecurePinSurvivesRestart) {
    select(ProfileId::secure);
    Bytes data(kTemplateSecurePuk, kTemplateSecurePuk + 8);
    data.resize(32, 0x00);
    const Bytes pin = block("97531", 32);
    data.insert(data.end(), pin.begin(), pin.end());
    ASSERT_EQ(reset_retry_counter(0x00, data), SW(0x9000));
    harness().restart_card();
    select(ProfileId::secure);
    EXPECT_EQ(verify("97531"), SW(0x9000));
}

}  // namespace
}  // namespace carta::sim::testing
