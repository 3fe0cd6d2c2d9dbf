// INITIALISE PROFILE, ERASE PROFILE and the life cycle (docs §2, §3).
#include "card_protocol_test.hpp"
#include "carta/apdu/tlv.hpp"

namespace carta::sim::testing {
namespace {

using apdu::CommandApdu;

TEST_P(CardProtocol, InitialiseOnlyInLifeCycle03) {
    select(ProfileId::common);
    EXPECT_EQ(initialise(kPuk, kPin, "Jan Kowalski"), SW(0x9000));
    const Fci fci = select(ProfileId::common);
    EXPECT_EQ(fci.life_cycle, 0x05);
    EXPECT_EQ(fci.pin_tries, 3);
    EXPECT_EQ(fci.puk_tries, 10);
    EXPECT_EQ(fci.change_counter, 1u);
    EXPECT_EQ(initialise(kPuk, kPin), SW(0x6985));  // already initialised
    select(ProfileId::secure);
    EXPECT_EQ(initialise(kPuk, kPin), SW(0x6985));
}

TEST_P(CardProtocol, InitialiseWithoutPinGivesLifeCycle04) {
    select(ProfileId::common);
    EXPECT_EQ(initialise(kPuk, std::nullopt), SW(0x9000));
    const Fci fci = select(ProfileId::common);
    EXPECT_EQ(fci.life_cycle, 0x04);
    EXPECT_EQ(fci.pin_tries, 0);
    EXPECT_EQ(read_file(0x5032)[1], 0x04);
}

TEST_P(CardProtocol, InitialiseRefusesBadValuesAndChangesNothing) {
    select(ProfileId::common);
    EXPECT_EQ(initialise("123", kPin), SW(0x6A80));                       // PUK too short
    EXPECT_EQ(initialise(kPuk, std::string(33, '1')), SW(0x6A80));        // PIN too long
    EXPECT_EQ(initialise(kPuk, kPin, std::string(30, 'x')), SW(0x6A80));  // label > 29 bytes
    EXPECT_EQ(status(CommandApdu{0x80, 0x44, 0x00, 0x00, from_hex("83 04 31323334"), std::nullopt}),
              SW(0x6A80));  // no PUK
    EXPECT_EQ(status(CommandApdu{0x80, 0x44, 0x00, 0x00, from_hex("84 04 31323334 99 01 00"), std::nullopt}),
              SW(0x6A80));  // unknown tag
    EXPECT_EQ(status(CommandApdu{0x80, 0x44, 0x00, 0x00, from_hex("84 08 313233"), std::nullopt}),
              SW(0x6A80));  // truncated TLV
    EXPECT_EQ(status(CommandApdu{0x80, 0x44, 0x00, 0x00, from_hex("84 05 3132003334"), std::nullopt}),
              SW(0x6A80));  // 00 inside
    const Fci fci = select(ProfileId::common);
    EXPECT_EQ(fci.life_cycle, 0x03);
    EXPECT_EQ(fci.change_counter, 0u);
    EXPECT_EQ(initialise(kPuk, kPin, std::string(29, 'x')), SW(0x9000));  // 29 is the limit
}

TEST_P(CardProtocol, UninitialisedProfileRefusesMostCommands) {
    select(ProfileId::common);
    EXPECT_EQ(generate(0x21, kAlg2048OrP256).status, SW(0x6985));
    EXPECT_EQ(set_signing(0x21, kSignPkcs1), SW(0x6985));
    EXPECT_EQ(reset_retry_counter(0x01, Bytes(32, 0x31)), SW(0x6985));
    EXPECT_EQ(status(CommandApdu{0x80, 0xE6, 0x00, 0x00, from_hex("84 08 3132333435363738"), std::nullopt}),
              SW(0x6985));
    EXPECT_EQ(delete_object(0x2001), SW(0x6985));
    EXPECT_EQ(get_data(0x21).status, SW(0x6A88));  // GET DATA is allowed: there is just no key
    EXPECT_EQ(send_hex("00 84 00 00 08").status, SW(0x9000));
}

TEST_P(CardProtocol, EraseProfile) {
    login_common();
    ASSERT_EQ(generate(0x31, kAlg2048OrP256).status, SW(0x9000));
    const std::uint32_t counter = change_counter(ProfileId::common);
    const auto erase = [&](std::string_view puk) {
        return status(CommandApdu{0x80, 0xE6, 0x00, 0x00, tlv::encode(0x84, as_bytes(puk)), std::nullopt});
    };
    EXPECT_EQ(erase("87654321"), SW(0x63C9));
    EXPECT_EQ(erase("12"), SW(0x6A80));  // cannot be a PUK: no try
    EXPECT_EQ(select(ProfileId::common).puk_tries, 9);
    EXPECT_EQ(erase(kPuk), SW(0x9000));
    const Fci fci = select(ProfileId::common);
    EXPECT_EQ(fci.life_cycle, 0x03);
    EXPECT_GT(fci.change_counter, counter);  // never reset
    EXPECT_EQ(get_data(0x31).status, SW(0x6A88));
    EXPECT_EQ(select_file(0x1031), SW(0x6A82));
    EXPECT_EQ(verify_status(), SW(0x6A88));
    EXPECT_EQ(initialise("11112222", kPin), SW(0x9000));  // usable again
}

TEST_P(CardProtocol, EraseOfSecureProfileIsRefused) {
    select(ProfileId::secure);
    EXPECT_EQ(status(CommandApdu{0x80, 0xE6, 0x00, 0x00, tlv::encode(0x84, as_bytes(kTemplateSecurePuk)),
                                 std::nullopt}),
              SW(0x6986));
    EXPECT_EQ(select(ProfileId::secure).puk_tries, 10);
}

TEST_P(CardProtocol, SelectingOneProfileClearsTheOthersSecurityState) {
    login_common();
    select(ProfileId::secure);
    select(ProfileId::common);
    EXPECT_EQ(verify_status(), SW(0x63C3));
    EXPECT_EQ(verify(kPin), SW(0x9000));
    select(ProfileId::common);  // selecting the same profile again keeps it
    EXPECT_EQ(verify_status(), SW(0x9000));
}

}  // namespace
}  // namespace carta::sim::testing
