#include "carta/apdu/channel.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fake_transport.hpp"

namespace carta::apdu {
namespace {

using testing::ScriptedTransport;
using Strings = std::vector<std::string>;

CommandApdu command(std::uint8_t cla, std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, Bytes data = {},
                    std::optional<std::size_t> ne = std::nullopt) {
    CommandApdu c;
    c.cla = cla;
    c.ins = ins;
    c.p1 = p1;
    c.p2 = p2;
    c.data = std::move(data);
    c.ne = ne;
    return c;
}

Bytes counting_bytes(std::size_t size) {
    Bytes out(size);
    for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>(i);
    return out;
}

// ---- plain exchanges -----------------------------------------------------------------

TEST(ApduChannel, SendsAShortCommandAsIsAndReturnsTheResponse) {
    ScriptedTransport card;
    card.then("6F 00 90 00");
    ApduChannel channel(card);
    const ResponseApdu r = channel.transmit(command(0x00, 0xA4, 0x04, 0x00, from_hex("A0 00"), 256));
    EXPECT_EQ(card.sent_hex(), Strings{"00 A4 04 00 02 A0 00 00"});
    EXPECT_EQ(r.data, from_hex("6F 00"));
    EXPECT_EQ(r.status, sw::kOk);
    EXPECT_EQ(channel.apdus_sent(), 1u);
}

TEST(ApduChannel, ReturnsErrorStatusWordsWithoutThrowing) {
    ScriptedTransport card;
    card.then("69 82");
    ApduChannel channel(card);
    EXPECT_EQ(channel.transmit(command(0x00, 0xDA, 0x00, 0x00, {1})).status, sw::kSecurityStatusNotSatisfied);
}

TEST(ApduChannel, ThrowsApduErrorOnAResponseWithoutStatusWord) {
    ScriptedTransport card;
    card.then("90");
    ApduChannel channel(card);
    EXPECT_THROW(channel.transmit(command(0x00, 0xCA, 0x00, 0x6E)), ApduError);
}

TEST(ApduChannel, PassesTransportErrorsThrough) {
    ScriptedTransport card;
    card.otherwise(
        [](ByteView) -> Bytes { throw TransportError(TransportError::Kind::CardRemoved, "pulled"); });
    ApduChannel channel(card);
    try {
        channel.transmit(command(0x00, 0xCA, 0x00, 0x6E));
        FAIL() << "no exception";
    } catch (const TransportError& e) {
        EXPECT_EQ(e.kind(), TransportError::Kind::CardRemoved);
    }
}

TEST(ApduChannel, ExposesItsTransport) {
    ScriptedTransport card;
    ApduChannel channel(card);
    EXPECT_EQ(&channel.transport(), &card);
}

// ---- command chaining ----------------------------------------------------------------

TEST(ApduChannelChaining, DoesNotChain255DataBytes) {
    ScriptedTransport card;
    card.then("90 00");
    ApduChannel channel(card);
    channel.transmit(command(0x00, 0xDB, 0x3F, 0xFF, Bytes(255, 0x11)));
    ASSERT_EQ(card.sent.size(), 1u);
    EXPECT_EQ(card.sent[0].size(), 5u + 255u);
}

TEST(ApduChannelChaining, SplitsLongDataInto255ByteParts) {
    ScriptedTransport card;
    card.then("90 00").then("90 00").then("90 00");
    ApduChannel channel(card);
    const Bytes data = counting_bytes(600);
    channel.transmit(command(0x00, 0xDB, 0x3F, 0xFF, data));
    ASSERT_EQ(card.sent.size(), 3u);
    Bytes joined;
    const std::size_t sizes[] = {255, 255, 90};
    for (std::size_t i = 0; i < 3; ++i) {
        const CommandApdu part = CommandApdu::parse(card.sent[i]);
        EXPECT_EQ(part.data.size(), sizes[i]) << "part " << i;
        EXPECT_FALSE(part.extended);
        joined.insert(joined.end(), part.data.begin(), part.data.end());
    }
    EXPECT_EQ(joined, data);
}

TEST(ApduChannelChaining, SetsTheChainingBitOnAllButTheLastPart) {
    ScriptedTransport card;
    card.then("90 00").then("90 00").then("90 00");
    ApduChannel channel(card);
    channel.transmit(command(0x0C, 0xDB, 0x3F, 0xFF, Bytes(511, 0x11)));
    ASSERT_EQ(card.sent.size(), 3u);
    EXPECT_EQ(card.sent[0][0], 0x1C);
    EXPECT_EQ(card.sent[1][0], 0x1C);
    EXPECT_EQ(card.sent[2][0], 0x0C);
}

TEST(ApduChannelChaining, KeepsInsP1P2OnEveryPart) {
    ScriptedTransport card;
    card.then("90 00").then("90 00");
    ApduChannel channel(card);
    channel.transmit(command(0x00, 0x2A, 0x80, 0x86, Bytes(300, 0x11)));
    for (const Bytes& part : card.sent) EXPECT_EQ(to_hex(ByteView(part).subspan(1, 3)), "2A 80 86");
}

TEST(ApduChannelChaining, PutsLeOnlyOnTheLastPart) {
    ScriptedTransport card;
    card.then("90 00").then("AB 90 00");
    ApduChannel channel(card);
    const ResponseApdu r = channel.transmit(command(0x00, 0x2A, 0x80, 0x86, Bytes(256, 0x11), 256));
    ASSERT_EQ(card.sent.size(), 2u);
    EXPECT_FALSE(CommandApdu::parse(card.sent[0]).ne.has_value());
    EXPECT_EQ(to_hex(card.sent[1]), "00 2A 80 86 01 11 00");
    EXPECT_EQ(r.data, from_hex("AB"));
}

TEST(ApduChannelChaining, MakesExactlyTwoPartsOf510Bytes) {
    ScriptedTransport card;
    card.then("90 00").then("90 00");
    ApduChannel channel(card);
    channel.transmit(command(0x00, 0xDB, 0x3F, 0xFF, Bytes(510, 0x11)));
    ASSERT_EQ(card.sent.size(), 2u);
    EXPECT_EQ(CommandApdu::parse(card.sent[1]).data.size(), 255u);
}

TEST(ApduChannelChaining, IntermediateErrorEndsTheChainWithThatResponse) {
    ScriptedTransport card;
    card.then("90 00").then("6A 80");
    ApduChannel channel(card);
    const ResponseApdu r = channel.transmit(command(0x00, 0xDB, 0x3F, 0xFF, Bytes(700, 0x11)));
    EXPECT_EQ(r.status, sw::kIncorrectData);
    EXPECT_EQ(card.sent.size(), 2u);
    EXPECT_EQ(channel.apdus_sent(), 2u);
}

TEST(ApduChannelChaining, IntermediateChainingNotSupportedIsReturned) {
    ScriptedTransport card;
    card.then("68 84");
    ApduChannel channel(card);
    EXPECT_EQ(channel.transmit(command(0x00, 0xDB, 0x3F, 0xFF, Bytes(300, 0x11))).status,
              sw::kChainingNotSupported);
    EXPECT_EQ(card.sent.size(), 1u);
}

TEST(ApduChannelChaining, LastPartStillGetsGetResponseHandling) {
    ScriptedTransport card;
    card.then("90 00").then("61 02").then("AA BB 90 00");
    ApduChannel channel(card);
    const ResponseApdu r = channel.transmit(command(0x00, 0x2A, 0x80, 0x86, Bytes(300, 0x11), 256));
    EXPECT_EQ(card.sent_hex().back(), "00 C0 00 00 02");
    EXPECT_EQ(r.data, from_hex("AA BB"));
    EXPECT_EQ(r.status, sw::kOk);
}

// ---- extended length -----------------------------------------------------------------

TEST(ApduChannelExtended, SendsLongDataAsOneExtendedApdu) {
    ScriptedTransport card;
    card.then("90 00");
    ApduChannel channel(card, ApduChannel::Options{.use_extended_length = true});
    channel.transmit(command(0x00, 0xDB, 0x3F, 0xFF, Bytes(600, 0x11)));
    ASSERT_EQ(card.sent.size(), 1u);
    const CommandApdu sent = CommandApdu::parse(card.sent[0]);
    EXPECT_TRUE(sent.extended);
    EXPECT_EQ(sent.cla, 0x00);
    EXPECT_EQ(sent.data.size(), 600u);
}

TEST(ApduChannelExtended, SendsNeAbove256AsExtendedLe) {
    ScriptedTransport card;
    card.then("90 00");
    ApduChannel channel(card, ApduChannel::Options{.use_extended_length = true});
    channel.transmit(command(0x00, 0xB0, 0x00, 0x00, {}, 1000));
    EXPECT_EQ(card.sent_hex(), Strings{"00 B0 00 00 00 03 E8"});
}

TEST(ApduChannelExtended, StillSendsShortCommandsShort) {
    ScriptedTransport card;
    card.then("90 00");
    ApduChannel channel(card, ApduChannel::Options{.use_extended_length = true});
    channel.transmit(command(0x00, 0xB0, 0x00, 0x00, {}, 256));
    EXPECT_EQ(card.sent_hex(), Strings{"00 B0 00 00 00"});
}

TEST(ApduChannelExtended, WithoutExtendedLengthNeAbove256IsSentAsLe00) {
    ScriptedTransport card;
    card.then("90 00");
    ApduChannel channel(card);
    channel.transmit(command(0x00, 0xB0, 0x00, 0x00, {}, 1000));
    EXPECT_EQ(card.sent_hex(), Strings{"00 B0 00 00 00"});
}

// ---- GET RESPONSE --------------------------------------------------------------------

TEST(ApduChannelGetResponse, AccumulatesDataAcrossSeveral61xx) {
    ScriptedTransport card;
    card.then("AA BB 61 03").then("CC DD EE 61 00").then("FF 90 00");
    ApduChannel channel(card);
    const ResponseApdu r = channel.transmit(command(0x00, 0xCA, 0x00, 0x6E, {}, 256));
    EXPECT_EQ(card.sent_hex(), (Strings{"00 CA 00 6E 00", "00 C0 00 00 03", "00 C0 00 00 00"}));
    EXPECT_EQ(r.data, from_hex("AA BB CC DD EE FF"));
    EXPECT_EQ(r.status, sw::kOk);
    EXPECT_EQ(channel.apdus_sent(), 3u);
}

TEST(ApduChannelGetResponse, ReturnsTheStatusOfTheLastGetResponse) {
    ScriptedTransport card;
    card.then("61 10").then("62 82");
    ApduChannel channel(card);
    EXPECT_EQ(channel.transmit(command(0x00, 0xCA, 0x00, 0x6E)).status, StatusWord(0x6282));
}

TEST(ApduChannelGetResponse, KeepsTheLogicalChannelOfTheCommand) {
    ScriptedTransport card;
    card.then("61 01").then("AA 90 00");
    ApduChannel channel(card);
    channel.transmit(command(0x03, 0xCA, 0x00, 0x6E));
    EXPECT_EQ(card.sent_hex()[1], "03 C0 00 00 01");
}

TEST(ApduChannelGetResponse, UsesClass00AfterAProprietaryCommand) {
    ScriptedTransport card;
    card.then("61 01").then("AA 90 00");
    ApduChannel channel(card);
    channel.transmit(command(0x80, 0xCA, 0x00, 0x6E));
    EXPECT_EQ(card.sent_hex()[1], "00 C0 00 00 01");
}

TEST(ApduChannelGetResponse, IsBoundedByMaxResponseRounds) {
    ScriptedTransport card;
    card.otherwise([](ByteView) { return from_hex("AA 61 01"); });
    ApduChannel channel(card, ApduChannel::Options{.max_response_rounds = 3});
    EXPECT_THROW(channel.transmit(command(0x00, 0xCA, 0x00, 0x6E)), ApduError);
    EXPECT_EQ(channel.apdus_sent(), 4u);  // the command and 3 GET RESPONSE
}

TEST(ApduChannelGetResponse, AllowsExactlyMaxResponseRounds) {
    ScriptedTransport card;
    card.then("61 01").then("AA 61 01").then("BB 61 01").then("CC 90 00");
    ApduChannel channel(card, ApduChannel::Options{.max_response_rounds = 3});
    EXPECT_EQ(channel.transmit(command(0x00, 0xCA, 0x00, 0x6E)).data, from_hex("AA BB CC"));
}

// ---- 6Cxx ----------------------------------------------------------------------------

TEST(ApduChannelWrongLe, ResendsTheSameCommandWithTheLeFrom6Cxx) {
    ScriptedTransport card;
    card.then("6C 10").then("01 02 90 00");
    ApduChannel channel(card);
    const ResponseApdu r = channel.transmit(command(0x00, 0xB0, 0x00, 0x00, {}, 256));
    EXPECT_EQ(card.sent_hex(), (Strings{"00 B0 00 00 00", "00 B0 00 00 10"}));
    EXPECT_EQ(r.data, from_hex("01 02"));
    EXPECT_EQ(channel.apdus_sent(), 2u);
}

TEST(ApduChannelWrongLe, TreatsSw2Of00As256) {
    ScriptedTransport card;
    card.then("6C 00").then("90 00");
    ApduChannel channel(card);
    channel.transmit(command(0x00, 0xB0, 0x00, 0x00, {}, 16));
    EXPECT_EQ(card.sent_hex()[1], "00 B0 00 00 00");
}

TEST(ApduChannelWrongLe, AddsLeToACommandWithData) {
    ScriptedTransport card;
    card.then("6C 08").then("90 00");
    ApduChannel channel(card);
    channel.transmit(command(0x00, 0x88, 0x00, 0x00, from_hex("01 02")));
    EXPECT_EQ(card.sent_hex()[1], "00 88 00 00 02 01 02 08");
}

TEST(ApduChannelWrongLe, ResendsOnlyOnce) {
    ScriptedTransport card;
    card.then("6C 10").then("6C 20");
    ApduChannel channel(card);
    EXPECT_EQ(channel.transmit(command(0x00, 0xB0, 0x00, 0x00, {}, 1)).status, StatusWord(0x6C20));
    EXPECT_EQ(channel.apdus_sent(), 2u);
}

TEST(ApduChannelWrongLe, ResendCanBeFollowedByGetResponse) {
    ScriptedTransport card;
    card.then("6C 04").then("01 02 61 02").then("03 04 90 00");
    ApduChannel channel(card);
    EXPECT_EQ(channel.transmit(command(0x00, 0xB0, 0x00, 0x00, {}, 1)).data, from_hex("01 02 03 04"));
    EXPECT_EQ(card.sent_hex()[2], "00 C0 00 00 02");
}

// ---- counting ------------------------------------------------------------------------

TEST(ApduChannel, CountsEveryApduSentAcrossTransmits) {
    ScriptedTransport card;
    card.otherwise([](ByteView) { return from_hex("90 00"); });
    ApduChannel channel(card);
    channel.transmit(command(0x00, 0xA4, 0x04, 0x00, {1}));
    channel.transmit(command(0x00, 0xDB, 0x3F, 0xFF, Bytes(600, 0x11)));
    EXPECT_EQ(channel.apdus_sent(), 4u);
    EXPECT_EQ(card.sent.size(), 4u);
}

}  // namespace
}  // namespace carta::apdu
