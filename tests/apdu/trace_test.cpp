#include "carta/apdu/trace.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "carta/apdu/channel.hpp"
#include "fake_transport.hpp"

namespace carta::apdu {
namespace {

using testing::ScriptedTransport;

constexpr std::uint8_t kSecret = apdu_flags::kSecretData;
constexpr std::uint8_t kSecretAnswer = apdu_flags::kSecretResponse;

std::string command_trace(std::string_view hex, std::uint8_t flags = kSecret) {
    return redacted_command(from_hex(hex), flags);
}

// ---- redacted_command: whatever is flagged, nothing else -----------------------------

TEST(RedactedCommand, HidesTheDataOfAFlaggedCommand) {
    EXPECT_EQ(command_trace("00 20 00 81 06 31 32 33 34 35 36"), "00 20 00 81 06 <6 bytes redacted>");
    EXPECT_EQ(command_trace("80 44 00 00 03 01 02 03"), "80 44 00 00 03 <3 bytes redacted>");
}

TEST(RedactedCommand, ShowsTheDataOfAnUnflaggedCommand) {
    // The trace knows no card's commands: what is not flagged is shown, even a VERIFY.
    EXPECT_EQ(command_trace("00 20 00 81 02 31 32", 0), "00 20 00 81 02 31 32");
    EXPECT_EQ(command_trace("00 DB 3F FE 03 4D 01 02", 0), "00 DB 3F FE 03 4D 01 02");
}

TEST(RedactedCommand, HidesAnyFlaggedCommandWhateverItsInstruction) {
    EXPECT_EQ(command_trace("00 A4 04 00 02 A0 00"), "00 A4 04 00 02 <2 bytes redacted>");
    EXPECT_EQ(command_trace("10 DB 3F FE 02 4D 01"), "10 DB 3F FE 02 <2 bytes redacted>");
}

TEST(RedactedCommand, ASecretResponseLeavesTheCommandShown) {
    EXPECT_EQ(command_trace("00 2A 80 86 02 00 11", kSecretAnswer), "00 2A 80 86 02 00 11");
}

TEST(RedactedCommand, ShowsLeAfterTheRedactedData) {
    EXPECT_EQ(command_trace("00 20 00 81 02 31 32 00"), "00 20 00 81 02 <2 bytes redacted> 00");
}

TEST(RedactedCommand, ShowsExtendedLengthFields) {
    Bytes raw = from_hex("00 DB 3F FE 00 01 00");
    raw.insert(raw.end(), 256, 0xA5);
    raw.insert(raw.end(), {0x00, 0x10});
    EXPECT_EQ(redacted_command(raw, kSecret), "00 DB 3F FE 00 01 00 <256 bytes redacted> 00 10");
}

TEST(RedactedCommand, HidesEverythingAfterTheHeaderOfAMalformedSecretCommand) {
    EXPECT_EQ(command_trace("00 20 00 81 09 31 32"), "00 20 00 81 <3 bytes redacted>");
}

TEST(RedactedCommand, ShowsAFlaggedCommandWithoutData) {
    EXPECT_EQ(command_trace("00 20 00 81"), "00 20 00 81");
    EXPECT_EQ(command_trace("00 B0 00 00 00"), "00 B0 00 00 00");
}

TEST(RedactedCommand, ShowsMalformedShortCommands) {
    EXPECT_EQ(command_trace("00 20"), "00 20");
}

// ---- redacted_response ---------------------------------------------------------------

TEST(RedactedResponse, HidesTheDataOfAResponseFlaggedSecret) {
    EXPECT_EQ(redacted_response(from_hex("53 45 43 90 00"), kSecretAnswer), "<3 bytes redacted> 90 00");
    EXPECT_EQ(redacted_response(from_hex("53 61 01"), kSecretAnswer), "<1 bytes redacted> 61 01");
}

TEST(RedactedResponse, ShowsTheStatusOfASecretResponseWithoutData) {
    EXPECT_EQ(redacted_response(from_hex("69 82"), kSecretAnswer), "69 82");
}

TEST(RedactedResponse, ShowsOtherResponses) {
    EXPECT_EQ(redacted_response(from_hex("53 90 00"), 0), "53 90 00");
    // Secret command data does not make the answer secret.
    EXPECT_EQ(redacted_response(from_hex("6E 00 90 00"), kSecret), "6E 00 90 00");
}

// ---- Trace output --------------------------------------------------------------------

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class TraceFile : public ::testing::Test {
  protected:
    void SetUp() override {
        path_ = ::testing::TempDir() + "carta_apdu_trace_" + std::to_string(::getpid()) + "_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".log";
        std::remove(path_.c_str());
        Trace::enable_to_file(path_);
    }
    void TearDown() override {
        Trace::disable();
        std::remove(path_.c_str());
    }
    std::string contents() const { return read_file(path_); }

    std::string path_;
};

TEST_F(TraceFile, WritesCommandAndResponseLines) {
    EXPECT_TRUE(Trace::enabled());
    Trace::command(from_hex("00 A4 04 00 02 A0 00"), 0);
    Trace::response(from_hex("6F 00 90 00"), 0);
    EXPECT_EQ(contents(), "> 00 A4 04 00 02 A0 00\n< 6F 00 90 00  (9000: success)\n");
}

TEST_F(TraceFile, AppendsToAnExistingFile) {
    Trace::command(from_hex("00 A4 04 00"), 0);
    Trace::enable_to_file(path_);
    Trace::command(from_hex("00 B0 00 00 00"), 0);
    EXPECT_EQ(contents(), "> 00 A4 04 00\n> 00 B0 00 00 00\n");
}

TEST_F(TraceFile, WritesNothingWhenDisabled) {
    Trace::disable();
    EXPECT_FALSE(Trace::enabled());
    Trace::command(from_hex("00 A4 04 00"), 0);
    EXPECT_EQ(contents(), "");
}

TEST_F(TraceFile, ChannelTracesEveryApdu) {
    ScriptedTransport card;
    card.then("AA 61 01").then("BB 90 00");
    ApduChannel channel(card);
    CommandApdu c;
    c.ins = 0xCA;
    c.p2 = 0x6E;
    channel.transmit(c);
    EXPECT_EQ(contents(),
              "> 00 CA 00 6E\n< AA 61 01  (6101: 1 more bytes available)\n"
              "> 00 C0 00 00 01\n< BB 90 00  (9000: success)\n");
}

TEST_F(TraceFile, ChannelRedactsAFlaggedCommand) {
    ScriptedTransport card;
    card.then("63 C2");
    ApduChannel channel(card);
    CommandApdu verify;
    verify.ins = 0x20;
    verify.p2 = 0x81;
    verify.data = from_hex("A5 A5 A5 A5 A5 A5");
    verify.flags = kSecret;
    channel.transmit(verify);
    EXPECT_EQ(contents(),
              "> 00 20 00 81 06 <6 bytes redacted>\n< 63 C2  (63C2: verification failed, 2 tries left)\n");
}

TEST_F(TraceFile, ChannelRedactsEveryPartOfAChainedKeyImport) {
    ScriptedTransport card;
    card.otherwise([](ByteView) { return from_hex("90 00"); });
    ApduChannel channel(card);
    CommandApdu import;
    import.ins = 0xDB;
    import.p1 = 0x3F;
    import.p2 = 0xFE;
    import.data.assign(600, 0xA5);
    import.flags = kSecret;
    channel.transmit(import);
    const std::string trace = contents();
    EXPECT_EQ(trace.find("A5"), std::string::npos) << trace;
    EXPECT_NE(trace.find("> 10 DB 3F FE FF <255 bytes redacted>\n"), std::string::npos) << trace;
    EXPECT_NE(trace.find("> 00 DB 3F FE 5A <90 bytes redacted>\n"), std::string::npos) << trace;
}

TEST_F(TraceFile, ChannelRedactsASecretResponseInGetResponseContinuations) {
    ScriptedTransport card;
    card.then("A5 A5 61 02").then("A5 A5 61 01").then("A5 90 00");
    ApduChannel channel(card);
    CommandApdu decipher;
    decipher.ins = 0x2A;
    decipher.p1 = 0x80;
    decipher.p2 = 0x86;
    decipher.data = from_hex("00 11 22");
    decipher.ne = 256;
    decipher.flags = kSecretAnswer;
    EXPECT_EQ(channel.transmit(decipher).data, from_hex("A5 A5 A5 A5 A5"));
    EXPECT_EQ(contents(),
              "> 00 2A 80 86 03 00 11 22 00\n< <2 bytes redacted> 61 02  (6102: 2 more bytes available)\n"
              "> 00 C0 00 00 02\n< <2 bytes redacted> 61 01  (6101: 1 more bytes available)\n"
              "> 00 C0 00 00 01\n< <1 bytes redacted> 90 00  (9000: success)\n");
}

TEST_F(TraceFile, ChannelRedactsTheResendOfAFlaggedCommand) {
    ScriptedTransport card;
    card.then("6C 02").then("A5 A5 90 00");
    ApduChannel channel(card);
    CommandApdu command;
    command.ins = 0x24;
    command.data = from_hex("A5 A5 A5");
    command.ne = 1;
    command.flags = kSecret;
    channel.transmit(command);
    const std::string trace = contents();
    EXPECT_NE(trace.find("> 00 24 00 00 03 <3 bytes redacted> 01\n"), std::string::npos) << trace;
    EXPECT_NE(trace.find("> 00 24 00 00 03 <3 bytes redacted> 02\n"), std::string::npos) << trace;
}

TEST_F(TraceFile, ChannelDoesNotRedactUnflaggedCommands) {
    ScriptedTransport card;
    card.then("A5 A5 90 00");
    ApduChannel channel(card);
    CommandApdu read;
    read.ins = 0xB0;
    read.data = from_hex("A5");
    read.ne = 2;
    channel.transmit(read);
    EXPECT_EQ(contents(), "> 00 B0 00 00 01 A5 02\n< A5 A5 90 00  (9000: success)\n");
}

TEST_F(TraceFile, LinesStayWholeWhenSeveralThreadsTrace) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([] {
            for (int i = 0; i < 200; ++i)
                Trace::command(from_hex("00 A4 04 00 08 01 02 03 04 05 06 07 08"), 0);
        });
    }
    for (auto& t : threads) t.join();
    std::istringstream lines(contents());
    std::string line;
    int count = 0;
    while (std::getline(lines, line)) {
        EXPECT_EQ(line, "> 00 A4 04 00 08 01 02 03 04 05 06 07 08");
        ++count;
    }
    EXPECT_EQ(count, 800);
}

