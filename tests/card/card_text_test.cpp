// The text rules of the card library (carta/card/text.hpp): labels, PIN/PUK format,
// and card text shown on a terminal.
#include <gtest/gtest.h>

#include "carta/card/text.hpp"

namespace carta::card::test {
namespace {

const std::string kPolish17 = "zażółćgęśląjaźńżó";  // 17 characters, 28 bytes
const std::string kPolishLetter = "ą";              // 2 bytes

std::optional<CodeProblem> pin_problem(std::string_view text) {
    return code_problem(Code::Pin, as_bytes(text));
}

TEST(LabelRule, PlainUtf8LabelIsAccepted) {
    EXPECT_FALSE(label_problem("Jan Kowalski — podpis", 64));
}

TEST(LabelRule, EscapeSequenceIsRefused) {
    EXPECT_TRUE(label_problem("\x1b[31mRED\x1b[0m", 64));
}

TEST(LabelRule, EveryControlCharacterIsRefused) {
    for (const std::string control : {"\x07", "\n", "\r", "\t", "\x7f", "\xc2\x80", "\xc2\x9b"})
        EXPECT_TRUE(label_problem("a" + control + "b", 64)) << to_hex(as_bytes(control));
}

TEST(LabelRule, InvalidUtf8IsRefused) {
    for (const std::string bad : {"\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"})
        EXPECT_TRUE(label_problem("a" + bad, 64)) << to_hex(as_bytes(bad));
}

TEST(LabelRule, LongerThanTheLimitIsRefused) {
    EXPECT_FALSE(label_problem(std::string(29, 'x'), 29));
    EXPECT_TRUE(label_problem(std::string(30, 'x'), 29));
}

TEST(SanitizedLabel, ControlCharactersAndInvalidBytesBecomeReplacementCharacters) {
    EXPECT_EQ(sanitized_label("a\x1b[1mb\xff", 64), "a\xEF\xBF\xBD[1mb\xEF\xBF\xBD");
}

TEST(SanitizedLabel, IsCutOnACharacterBoundary) {
    const auto cut = sanitized_label(std::string(63, 'x') + kPolishLetter, 64);
    EXPECT_EQ(cut, std::string(63, 'x'));
    EXPECT_FALSE(label_problem(cut, 64));
}

TEST(Printable, EscapesControlCharactersInvalidBytesAndBackslash) {
    EXPECT_EQ(printable("\x1b[31mRED\a\xff\\"), "\\x1b[31mRED\\x07\\xff\\\\");
}

TEST(Printable, EscapesC1ControlCharacters) {
    EXPECT_EQ(printable("a\xc2\x9b"
                        "2J"),
              "a\\u009b2J");
}

TEST(Printable, KeepsUtf8Text) {
    EXPECT_EQ(printable(kPolish17), kPolish17);
}

TEST(CodeRule, DigitsAreAValidPin) {
    EXPECT_FALSE(pin_problem("123456"));
}

TEST(CodeRule, BytesThatAreNotUtf8AreNoPin) {
    const auto problem = pin_problem("\xff\xfe\x80\x81");
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->kind, CodeProblem::Kind::Character);
    EXPECT_EQ(problem->message, "the PIN must be UTF-8 text");
}

TEST(CodeRule, NulIsNoPartOfAPin) {
    const auto problem =
        pin_problem(std::string("12\0"
                                "34",
                                5));
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->kind, CodeProblem::Kind::Character);
}

TEST(CodeRule, SeventeenTwoByteLettersAreTooLongAndTheMessageCountsBoth) {
    std::string pin;
    for (int i = 0; i < 17; ++i) pin += kPolishLetter;
    const auto problem = pin_problem(pin);
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->kind, CodeProblem::Kind::Length);
    EXPECT_NE(problem->message.find("this one is 17 characters in 34 bytes"), std::string::npos)
        << problem->message;
}

TEST(CodeRule, SixteenTwoByteLettersFitInThirtyTwoBytes) {
    std::string pin;
    for (int i = 0; i < 16; ++i) pin += kPolishLetter;
    EXPECT_FALSE(pin_problem(pin));
}

TEST(CodeRule, ThreeDigitsAreTooShort) {
    const auto problem = code_problem(Code::Puk, as_bytes(std::string_view("123")));
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->kind, CodeProblem::Kind::Length);
    EXPECT_EQ(problem->message.rfind("the PUK must be 4 to 32 bytes", 0), 0u) << problem->message;
}

}  // namespace
}  // namespace carta::card::test
