#include <gtest/gtest.h>

#include <cstdio>
#include <iterator>
#include <set>
#include <string>

#include "carta/apdu/apdu.hpp"

namespace carta::apdu {
namespace {

TEST(ResponseApduParse, SplitsDataAndStatusWord) {
    const ResponseApdu r = ResponseApdu::parse(from_hex("01 02 03 90 00"));
    EXPECT_EQ(r.data, from_hex("01 02 03"));
    EXPECT_EQ(r.status, sw::kOk);
    EXPECT_TRUE(r.ok());
}

TEST(ResponseApduParse, StatusOnlyResponseHasNoData) {
    const ResponseApdu r = ResponseApdu::parse(from_hex("6A 82"));
    EXPECT_TRUE(r.data.empty());
    EXPECT_EQ(r.status, sw::kFileNotFound);
    EXPECT_FALSE(r.ok());
}

TEST(ResponseApduParse, RejectsFewerThanTwoBytes) {
    EXPECT_THROW(ResponseApdu::parse(Bytes{}), ApduError);
    EXPECT_THROW(ResponseApdu::parse(Bytes{0x90}), ApduError);
}

TEST(ResponseApduEncode, AppendsTheStatusWordToTheData) {
    ResponseApdu r;
    r.data = from_hex("AB CD");
    r.status = StatusWord(0x61, 0x10);
    EXPECT_EQ(to_hex(r.encode()), "AB CD 61 10");
    EXPECT_EQ(ResponseApdu::parse(r.encode()).encode(), r.encode());
}

TEST(StatusWord, SplitsIntoSw1AndSw2) {
    const StatusWord s(0x6A, 0x82);
    EXPECT_EQ(s.value, 0x6A82);
    EXPECT_EQ(s.sw1(), 0x6A);
    EXPECT_EQ(s.sw2(), 0x82);
    EXPECT_EQ(s, sw::kFileNotFound);
}

TEST(StatusWord, OkOnlyFor9000) {
    EXPECT_TRUE(sw::kOk.ok());
    EXPECT_FALSE(StatusWord(0x6100).ok());
    EXPECT_FALSE(StatusWord(0x9001).ok());
}

TEST(StatusWord, TriesLeftFrom63Cx) {
    EXPECT_TRUE(StatusWord(0x63C2).is_tries_left());
    EXPECT_EQ(StatusWord(0x63C2).tries_left(), 2);
    EXPECT_FALSE(sw::kVerificationFailed.is_tries_left());
}

TEST(StatusWordDescribe, FormatsAsHexColonMeaning) {
    EXPECT_EQ(sw::kSecurityStatusNotSatisfied.describe(), "6982: security status not satisfied");
    EXPECT_EQ(sw::kOk.describe(), "9000: success");
}

TEST(StatusWordDescribe, EveryNamedStatusWordHasAMeaning) {
    const StatusWord named[] = {sw::kOk,
                                sw::kVerificationFailed,
                                sw::kWrongLength,
                                sw::kLogicalChannelNotSupported,
                                sw::kChainingNotSupported,
                                sw::kLastCommandOfChainExpected,
                                sw::kCommandIncompatible,
                                sw::kSecurityStatusNotSatisfied,
                                sw::kAuthenticationMethodBlocked,
                                sw::kReferenceDataNotUsable,
                                sw::kConditionsNotSatisfied,
                                sw::kCommandNotAllowed,
                                sw::kIncorrectData,
                                sw::kFunctionNotSupported,
                                sw::kFileNotFound,
                                sw::kNotEnoughMemory,
                                sw::kIncorrectP1P2,
                                sw::kReferenceNotFound,
                                sw::kFileAlreadyExists,
                                sw::kWrongP1P2,
                                sw::kInsNotSupported,
                                sw::kClaNotSupported,
                                sw::kUnknownError,
                                sw::kMemoryFailure};
    std::set<std::string> meanings;
    for (const StatusWord s : named) {
        const std::string text = s.describe();
        char hex[8];
        std::snprintf(hex, sizeof hex, "%04X: ", s.value);
        EXPECT_EQ(text.rfind(hex, 0), 0u) << text;
        EXPECT_EQ(text.find("unknown status"), std::string::npos) << text;
        meanings.insert(text.substr(6));
    }
    EXPECT_EQ(meanings.size(), std::size(named)) << "two named status words share a meaning";
}

TEST(StatusWordDescribe, SpecificMeanings) {
    EXPECT_EQ(sw::kFileNotFound.describe(), "6A82: file or application not found");
    EXPECT_EQ(sw::kAuthenticationMethodBlocked.describe(), "6983: authentication method blocked");
    EXPECT_EQ(sw::kWrongLength.describe(), "6700: wrong length");
    EXPECT_EQ(sw::kInsNotSupported.describe(), "6D00: instruction code not supported or invalid");
}

TEST(StatusWordDescribe, MoreBytesAvailableFor61xx) {
    EXPECT_EQ(StatusWord(0x6110).describe(), "6110: 16 more bytes available");
    EXPECT_EQ(StatusWord(0x6100).describe(), "6100: 256 more bytes available");
}

TEST(StatusWordDescribe, WrongLeWithExpectedLengthFor6Cxx) {
    EXPECT_EQ(StatusWord(0x6C08).describe(), "6C08: wrong Le, 8 expected");
    EXPECT_EQ(StatusWord(0x6C00).describe(), "6C00: wrong Le, 256 expected");
}

TEST(StatusWordDescribe, TriesLeftFor63Cx) {
    EXPECT_EQ(StatusWord(0x63C3).describe(), "63C3: verification failed, 3 tries left");
    EXPECT_EQ(StatusWord(0x63C1).describe(), "63C1: verification failed, 1 try left");
    EXPECT_EQ(StatusWord(0x63C0).describe(), "63C0: verification failed, 0 tries left");
}

TEST(StatusWordDescribe, GenericMeaningsFor62xx64xx65xx66xx) {
    EXPECT_EQ(StatusWord(0x6281).describe(), "6281: warning, state of non-volatile memory unchanged");
    EXPECT_EQ(StatusWord(0x6401).describe(), "6401: execution error, state of non-volatile memory unchanged");
    EXPECT_EQ(StatusWord(0x6501).describe(), "6501: execution error, state of non-volatile memory changed");
    EXPECT_EQ(StatusWord(0x6600).describe(), "6600: security-related issue");
}

TEST(StatusWordDescribe, UnknownStatusWords) {
    EXPECT_EQ(StatusWord(0x1234).describe(), "1234: unknown status");
    EXPECT_EQ(StatusWord(0x9F10).describe(), "9F10: unknown status");
    EXPECT_EQ(StatusWord(0x6A99).describe(), "6A99: unknown status");
}

}  // namespace
}  // namespace carta::apdu