TEST(TraceEnvironment, PathInCartaApduTraceAppendsToThatFile) {
    const std::string path =
        ::testing::TempDir() + "carta_apdu_trace_env_" + std::to_string(::getpid()) + ".log";
    std::remove(path.c_str());
    ASSERT_EQ(::setenv("CARTA_APDU_TRACE", path.c_str(), 1), 0);
    Trace::configure_from_environment();  // it is otherwise read once, on first use
    EXPECT_TRUE(Trace::enabled());
    Trace::command(from_hex("00 20 00 81 02 31 32"), kSecret);
    Trace::disable();
    ::unsetenv("CARTA_APDU_TRACE");
    EXPECT_EQ(read_file(path), "> 00 20 00 81 02 <2 bytes redacted>\n");
    std::remove(path.c_str());
}

TEST(TraceEnvironment, OneInCartaApduTraceWritesToStderr) {
    ASSERT_EQ(::setenv("CARTA_APDU_TRACE", "1", 1), 0);
    Trace::configure_from_environment();
    ::testing::internal::CaptureStderr();
    Trace::command(from_hex("00 A4 04 00"), 0);
    const std::string err = ::testing::internal::GetCapturedStderr();
    Trace::disable();
    ::unsetenv("CARTA_APDU_TRACE");
    EXPECT_EQ(err, "> 00 A4 04 00\n");
}

