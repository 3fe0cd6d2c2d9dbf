#include <gtest/gtest.h>

#include <string>

#include "carta/apdu/apdu.hpp"

namespace carta::apdu {
namespace {

CommandApdu parse_hex(std::string_view hex) {
    return CommandApdu::parse(from_hex(hex));
}

Bytes header_plus(std::initializer_list<std::uint8_t> lengths_before, std::size_t data_size,
                  std::initializer_list<std::uint8_t> lengths_after = {}) {
    Bytes raw{0x00, 0xDA, 0x01, 0x02};
    raw.insert(raw.end(), lengths_before);
    raw.insert(raw.end(), data_size, 0x5A);
    raw.insert(raw.end(), lengths_after);
    return raw;
}

std::string parse_error(ByteView raw) {
    try {
        CommandApdu::parse(raw);
    } catch (const ApduError& e) {
        return e.what();
    }
    return "(no error)";
}

// ---- parse: the seven valid forms ----------------------------------------------------

TEST(CommandApduParse, Case1IsTheFourHeaderBytes) {
    const CommandApdu c = parse_hex("80 CA 9F 7F");
    EXPECT_EQ(c.cla, 0x80);
    EXPECT_EQ(c.ins, 0xCA);
    EXPECT_EQ(c.p1, 0x9F);
    EXPECT_EQ(c.p2, 0x7F);
    EXPECT_TRUE(c.data.empty());
    EXPECT_FALSE(c.ne.has_value());
    EXPECT_FALSE(c.extended);
    EXPECT_EQ(c.iso_case(), 1);
}

TEST(CommandApduParse, Case2ShortReadsLe) {
    const CommandApdu c = parse_hex("00 B0 00 00 10");
    EXPECT_TRUE(c.data.empty());
    EXPECT_EQ(c.ne, 16u);
    EXPECT_FALSE(c.extended);
    EXPECT_EQ(c.iso_case(), 2);
}

TEST(CommandApduParse, Case2ShortLe00Means256) {
    EXPECT_EQ(parse_hex("00 B0 00 00 00").ne, 256u);
}

TEST(CommandApduParse, Case3ShortReadsLcAndData) {
    const CommandApdu c = parse_hex("00 A4 04 00 03 A0 00 01");
    EXPECT_EQ(c.data, from_hex("A0 00 01"));
    EXPECT_FALSE(c.ne.has_value());
    EXPECT_FALSE(c.extended);
    EXPECT_EQ(c.iso_case(), 3);
}

TEST(CommandApduParse, Case4ShortReadsLcDataAndLe) {
    const CommandApdu c = parse_hex("00 A4 04 00 02 3F 00 20");
    EXPECT_EQ(c.data, from_hex("3F 00"));
    EXPECT_EQ(c.ne, 32u);
    EXPECT_FALSE(c.extended);
    EXPECT_EQ(c.iso_case(), 4);
}

TEST(CommandApduParse, Case4ShortLe00Means256) {
    EXPECT_EQ(parse_hex("00 2A 80 86 01 00 00").ne, 256u);
}

TEST(CommandApduParse, Case2ExtendedReadsTwoByteLe) {
    const CommandApdu c = parse_hex("00 B0 00 00 00 01 00");
    EXPECT_TRUE(c.data.empty());
    EXPECT_EQ(c.ne, 256u);
    EXPECT_TRUE(c.extended);
    EXPECT_EQ(c.iso_case(), 2);
}

TEST(CommandApduParse, Case2ExtendedLe0000Means65536) {
    EXPECT_EQ(parse_hex("00 B0 00 00 00 00 00").ne, 65536u);
}

TEST(CommandApduParse, Case3ExtendedReadsTwoByteLc) {
    const CommandApdu c = CommandApdu::parse(header_plus({0x00, 0x01, 0x2C}, 300));
    EXPECT_EQ(c.data, Bytes(300, 0x5A));
    EXPECT_FALSE(c.ne.has_value());
    EXPECT_TRUE(c.extended);
    EXPECT_EQ(c.iso_case(), 3);
}

TEST(CommandApduParse, Case4ExtendedReadsLcDataAndTwoByteLe) {
    const CommandApdu c = CommandApdu::parse(header_plus({0x00, 0x00, 0x02}, 2, {0x02, 0x00}));
    EXPECT_EQ(c.data, Bytes(2, 0x5A));
    EXPECT_EQ(c.ne, 512u);
    EXPECT_TRUE(c.extended);
    EXPECT_EQ(c.iso_case(), 4);
}

TEST(CommandApduParse, Case4ExtendedLe0000Means65536) {
    EXPECT_EQ(CommandApdu::parse(header_plus({0x00, 0x00, 0x01}, 1, {0x00, 0x00})).ne, 65536u);
}

TEST(CommandApduParse, AcceptsTheLargestShortDataField) {
    const CommandApdu c = CommandApdu::parse(header_plus({0xFF}, 255));
    EXPECT_EQ(c.data.size(), 255u);
    EXPECT_FALSE(c.extended);
}

TEST(CommandApduParse, AcceptsTheLargestExtendedDataField) {
    const CommandApdu c = CommandApdu::parse(header_plus({0x00, 0xFF, 0xFF}, 65535, {0x00, 0x00}));
    EXPECT_EQ(c.data.size(), 65535u);
    EXPECT_EQ(c.ne, 65536u);
    EXPECT_TRUE(c.extended);
}

// ---- parse: malformed forms ----------------------------------------------------------

TEST(CommandApduParse, RejectsFewerThanFourBytes) {
    for (std::size_t size = 0; size < 4; ++size) {
        const Bytes raw(size, 0x00);
        EXPECT_THROW(CommandApdu::parse(raw), ApduError) << size << " bytes";
    }
    EXPECT_EQ(parse_error(Bytes{0x00, 0xA4}),
              "APDU of 2 bytes: too short, a command needs at least the 4 header bytes CLA INS P1 P2");
}

TEST(CommandApduParse, RejectsShortLcLargerThanTheData) {
    EXPECT_EQ(parse_error(from_hex("00 A4 04 00 05 3F 00")),
              "APDU of 7 bytes: Lc says 5 data bytes but 2 follow");
}

TEST(CommandApduParse, RejectsTrailingBytesAfterShortLe) {
    EXPECT_EQ(parse_error(from_hex("00 A4 04 00 02 3F 00 00 00")),
              "APDU of 9 bytes: Lc says 2 data bytes but 4 follow");
}

TEST(CommandApduParse, RejectsShortLcOfZeroFollowedByOneByte) {
    // 00 in the Lc position can only start an extended length field, which needs 2 more bytes.
    EXPECT_EQ(parse_error(from_hex("00 A4 04 00 00 3F")),
              "APDU of 6 bytes: truncated extended length field (00 must be followed by 2 bytes)");
}

TEST(CommandApduParse, RejectsExtendedLcOfZero) {
    EXPECT_EQ(parse_error(from_hex("00 A4 04 00 00 00 00 3F")),
              "APDU of 8 bytes: extended Lc of 0 followed by 1 bytes");
    EXPECT_THROW(parse_hex("00 A4 04 00 00 00 00 00 00"), ApduError);
}

TEST(CommandApduParse, RejectsExtendedLcFollowedByShortLe) {
    EXPECT_EQ(
        parse_error(from_hex("00 A4 04 00 00 00 02 3F 00 00")),
        "APDU of 10 bytes: extended Lc of 2 followed by a short (1-byte) Le; extended Le needs 2 bytes");
}

TEST(CommandApduParse, RejectsExtendedLcLargerThanTheData) {
    EXPECT_EQ(parse_error(from_hex("00 A4 04 00 00 01 00 3F 00")),
              "APDU of 9 bytes: extended Lc says 256 data bytes but 2 follow");
}

TEST(CommandApduParse, RejectsTrailingBytesAfterExtendedLe) {
    EXPECT_THROW(parse_hex("00 A4 04 00 00 00 02 3F 00 01 00 00"), ApduError);
}

TEST(CommandApduParse, RejectsTruncatedExtendedData) {
    EXPECT_THROW(CommandApdu::parse(header_plus({0x00, 0x01, 0x00}, 255)), ApduError);
}

// ---- encode --------------------------------------------------------------------------

CommandApdu command(std::size_t data_size, std::optional<std::size_t> ne) {
    CommandApdu c;
    c.cla = 0x00;
    c.ins = 0xDA;
    c.p1 = 0x01;
    c.p2 = 0x02;
    c.data.assign(data_size, 0x5A);
    c.ne = ne;
    return c;
}

TEST(CommandApduEncode, Case1IsTheHeaderOnly) {
    EXPECT_EQ(to_hex(command(0, std::nullopt).encode()), "00 DA 01 02");
}

TEST(CommandApduEncode, Case2ShortEncodesNe256AsLe00) {
    EXPECT_EQ(to_hex(command(0, 256).encode()), "00 DA 01 02 00");
    EXPECT_EQ(to_hex(command(0, 1).encode()), "00 DA 01 02 01");
}

TEST(CommandApduEncode, Case3ShortWritesLcAndData) {
    EXPECT_EQ(to_hex(command(2, std::nullopt).encode()), "00 DA 01 02 02 5A 5A");
}

TEST(CommandApduEncode, Case4ShortWritesLcDataAndLe) {
    EXPECT_EQ(to_hex(command(1, 16).encode()), "00 DA 01 02 01 5A 10");
}

TEST(CommandApduEncode, StaysShortAt255DataBytesAndNe256) {
    const Bytes raw = command(255, 256).encode();
    EXPECT_EQ(raw, header_plus({0xFF}, 255, {0x00}));
}

TEST(CommandApduEncode, UsesExtendedLcFor256DataBytes) {
    EXPECT_EQ(command(256, std::nullopt).encode(), header_plus({0x00, 0x01, 0x00}, 256));
}

TEST(CommandApduEncode, UsesExtendedLeForNe257) {
    EXPECT_EQ(to_hex(command(0, 257).encode()), "00 DA 01 02 00 01 01");
}

TEST(CommandApduEncode, Case2ExtendedEncodesNe65536As0000) {
    EXPECT_EQ(to_hex(command(0, 65536).encode()), "00 DA 01 02 00 00 00");
}

TEST(CommandApduEncode, Case4ExtendedWritesTwoByteLeWithoutLeadingZero) {
    EXPECT_EQ(to_hex(command(1, 65536).encode()), "00 DA 01 02 00 00 01 5A 00 00");
    EXPECT_EQ(command(256, 1).encode(), header_plus({0x00, 0x01, 0x00}, 256, {0x00, 0x01}));
}

TEST(CommandApduEncode, EncodesTheLargestExtendedDataField) {
    EXPECT_EQ(command(65535, 65536).encode(), header_plus({0x00, 0xFF, 0xFF}, 65535, {0x00, 0x00}));
}

TEST(CommandApduEncode, ForceExtendedUsesTheExtendedFormWhenShortWouldFit) {
    EXPECT_EQ(to_hex(command(1, 16).encode(true)), "00 DA 01 02 00 00 01 5A 00 10");
    EXPECT_EQ(to_hex(command(0, 256).encode(true)), "00 DA 01 02 00 01 00");
}

TEST(CommandApduEncode, ExtendedFlagKeepsTheExtendedForm) {
    CommandApdu c = command(1, std::nullopt);
    c.extended = true;
    EXPECT_EQ(to_hex(c.encode()), "00 DA 01 02 00 00 01 5A");
}

TEST(CommandApduEncode, Case1HasNoExtendedForm) {
    EXPECT_EQ(to_hex(command(0, std::nullopt).encode(true)), "00 DA 01 02");
}

TEST(CommandApduEncode, RejectsMoreThan65535DataBytes) {
    EXPECT_THROW(command(65536, std::nullopt).encode(), ApduError);
}

TEST(CommandApduEncode, RejectsNeAbove65536) {
    EXPECT_THROW(command(0, 65537).encode(), ApduError);
}

TEST(CommandApduEncode, RejectsNeOfZero) {
    EXPECT_THROW(command(0, 0).encode(), ApduError);
}

TEST(CommandApdu, NeedsExtendedOnlyBeyondShortLimits) {
    EXPECT_FALSE(command(255, 256).needs_extended());
    EXPECT_TRUE(command(256, std::nullopt).needs_extended());
    EXPECT_TRUE(command(0, 257).needs_extended());
}

TEST(CommandApdu, IsChainedWhenClaBit5IsSet) {
    CommandApdu c = command(0, std::nullopt);
    EXPECT_FALSE(c.is_chained());
    c.cla = 0x10;
    EXPECT_TRUE(c.is_chained());
}

// ---- round trips ---------------------------------------------------------------------

struct RoundTripCase {
    const char* name;
    Bytes raw;
};

class CommandApduRoundTrip : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(CommandApduRoundTrip, ParseThenEncodeGivesTheSameBytes) {
    const Bytes& raw = GetParam().raw;
    EXPECT_EQ(CommandApdu::parse(raw).encode(), raw);
}

TEST_P(CommandApduRoundTrip, EncodeThenParseGivesTheSameCommand) {
    const CommandApdu first = CommandApdu::parse(GetParam().raw);
    const CommandApdu second = CommandApdu::parse(first.encode());
    EXPECT_EQ(second.cla, first.cla);
    EXPECT_EQ(second.ins, first.ins);
    EXPECT_EQ(second.p1, first.p1);
    EXPECT_EQ(second.p2, first.p2);
    EXPECT_EQ(second.data, first.data);
    EXPECT_EQ(second.ne, first.ne);
    EXPECT_EQ(second.extended, first.extended);
}

INSTANTIATE_TEST_SUITE_P(
    EveryCase, CommandApduRoundTrip,
    ::testing::Values(RoundTripCase{"Case1", from_hex("00 A4 04 00")},
                      RoundTripCase{"Case2S", from_hex("00 B0 00 00 01")},
                      RoundTripCase{"Case2SNe256", from_hex("00 B0 00 00 00")},
                      RoundTripCase{"Case3S", from_hex("00 A4 04 00 01 3F")},
                      RoundTripCase{"Case3S255Bytes", header_plus({0xFF}, 255)},
                      RoundTripCase{"Case4S", from_hex("00 A4 04 00 01 3F 00")},
                      RoundTripCase{"Case4S255BytesNe256", header_plus({0xFF}, 255, {0x00})},
                      RoundTripCase{"Case2E", from_hex("00 B0 00 00 00 00 01")},
                      RoundTripCase{"Case2ENe65536", from_hex("00 B0 00 00 00 00 00")},
                      RoundTripCase{"Case3EWhereShortWouldFit", from_hex("00 A4 04 00 00 00 01 3F")},
                      RoundTripCase{"Case3E256Bytes", header_plus({0x00, 0x01, 0x00}, 256)},
                      RoundTripCase{"Case3E65535Bytes", header_plus({0x00, 0xFF, 0xFF}, 65535)},
                      RoundTripCase{"Case4E", from_hex("00 A4 04 00 00 00 01 3F 01 01")},
                      RoundTripCase{"Case4E65535BytesNe65536",
                                    header_plus({0x00, 0xFF, 0xFF}, 65535, {0x00, 0x00})}),
    [](const ::testing::TestParamInfo<RoundTripCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace carta::apdu
