// carta diagnose: the report, with and without a card, and no PIN or PUK in it.
#include "desktop_fixture.hpp"

namespace carta::test {
namespace {

// The test card's PIN and PUK as they could show up: text, spaced hex (the trace's
// form), and hex without spaces.
std::vector<std::string> secret_forms() {
    return {kPin, "32 37 31 38 32 38", "323731383238", kPuk, "33 31 34 31 35 39 32 36", "3331343135393236"};
}

TEST_F(CardTest, DiagnoseHoldsNoPinOrPukThoughItsTraceHasAVerify) {
    init_card();  // this process has just sent the PUK and the PIN
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"diagnose", "--check-pin"}, {"diagnose", "--check-pin", "--json"}}) {
        const auto result = carta(args, pin());
        ASSERT_EQ(result.exit_code, 0) << describe(result);
        // The redaction is exercised: the PIN went to the card in a traced VERIFY.
        EXPECT_NE(result.out.find("> 00 20 00"), std::string::npos) << result.out;
        EXPECT_NE(result.out.find("bytes redacted>"), std::string::npos) << result.out;
        EXPECT_NE(result.out.find("was verified"), std::string::npos) << result.out;
        for (const auto& secret : secret_forms()) {
            EXPECT_EQ(result.out.find(secret), std::string::npos) << secret << " in\n" << result.out;
            EXPECT_EQ(result.err.find(secret), std::string::npos) << secret << " in\n" << result.err;
        }
    }
}

TEST_F(CardTest, DiagnoseReportsVersionsReadersCardAndTheStatusTrace) {
    init_card();
    const auto report = carta_json({"diagnose"});
    EXPECT_EQ(report["versions"]["carta"].as_string(), "0.1.0");
    EXPECT_NE(report["versions"]["openssl"].as_string().find("OpenSSL 3"), std::string::npos);
    EXPECT_FALSE(report["versions"]["pcsc_lite_built_with"].as_string().empty());
    EXPECT_EQ(report["readers"][0]["name"].as_string(), card().reader());
    EXPECT_FALSE(report["readers"][0]["atr"].as_string().empty());
    EXPECT_EQ(report["card"]["card_number"].as_string(), "1625834976919804");
    EXPECT_EQ(report["card"]["profiles"]["common"]["pin_tries_left"].as_int(), 3);
    EXPECT_EQ(report["card"]["profiles"]["secure"]["state"].as_string(), "PIN blocked");
    EXPECT_FALSE(report.has("pin_check"));
    ASSERT_GT(report["apdu_trace"].size(), 2u);
    EXPECT_EQ(report["apdu_trace"][0].as_string().rfind("> 00 A4 04 00", 0), 0u);  // SELECT
    const auto text = carta({"diagnose"});
    EXPECT_NE(text.out.find("common profile: active"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("PIN: 3 of 3 tries left"), std::string::npos) << text.out;
}

TEST_F(CardTest, DiagnoseWithoutACardStillReportsTheRest) {
    card().pull();
    const auto result = carta({"diagnose"});
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.out.find("== Card (carta status)\nerror: no card in reader"), std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("carta       0.1.0"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("no card\n"), std::string::npos) << result.out;
}

TEST_F(DesktopCardTest, DiagnoseSaysWhereTheModuleIsRegistered) {
    const auto profile = make_default_profile();
    ASSERT_EQ(carta({"thunderbird", "--module", module().string()}, home_environment()).exit_code, 0);
    const auto report = carta_json({"diagnose"}, home_environment());
    const auto& thunderbird = report["desktop"]["thunderbird"];
    ASSERT_EQ(thunderbird.size(), 1u);
    EXPECT_EQ(thunderbird[0]["directory"].as_string(), profile.string());
    EXPECT_EQ(thunderbird[0]["carta_modules"][0]["library"].as_string(), module().string());
    EXPECT_EQ(report["desktop"]["firefox"].size(), 0u);
}

}  // namespace
}  // namespace carta::test
