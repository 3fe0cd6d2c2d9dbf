#include "carta/apdu/bytes.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>

namespace carta {
namespace {

TEST(ToHex, SeparatesUpperCaseBytesWithSpacesByDefault) {
    EXPECT_EQ(to_hex(Bytes{0x00, 0xA4, 0x04, 0x0f}), "00 A4 04 0F");
}

TEST(ToHex, WritesNoSeparatorWhenSepIsZero) {
    EXPECT_EQ(to_hex(Bytes{0x00, 0xA4, 0xFF}, 0), "00A4FF");
}

TEST(ToHex, UsesTheGivenSeparator) {
    EXPECT_EQ(to_hex(Bytes{0xDE, 0xAD}, ':'), "DE:AD");
}

TEST(ToHex, EmptyInputGivesEmptyString) {
    EXPECT_EQ(to_hex(Bytes{}), "");
    EXPECT_EQ(to_hex(Bytes{}, 0), "");
}

TEST(FromHex, AcceptsUpperAndLowerCase) {
    EXPECT_EQ(from_hex("aBcD"), (Bytes{0xAB, 0xCD}));
}

TEST(FromHex, AcceptsSpacesAndColonsBetweenBytes) {
    EXPECT_EQ(from_hex("00 a4:04  00"), (Bytes{0x00, 0xA4, 0x04, 0x00}));
}

TEST(FromHex, EmptyInputGivesNoBytes) {
    EXPECT_TRUE(from_hex("").empty());
    EXPECT_TRUE(from_hex("  ").empty());
}

TEST(FromHex, RejectsOddDigitCount) {
    EXPECT_THROW(from_hex("ABC"), std::invalid_argument);
}

TEST(FromHex, RejectsSeparatorInsideAByte) {
    EXPECT_THROW(from_hex("A BC"), std::invalid_argument);
}

TEST(FromHex, RejectsStrayCharacters) {
    EXPECT_THROW(from_hex("0G"), std::invalid_argument);
    EXPECT_THROW(from_hex("00-11"), std::invalid_argument);
    EXPECT_THROW(from_hex("0x00"), std::invalid_argument);
}

TEST(FromHex, RoundTripsWithToHex) {
    const Bytes bytes{0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF};
    EXPECT_EQ(from_hex(to_hex(bytes)), bytes);
    EXPECT_EQ(from_hex(to_hex(bytes, 0)), bytes);
}

TEST(AsBytes, ViewsTheCharactersOfAString) {
    EXPECT_EQ(to_hex(as_bytes("12")), "31 32");
}

TEST(SecureWipe, ZeroesTheBuffer) {
    Bytes buffer(32, 0xA5);
    secure_wipe(buffer.data(), buffer.size());
    EXPECT_EQ(buffer, Bytes(32, 0x00));
}

TEST(SecureWipe, AcceptsNullAndEmpty) {
    secure_wipe(nullptr, 0);
    Bytes empty;
    secure_wipe(empty.data(), 0);
}

TEST(SecretBytes, HoldsACopyOfTheGivenBytes) {
    Bytes source{1, 2, 3};
    SecretBytes secret{ByteView(source)};
    source[0] = 9;
    EXPECT_EQ(Bytes(secret.view().begin(), secret.view().end()), (Bytes{1, 2, 3}));
    EXPECT_EQ(secret.size(), 3u);
    EXPECT_FALSE(secret.empty());
}

TEST(SecretBytes, CanBeMadeFromText) {
    SecretBytes pin{std::string_view("123456")};
    EXPECT_EQ(to_hex(pin.view()), "31 32 33 34 35 36");
}

TEST(SecretBytes, TakesOverAnRvalueBufferWithoutCopying) {
    Bytes plaintext{0xDE, 0xAD, 0xBE, 0xEF};
    const std::uint8_t* buffer = plaintext.data();
    SecretBytes secret(std::move(plaintext));
    EXPECT_EQ(secret.data(), buffer);
    EXPECT_TRUE(plaintext.empty());  // NOLINT(bugprone-use-after-move): documented state
}

TEST(SecretBytes, MoveConstructionLeavesTheSourceEmpty) {
    SecretBytes source{std::string_view("secret")};
    SecretBytes target(std::move(source));
    EXPECT_TRUE(source.empty());  // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(source.size(), 0u);
    EXPECT_EQ(to_hex(target.view(), 0), "736563726574");
}

TEST(SecretBytes, MoveAssignmentLeavesTheSourceEmptyAndReplacesTheTarget) {
    SecretBytes source{std::string_view("new")};
    SecretBytes target{std::string_view("old secret")};
    target = std::move(source);
    EXPECT_TRUE(source.empty());  // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(to_hex(target.view(), 0), "6E6577");
}

TEST(SecretBytes, SelfMoveAssignmentKeepsTheContent) {
    SecretBytes secret{std::string_view("abc")};
    SecretBytes& alias = secret;
    secret = std::move(alias);
    EXPECT_EQ(to_hex(secret.view(), 0), "616263");
}

TEST(SecretBytes, ClearEmptiesIt) {
    SecretBytes secret{std::string_view("1234")};
    secret.clear();
    EXPECT_TRUE(secret.empty());
    EXPECT_EQ(secret.view().size(), 0u);
}

TEST(SecretBytes, AppendConcatenates) {
    SecretBytes secret{std::string_view("12")};
    secret.append(as_bytes("34"));
    secret.append({});
    EXPECT_EQ(to_hex(secret.view(), 0), "31323334");
}

}  // namespace
}  // namespace carta
