// PIN blocks and the salted hashes of the codes (docs §3).
#include "code_store.hpp"

#include <gtest/gtest.h>

#include "card_status.hpp"

namespace carta::sim {
namespace {

std::uint16_t status_of(ByteView block, std::initializer_list<std::size_t> sizes) {
    try {
        code_from_block(block, sizes);
        return 0x9000;
    } catch (const CardStatus& status) {
        return status.status().value;
    }
}

Bytes block(std::string_view code, std::size_t size) {
    Bytes padded(code.begin(), code.end());
    padded.resize(size, 0x00);
    return padded;
}

TEST(PinBlock, AcceptsPaddedCodes) {
    EXPECT_EQ(std::string_view(
                  reinterpret_cast<const char*>(code_from_block(block("1234", 16), {16, 32}).data()), 4),
              "1234");
    EXPECT_EQ(code_from_block(block("1234", 32), {16, 32}).size(), 4u);
    EXPECT_EQ(code_from_block(Bytes(16, '7'), {16, 32}).size(), 16u);  // no padding at all
    EXPECT_EQ(code_from_block(Bytes(32, '7'), {32}).size(), 32u);
}

TEST(PinBlock, RefusesWrongSizesAndCodes) {
    EXPECT_EQ(status_of(block("1234", 15), {16, 32}), 0x6700);
    EXPECT_EQ(status_of(block("1234", 16), {32}), 0x6700);
    EXPECT_EQ(status_of(block("123", 16), {16}), 0x6A80);
    EXPECT_EQ(status_of(Bytes(16, 0x00), {16}), 0x6A80);
    EXPECT_EQ(status_of(from_hex("31323334 00 35 00000000000000000000"), {16}), 0x6A80);
}

TEST(LengthRule, FourToThirtyTwoBytesWithoutZero) {
    EXPECT_FALSE(follows_length_rule(as_bytes("123")));
    EXPECT_TRUE(follows_length_rule(as_bytes("1234")));
    EXPECT_TRUE(follows_length_rule(as_bytes(std::string(32, 'x'))));
    EXPECT_FALSE(follows_length_rule(as_bytes(std::string(33, 'x'))));
    EXPECT_FALSE(follows_length_rule(from_hex("31 32 00 33 34")));
}

TEST(CodeRecord, SaltedPbkdf2Hash) {
    const CodeRecord first = make_code_record(as_bytes("1234"), CodeKind::pin);
    const CodeRecord second = make_code_record(as_bytes("1234"), CodeKind::pin);
    EXPECT_EQ(first.tries_left, 3);
    EXPECT_EQ(make_code_record(as_bytes("12345678"), CodeKind::puk).tries_left, 10);
    EXPECT_EQ(first.iterations, kPbkdf2Iterations);
    EXPECT_NE(first.salt, second.salt);  // 16 random bytes each
    EXPECT_NE(first.hash, second.hash);
    EXPECT_TRUE(code_matches(first, as_bytes("1234")));
    EXPECT_TRUE(code_matches(second, as_bytes("1234")));
    EXPECT_FALSE(code_matches(first, as_bytes("1235")));
    EXPECT_FALSE(code_matches(first, as_bytes("12345")));
}

TEST(CodeRecord, KnownPbkdf2Vector) {
    // PBKDF2-HMAC-SHA256("password", "salt" padded to 16 bytes with 00, 1 iteration), as computed by
    // `openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt pass:password -kdfopt
    // hexsalt:73616c74000000000000000000000000 -kdfopt iter:1 PBKDF2`
    CodeRecord record;
    record.iterations = 1;
    const Bytes salt = from_hex("73616c74000000000000000000000000");
    std::copy(salt.begin(), salt.end(), record.salt.begin());
    const Bytes expected = from_hex("3267A06614B9D090BC3E684EEBDB6AF8EE753CF80B7F7F7CF5E676C65422D054");
    std::copy(expected.begin(), expected.end(), record.hash.begin());
    EXPECT_TRUE(code_matches(record, as_bytes("password")));
}

TEST(CodeRecord, UnknownCodeMatchesNothing) {
    const CodeRecord record = make_unknown_code_record(0);
    EXPECT_EQ(record.tries_left, 0);
    EXPECT_FALSE(code_matches(record, as_bytes("0000")));
}

}  // namespace
}  // namespace carta::sim
