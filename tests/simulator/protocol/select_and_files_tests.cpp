// SELECT, READ BINARY, the directory and the card information (docs §4, §8).
#include "card_protocol_test.hpp"
#include "carta/apdu/tlv.hpp"

namespace carta::sim::testing {
namespace {

using apdu::CommandApdu;

const Bytes kTemplateCardNumberBcd = from_hex("16 25 83 49 76 91 98 04");

TEST_P(CardProtocol, SelectCommonProfileReturnsFci) {
    const Fci fci = select(ProfileId::common);
    EXPECT_EQ(fci.aid, kCommonAid);
    EXPECT_EQ(fci.life_cycle, 0x03);  // delivered uninitialised
    EXPECT_EQ(fci.card_number_bcd, kTemplateCardNumberBcd);
    EXPECT_EQ(fci.change_counter, 0u);
    EXPECT_EQ(fci.pin_tries, 0);  // codes not set
    EXPECT_EQ(fci.puk_tries, 0);
}

TEST_P(CardProtocol, SelectSecureProfileReturnsFci) {
    const Fci fci = select(ProfileId::secure);
    EXPECT_EQ(fci.aid, kSecureAid);
    EXPECT_EQ(fci.life_cycle, 0x05);
    EXPECT_EQ(fci.card_number_bcd, kTemplateCardNumberBcd);
    EXPECT_EQ(fci.pin_tries, 0);  // blocked at delivery
    EXPECT_EQ(fci.puk_tries, 10);
}

TEST_P(CardProtocol, SelectUnknownAidAnswers6A82AndKeepsSelection) {
    select(ProfileId::common);
    EXPECT_EQ(status(CommandApdu{0x00, 0xA4, 0x04, 0x00, from_hex("A0 00 00 03 08 00 00 10 00 01 00"), 256}),
              SW(0x6A82));  // PIV: other middleware must leave this card alone
    EXPECT_EQ(status(CommandApdu{0x00, 0xA4, 0x04, 0x00, from_hex("A0 00 00 01 67 45 53 49 47"), 256}),
              SW(0x6A82));
    EXPECT_EQ(select_file(0x5032), SW(0x9000));  // the common profile is still selected
}

TEST_P(CardProtocol, SelectWithP2_0CReturnsNoData) {
    const auto response = send_hex("00 A4 04 0C 0A A0 00 00 01 67 45 53 49 47 4F");
    EXPECT_EQ(response.status, SW(0x9000));
    EXPECT_TRUE(response.data.empty());
}

TEST_P(CardProtocol, SelectFileNeedsAProfile) {
    EXPECT_EQ(select_file(0x5032), SW(0x6985));
    select(ProfileId::common);
    EXPECT_EQ(select_file(0x5032), SW(0x9000));
    EXPECT_EQ(select_file(0x1021), SW(0x6A82));  // no such key yet
    EXPECT_EQ(select_file(0x2001), SW(0x6A82));
    EXPECT_EQ(select_file(0x4711), SW(0x6A82));
}

TEST_P(CardProtocol, DirectoryOfUninitialisedProfile) {
    select(ProfileId::common);
    const Bytes directory = read_file(0x5032);
    ASSERT_EQ(directory.size(), 0x6Au);
    EXPECT_EQ(directory[0], 0x01);  // format version
    EXPECT_EQ(directory[1], 0x03);  // life cycle
    EXPECT_EQ(Bytes(directory.begin() + 2, directory.begin() + 6), from_hex("00000000"));
    EXPECT_EQ(directory[6], 0);                                                    // no label
    EXPECT_EQ(Bytes(directory.begin() + 0x24, directory.end()), Bytes(70, 0x00));  // 35 empty entries
}

TEST_P(CardProtocol, DirectoryOfSecureProfileListsPreloadedKeys) {
    select(ProfileId::secure);
    const Bytes directory = read_file(0x5032);
    ASSERT_EQ(directory.size(), 0x6Au);
    EXPECT_EQ(directory[1], 0x05);
    for (int i = 0; i < 10; ++i) {
        const std::uint8_t type = directory[0x24 + 2 * i], algorithm = directory[0x25 + 2 * i];
        if (i < 5) {
            EXPECT_EQ(type, 0x01 + i);   // RSA key i+1
            EXPECT_EQ(algorithm, 0x42);  // RSA-3072
        } else {
            EXPECT_EQ(type, 0x00);
        }
        const std::uint8_t ec_type = directory[0x24 + 2 * (10 + i)],
                           ec_algorithm = directory[0x25 + 2 * (10 + i)];
        if (i < 5) {
            EXPECT_EQ(ec_type, 0x11 + i);   // EC key i+1
            EXPECT_EQ(ec_algorithm, 0x42);  // P-384
        } else {
            EXPECT_EQ(ec_type, 0x00);
        }
    }
}

TEST_P(CardProtocol, CardInformationFile) {
    select(ProfileId::common);
    const Bytes info = read_file(0x5034);
    EXPECT_EQ(Bytes(tlv::require(info, 0x5A).value.begin(), tlv::require(info, 0x5A).value.end()),
              kTemplateCardNumberBcd);
    const auto model = tlv::require(info, 0x50).value;
    EXPECT_EQ(std::string(model.begin(), model.end()), "cryptoCertum 3.6");
    EXPECT_TRUE(tlv::find(info, 0x51).has_value());
    EXPECT_EQ(Bytes(tlv::require(info, 0x52).value.begin(), tlv::require(info, 0x52).value.end()),
              from_hex("01 00"));
    EXPECT_EQ(tlv::require(info, 0x53).value.size(), 8u);
}

TEST_P(CardProtocol, ReadBinaryOffsetsAndErrors) {
    select(ProfileId::common);
    EXPECT_EQ(send_hex("00 B0 00 00 10").status, SW(0x6985));  // no file selected
    ASSERT_EQ(select_file(0x5032), SW(0x9000));
    const auto tail = send_hex("00 B0 00 60 00");  // from inside: what is left, no 6282
    EXPECT_EQ(tail.status, SW(0x9000));
    EXPECT_EQ(tail.data.size(), 0x0Au);
    EXPECT_EQ(send_hex("00 B0 00 6A 00").status, SW(0x6B00));  // offset past the end
    EXPECT_EQ(send_hex("00 B0 01 00 00").status, SW(0x6B00));
    EXPECT_EQ(send_hex("00 B0 00 00").status, SW(0x6700));  // no Le
    const auto small = send_hex("00 B0 00 02 04");          // any Le works
    EXPECT_EQ(small.status, SW(0x9000));
    EXPECT_EQ(small.data, from_hex("00 00 00 00"));
}

TEST_P(CardProtocol, GetChallengeReturnsRandomBytes) {
    const auto first = send_hex("00 84 00 00 08");
    const auto second = send_hex("00 84 00 00 10");
    const auto longest = send_hex("00 84 00 00 00");
    EXPECT_EQ(first.status, SW(0x9000));
    EXPECT_EQ(first.data.size(), 8u);
    EXPECT_EQ(second.data.size(), 16u);
    EXPECT_EQ(longest.data.size(), 256u);
    EXPECT_NE(Bytes(second.data.begin(), second.data.begin() + 8), first.data);
    EXPECT_EQ(send_hex("00 84 00 00").status, SW(0x6700));  // Le absent
    EXPECT_EQ(send_hex("00 84 01 00 08").status, SW(0x6A86));
}

}  // namespace
}  // namespace carta::sim::testing