TEST(TraceEnvironment, ResetForgetsAnEnableAndReadsTheEnvironmentAgainOnFirstUse) {
    ::unsetenv("CARTA_APDU_TRACE");
    Trace::enable_to_stderr();
    Trace::reset();
    ASSERT_EQ(::setenv("CARTA_APDU_TRACE", "1", 1), 0);  // set after the reset, read at first use
    EXPECT_TRUE(Trace::enabled());
    ::unsetenv("CARTA_APDU_TRACE");
    Trace::reset();
    EXPECT_FALSE(Trace::enabled());
}

TEST(TraceEnvironment, UnsetOrZeroMeansOff) {
    ::unsetenv("CARTA_APDU_TRACE");
    Trace::configure_from_environment();
    EXPECT_FALSE(Trace::enabled());
    ASSERT_EQ(::setenv("CARTA_APDU_TRACE", "0", 1), 0);
    Trace::configure_from_environment();
    EXPECT_FALSE(Trace::enabled());
    ::unsetenv("CARTA_APDU_TRACE");
}

TEST(TraceEnvironment, EnableToStderrOverridesTheEnvironment) {
    ::unsetenv("CARTA_APDU_TRACE");
    Trace::configure_from_environment();
    Trace::enable_to_stderr();
    EXPECT_TRUE(Trace::enabled());
    Trace::disable();
}

}  // namespace
}  // namespace carta::apdu
