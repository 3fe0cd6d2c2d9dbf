// VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER and the try rule (docs §3).
#include "card_protocol_test.hpp"

namespace carta::sim::testing {
namespace {

using apdu::CommandApdu;

Bytes two_blocks(std::string_view first, std::string_view second) {
    Bytes data(first.begin(), first.end());
    data.resize(32, 0x00);
    data.insert(data.end(), second.begin(), second.end());
    data.resize(64, 0x00);
    return data;
}

Bytes one_block(std::string_view code) {
    Bytes data(code.begin(), code.end());
    data.resize(32, 0x00);
    return data;
}

TEST_P(CardProtocol, VerifyStatusQuery) {
    select(ProfileId::common);
    EXPECT_EQ(verify_status(0x83), SW(0x6A88));  // uninitialised: no PIN
    EXPECT_EQ(verify_status(0x84), SW(0x6A88));
    ASSERT_EQ(initialise(kPuk, kPin), SW(0x9000));
    EXPECT_EQ(verify_status(0x83), SW(0x63C3));  // not verified, 3 tries left
    EXPECT_EQ(verify_status(0x84), SW(0x63CA));
    EXPECT_EQ(verify(kPin), SW(0x9000));
    EXPECT_EQ(verify_status(0x83), SW(0x9000));
    EXPECT_EQ(send_hex("00 20 FF 83").status, SW(0x9000));  // log out
    EXPECT_EQ(verify_status(0x83), SW(0x63C3));
    EXPECT_EQ(send_hex("00 20 00 85").status, SW(0x6A86));
}

TEST_P(CardProtocol, PinLocksAfterThreeWrongTries) {
    login_common();
    EXPECT_EQ(verify("9999"), SW(0x63C2));
    EXPECT_EQ(verify_status(), SW(0x63C2));  // a wrong try also ends the verified state
    EXPECT_EQ(verify("9998"), SW(0x63C1));
    EXPECT_EQ(verify("9997"), SW(0x63C0));
    EXPECT_EQ(verify(kPin), SW(0x6983));  // blocked even for the right PIN
    EXPECT_EQ(verify_status(), SW(0x6983));
    EXPECT_EQ(select(ProfileId::common).pin_tries, 0);
}

TEST_P(CardProtocol, RightPinRestoresTheCounter) {
    login_common();
    EXPECT_EQ(verify("0000"), SW(0x63C2));
    EXPECT_EQ(verify(kPin), SW(0x9000));
    EXPECT_EQ(select(ProfileId::common).pin_tries, 3);
}

TEST_P(CardProtocol, UnblockPinWithPuk) {
    login_common();
    for (int i = 0; i < 3; ++i) verify("0000");
    ASSERT_EQ(verify(kPin), SW(0x6983));
    const std::uint32_t counter = change_counter(ProfileId::common);
    EXPECT_EQ(reset_retry_counter(0x00, two_blocks("99999999", "4321")), SW(0x63C9));  // wrong PUK
    EXPECT_EQ(reset_retry_counter(0x00, two_blocks(kPuk, "4321")), SW(0x9000));
    EXPECT_EQ(select(ProfileId::common).puk_tries, 10);  // restored by the right PUK
    EXPECT_EQ(verify_status(), SW(0x63C3));
    EXPECT_EQ(verify(kPin), SW(0x63C2));  // the old PIN is gone
    EXPECT_EQ(verify("4321"), SW(0x9000));
    EXPECT_GT(change_counter(ProfileId::common), counter);  // the PIN was set
}

TEST_P(CardProtocol, UnblockPinWithVerifiedPuk) {
    login_common();
    for (int i = 0; i < 3; ++i) verify("0000");
    EXPECT_EQ(reset_retry_counter(0x02, one_block("5678")), SW(0x6982));  // PUK not verified
    EXPECT_EQ(reset_retry_counter(0x03, {}), SW(0x6982));
    ASSERT_EQ(verify(kPuk, 0x84), SW(0x9000));
    EXPECT_EQ(reset_retry_counter(0x02, one_block("5678")), SW(0x9000));  // C_Login(SO) + C_InitPIN
    EXPECT_EQ(verify("5678"), SW(0x9000));
    EXPECT_EQ(verify("0000"), SW(0x63C2));
    EXPECT_EQ(reset_retry_counter(0x03, {}), SW(0x9000));  // counter only
    EXPECT_EQ(select(ProfileId::common).pin_tries, 3);
    EXPECT_EQ(verify("5678"), SW(0x9000));
}

TEST_P(CardProtocol, ResetPinCounterWithPuk) {
    login_common();
    verify("0000");
    verify("0000");
    EXPECT_EQ(reset_retry_counter(0x01, one_block(kPuk)), SW(0x9000));
    EXPECT_EQ(select(ProfileId::common).pin_tries, 3);
    EXPECT_EQ(verify(kPin), SW(0x9000));  // unchanged
    EXPECT_EQ(reset_retry_counter(0x04, {}), SW(0x6A86));
}

TEST_P(CardProtocol, PukLocksAfterTenWrongTries) {
    login_common();
    for (int left = 9; left >= 0; --left)
        EXPECT_EQ(verify("00000000", 0x84), SW(static_cast<std::uint16_t>(0x63C0 | left)));
    EXPECT_EQ(verify(kPuk, 0x84), SW(0x6983));
    EXPECT_EQ(reset_retry_counter(0x00, two_blocks(kPuk, "4321")), SW(0x6983));
    EXPECT_EQ(
        send(CommandApdu{0x80, 0xE6, 0x00, 0x00, from_hex("84 08 3132333435363738"), std::nullopt}).status,
        SW(0x6983));  // not even ERASE
}

TEST_P(CardProtocol, WrongLengthPinsCostNoTry) {
    login_common();
    EXPECT_EQ(verify("123"), SW(0x6A80));                 // 3 characters, 16-byte block
    EXPECT_EQ(verify(std::string(33, '7')), SW(0x6700));  // 33: no block holds it
    EXPECT_EQ(status(CommandApdu{0x00, 0x20, 0x00, 0x83, block(kPin, 20), std::nullopt}), SW(0x6700));
    EXPECT_EQ(status(CommandApdu{0x00, 0x20, 0x00, 0x83, from_hex("31323334003500000000000000000000"),
                                 std::nullopt}),
              SW(0x6A80));  // 00 then a non-00 byte
    EXPECT_EQ(status(CommandApdu{0x00, 0x20, 0x00, 0x83, Bytes(16, 0x00), std::nullopt}), SW(0x6A80));
    EXPECT_EQ(verify_status(), SW(0x9000));  // still verified, no try spent
    send_hex("00 20 FF 83");
    EXPECT_EQ(verify_status(), SW(0x63C3));
    EXPECT_EQ(verify(std::string(32, '7')), SW(0x63C2));  // 32 characters is a real (wrong) try
    EXPECT_EQ(verify(kPin), SW(0x9000));
    // A 32-byte block for a short PIN is accepted.
    EXPECT_EQ(status(CommandApdu{0x00, 0x20, 0x00, 0x83, block(kPin, 32), std::nullopt}), SW(0x9000));
}

TEST_P(CardProtocol, LongPinUses32ByteBlocks) {
    select(ProfileId::common);
    const std::string long_pin = "a rather long passphrase 1234567";  // 32 bytes
    ASSERT_EQ(initialise(kPuk, long_pin), SW(0x9000));
    EXPECT_EQ(verify(long_pin), SW(0x9000));
    EXPECT_EQ(verify("ż\xC3\xB3\xC5\x82w pin"), SW(0x63C2));  // UTF-8 bytes count
}

TEST_P(CardProtocol, ChangePin) {
    login_common();
    const std::uint32_t counter = change_counter(ProfileId::common);
    EXPECT_EQ(change_code("0000", "2468", 0x83), SW(0x63C2));
    EXPECT_EQ(change_code(kPin, "2468", 0x83), SW(0x9000));
    EXPECT_EQ(verify_status(), SW(0x9000));  // left verified
    EXPECT_EQ(select(ProfileId::common).pin_tries, 3);
    EXPECT_EQ(verify(kPin), SW(0x63C2));
    EXPECT_EQ(verify("2468"), SW(0x9000));
    EXPECT_GT(change_counter(ProfileId::common), counter);
}

TEST_P(CardProtocol, ChangePuk) {
    login_common();
    EXPECT_EQ(change_code(kPuk, "87651234", 0x84), SW(0x9000));
    EXPECT_EQ(verify_status(0x84), SW(0x9000));
    EXPECT_EQ(verify(kPuk, 0x84), SW(0x63C9));
    EXPECT_EQ(verify("87651234", 0x84), SW(0x9000));
}

TEST_P(CardProtocol, ChangeWithBadNewCodeCostsNoTry) {
    login_common();
    EXPECT_EQ(change_code("0000", "12", 0x83), SW(0x6A80));  // new code checked before the old one
    EXPECT_EQ(select(ProfileId::common).pin_tries, 3);
    EXPECT_EQ(status(CommandApdu{0x00, 0x24, 0x00, 0x83, block(kPin, 32), std::nullopt}), SW(0x6700));
    EXPECT_EQ(change_code(kPin, "2468", 0x85), SW(0x6A86));
}

TEST_P(CardProtocol, ProfileWithPukOnlyGetsItsPinFromTheResetCommand) {
    select(ProfileId::common);
    ASSERT_EQ(initialise(kPuk, std::nullopt), SW(0x9000));
    EXPECT_EQ(select(ProfileId::common).life_cycle, 0x04);
    EXPECT_EQ(verify_status(), SW(0x6A88));  // no PIN yet
    EXPECT_EQ(verify(kPin), SW(0x6A88));
    EXPECT_EQ(reset_retry_counter(0x01, one_block(kPuk)), SW(0x6985));  // no PIN to reset
    EXPECT_EQ(generate(0x21, kAlg2048OrP256).status, SW(0x6985));       // needs a PIN that is not set
    ASSERT_EQ(verify(kPuk, 0x84), SW(0x9000));
    EXPECT_EQ(reset_retry_counter(0x02, one_block(kPin)), SW(0x9000));
    EXPECT_EQ(select(ProfileId::common).life_cycle, 0x05);
    EXPECT_EQ(verify(kPin), SW(0x9000));
}

}  // namespace
}  // namespace carta::sim::testing
