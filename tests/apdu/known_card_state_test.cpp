// What a host knows of the card inside its transaction (transport.hpp, KnownCardState):
// each command's flag says what the accepted command does to it; a refused command, and
// the end of the transaction, make the host forget.
#include <gtest/gtest.h>

#include "carta/apdu/transport.hpp"
#include "fake_transport.hpp"

namespace carta::apdu {
namespace {

using testing::ScriptedTransport;

const Bytes kAid{0xA0, 0x00, 0x00, 0x01, 0x67};
const Bytes kEnvironment{0x80, 0x01, 0x42, 0x84, 0x01, 0x21};

CommandApdu command(std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, Bytes data, std::uint8_t flags) {
    CommandApdu c{0x00, ins, p1, p2, std::move(data), std::nullopt};
    c.flags = flags;
    return c;
}
const CommandApdu kSelect = command(0xA4, 0x04, 0x00, kAid, apdu_flags::kSelectsApplication);
const CommandApdu kSetEnvironment = command(0x22, 0x81, 0xB6, kEnvironment, apdu_flags::kSetsEnvironment);
const CommandApdu kVerify = command(0x20, 0x00, 0x83, {}, apdu_flags::kKeepsSelection);
const CommandApdu kReadBinary = command(0xB0, 0x00, 0x00, {}, apdu_flags::kKeepsState);
const CommandApdu kPutData = command(0xDB, 0x3F, 0xFF, {0x01}, 0);

ResponseApdu ok(Bytes data = {}) {
    return {std::move(data), StatusWord(0x9000)};
}
const ResponseApdu kRefused{{}, StatusWord(0x6985)};

// A state after SELECT (answer 6F 00) and MSE:SET.
KnownCardState selected_with_environment() {
    KnownCardState known;
    known.after(kSelect, ok({0x6F, 0x00}));
    known.after(kSetEnvironment, ok());
    return known;
}

TEST(KnownCardState, SelectRecordsTheApplicationAndItsAnswer) {
    KnownCardState known;
    known.after(kSelect, ok({0x6F, 0x00}));
    EXPECT_EQ(known.application, kAid);
    EXPECT_EQ(known.selection_answer, (Bytes{0x6F, 0x00}));
}

TEST(KnownCardState, SelectClearsTheEnvironments) {
    auto known = selected_with_environment();
    known.after(kSelect, ok({0x6F, 0x00}));
    EXPECT_TRUE(known.environments.empty());
}

TEST(KnownCardState, EnvironmentIsRecordedByItsP1P2) {
    const auto known = selected_with_environment();
    EXPECT_EQ(known.environments.at(0x81B6), kEnvironment);
}

TEST(KnownCardState, VerifyKeepsTheSelectionButMarksItsAnswersTriesChanged) {
    auto known = selected_with_environment();
    known.after(kVerify, ok());
    EXPECT_EQ(known.application, kAid);
    EXPECT_TRUE(known.answer_tries_changed);
    EXPECT_EQ(known.environments.size(), 1u);
}

TEST(KnownCardState, SelectAgainMakesItsAnswerWholeAgain) {
    auto known = selected_with_environment();
    known.after(kVerify, ok());
    known.after(kSelect, ok({0x6F, 0x00}));
    EXPECT_FALSE(known.answer_tries_changed);
}

TEST(KnownCardState, CommandThatKeepsStateChangesNothing) {
    auto known = selected_with_environment();
    known.after(kReadBinary, ok({0x01, 0x02}));
    EXPECT_EQ(known.selection_answer, (Bytes{0x6F, 0x00}));
    EXPECT_EQ(known.environments.size(), 1u);
}

TEST(KnownCardState, UnflaggedCommandMakesTheHostForgetEverything) {
    auto known = selected_with_environment();
    known.after(kPutData, ok());
    EXPECT_TRUE(known.application.empty());
    EXPECT_TRUE(known.environments.empty());
}

TEST(KnownCardState, RefusedCommandMakesTheHostForgetEverything) {
    auto known = selected_with_environment();
    known.after(kReadBinary, kRefused);
    EXPECT_TRUE(known.application.empty());
    EXPECT_FALSE(known.selection_answer.has_value());
    EXPECT_TRUE(known.environments.empty());
}

TEST(KnownCardState, SelectWithoutAnswerKnowsTheApplicationButNoAnswer) {
    KnownCardState known;
    known.after(command(0xA4, 0x04, 0x0C, kAid, apdu_flags::kSelectsApplication), ok());
    EXPECT_EQ(known.application, kAid);
    EXPECT_FALSE(known.selection_answer.has_value());
}

TEST(KnownCardState, NothingIsKnownOutsideATransaction) {
    ScriptedTransport transport;
    EXPECT_EQ(TransactionGuard::known_state(transport), nullptr);
}

TEST(KnownCardState, NestedGuardsShareWhatIsKnown) {
    ScriptedTransport transport;
    TransactionGuard outer(transport);
    TransactionGuard::known_state(transport)->application = kAid;
    TransactionGuard inner(transport);
    EXPECT_EQ(TransactionGuard::known_state(transport)->application, kAid);
}

TEST(KnownCardState, NextTransactionStartsKnowingNothing) {
    ScriptedTransport transport;
    {
        TransactionGuard first(transport);
        TransactionGuard::known_state(transport)->application = kAid;
    }
    TransactionGuard second(transport);
    EXPECT_TRUE(TransactionGuard::known_state(transport)->application.empty());
}

}  // namespace
}  // namespace carta::apdu
