// init, PIN and PUK: tries left, blocking, unblocking, bad codes.
#include "cli_fixture.hpp"

namespace carta::test {
namespace {

const JsonValue& common(const JsonValue& status) {
    return status["profiles"]["common"];
}

TEST_F(CardTest, InitSetsPinAndPukAndActivatesTheCommonProfile) {
    ASSERT_EQ(common(carta_json({"status"}))["state"].as_string(), "uninitialised");
    init_card();
    const auto status = carta_json({"status"});
    EXPECT_EQ(common(status)["state"].as_string(), "active");
    EXPECT_EQ(common(status)["pin_tries_left"].as_int(), 3);
    EXPECT_EQ(common(status)["puk_tries_left"].as_int(), 10);
}

TEST_F(CardTest, InitTwiceIsRefusedAndChangesNothing) {
    init_card();
    const auto before = status_snapshot();
    const auto result = carta({"init"}, {{"CARTA_PIN", "999999"}, {"CARTA_PUK", "99999999"}});
    EXPECT_EQ(result.exit_code, 6) << describe(result);
    EXPECT_EQ(result.err, "carta: the common profile is already initialised (active)\n");
    EXPECT_EQ(status_snapshot(), before);
}

TEST_F(CardTest, InitWithoutCodesOrTerminalSaysWhatToSet) {
    const auto before = status_snapshot();
    const auto result = carta({"init"});
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    EXPECT_NE(result.err.find("CARTA_NEW_PUK or CARTA_PUK is not set"), std::string::npos) << result.err;
    EXPECT_EQ(status_snapshot(), before);
}

TEST_F(CardTest, PinOfThreeCharactersIsRefusedAndTheCardStaysAsItWas) {
    const auto before = status_snapshot();
    const auto result = carta({"init"}, {{"CARTA_PIN", "123"}, {"CARTA_PUK", kPuk}});
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    EXPECT_EQ(result.err,
              "carta: the PIN must be 4 to 32 bytes long in UTF-8 (a digit or Latin letter is one byte); "
              "this one is 3 characters\n");
    EXPECT_EQ(status_snapshot(), before);
}

TEST_F(CardTest, PinOfThirtyThreeCharactersIsRefusedAndTheCardStaysAsItWas) {
    const auto before = status_snapshot();
    const auto result = carta({"init"}, {{"CARTA_PIN", std::string(33, '7')}, {"CARTA_PUK", kPuk}});
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    EXPECT_EQ(result.err,
              "carta: the PIN must be 4 to 32 bytes long in UTF-8 (a digit or Latin letter is one byte); "
              "this one is 33 characters\n");
    EXPECT_EQ(status_snapshot(), before);
}

TEST_F(CardTest, ShortPinForVerificationCostsNoTry) {
    init_card();
    const auto before = status_snapshot();
    const auto result = carta({"key", "generate", "--algorithm", "p256"}, {{"CARTA_PIN", "123"}});
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    EXPECT_EQ(status_snapshot(), before);
}

TEST_F(CardTest, PinOfThirtyTwoCharactersWorks) {
    const std::string long_pin(32, 'x');
    ASSERT_EQ(carta({"init"}, {{"CARTA_PIN", long_pin}, {"CARTA_PUK", kPuk}}).exit_code, 0);
    const auto result = carta({"key", "generate", "--algorithm", "p256"}, {{"CARTA_PIN", long_pin}});
    EXPECT_EQ(result.exit_code, 0) << describe(result);
}

TEST_F(CardTest, WrongPukTenTimesBlocksThePuk) {
    init_card();
    const Environment wrong{{"CARTA_PUK", "00000000"}, {"CARTA_NEW_PIN", "1111"}};
    for (int left = 9; left >= 1; --left) {
        const auto result = carta({"pin", "unblock"}, wrong);
        ASSERT_EQ(result.exit_code, 3) << describe(result);
        EXPECT_EQ(result.err,
                  "carta: wrong PUK, " + std::to_string(left) + (left == 1 ? " try" : " tries") + " left\n");
    }
    auto result = carta({"pin", "unblock"}, wrong);
    EXPECT_EQ(result.exit_code, 4) << describe(result);
    EXPECT_EQ(result.err, "carta: wrong PUK; the PUK is now blocked\n");
    const auto status = carta_json({"status"});
    EXPECT_EQ(common(status)["state"].as_string(), "PUK blocked");
    EXPECT_EQ(common(status)["puk_tries_left"].as_int(), 0);

    // The right PUK no longer helps, and the PIN still works.
    result = carta({"pin", "unblock"}, {{"CARTA_PUK", kPuk}, {"CARTA_NEW_PIN", "1111"}});
    EXPECT_EQ(result.exit_code, 4) << describe(result);
    EXPECT_EQ(result.err, "carta: the PUK of the common profile is blocked; it cannot be used any more\n");
    EXPECT_EQ(carta({"key", "generate", "--algorithm", "p256"}, pin()).exit_code, 0);
}

TEST_F(CardTest, PinChangeReplacesThePin) {
    init_card();
    auto result = carta({"pin", "change"}, {{"CARTA_PIN", kPin}, {"CARTA_NEW_PIN", "9876"}});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(result.out, "PIN changed.\n");
    EXPECT_EQ(carta({"key", "generate", "--algorithm", "p256"}, pin()).exit_code, 3);
    EXPECT_EQ(carta({"key", "generate", "--algorithm", "p256"}, {{"CARTA_PIN", "9876"}}).exit_code, 0);
}

TEST_F(CardTest, PinChangeWithWrongPinSaysTriesLeft) {
    init_card();
    const auto result = carta({"pin", "change"}, {{"CARTA_PIN", "0000"}, {"CARTA_NEW_PIN", "9876"}});
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_EQ(result.err, "carta: wrong PIN, 2 tries left\n");
}

TEST_F(CardTest, PukChangeReplacesThePuk) {
    init_card();
    auto result = carta({"puk", "change"}, {{"CARTA_PUK", kPuk}, {"CARTA_NEW_PUK", "87654321"}});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    result = carta({"pin", "unblock"}, {{"CARTA_PUK", kPuk}, {"CARTA_NEW_PIN", "1111"}});
    EXPECT_EQ(result.exit_code, 3) << describe(result);
    result = carta({"pin", "unblock"}, {{"CARTA_PUK", "87654321"}, {"CARTA_NEW_PIN", "1111"}});
    EXPECT_EQ(result.exit_code, 0) << describe(result);
}

TEST_F(CardTest, CodeCommandsOnAnUninitialisedProfileSayToInit) {
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"pin", "change"},
                                               {"pin", "unblock"},
                                               {"puk", "change"},
                                               {"key", "generate", "--algorithm", "p256"}}) {
        const auto result =
            carta(args, {{"CARTA_PIN", kPin}, {"CARTA_PUK", kPuk}, {"CARTA_NEW_PIN", "1111"}});
        EXPECT_EQ(result.exit_code, 6) << describe(result);
        EXPECT_NE(result.err.find("run `carta init` first"), std::string::npos) << result.err;
    }
}

TEST_F(CardTest, SecureProfilePinIsBlockedAtDelivery) {
    const auto result = carta({"--profile", "secure", "csr", "--key", "31", "--email", kEmail}, pin());
    EXPECT_EQ(result.exit_code, 4) << describe(result);
}

TEST_F(CardTest, InitLabelIsShownInStatus) {
    const auto result = carta({"init", "--label", "Joe's card"}, {{"CARTA_PIN", kPin}, {"CARTA_PUK", kPuk}});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(common(carta_json({"status"}))["label"].as_string(), "Joe's card");
    const auto too_long =
        carta({"init", "--label", std::string(30, 'l')}, {{"CARTA_PIN", kPin}, {"CARTA_PUK", kPuk}});
    EXPECT_EQ(too_long.exit_code, 5) << describe(too_long);
}

// The fresh card of these tests has the secure profile's envelope PUK 87654321
// (tests/manager/CMakeLists.txt).
TEST_F(CardTest, SecureProfilePinIsSetWithTheEnvelopePukAndItsFixedKeysSign) {
    const Environment secure_pin{{"CARTA_PIN", "5555"}};
    auto result = carta({"--profile", "secure", "pin", "unblock"},
                        {{"CARTA_PUK", "87654321"}, {"CARTA_NEW_PIN", "5555"}});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(carta_json({"status"})["profiles"]["secure"]["state"].as_string(), "active");
    EXPECT_EQ(carta_json({"status"})["profiles"]["common"]["state"].as_string(), "uninitialised");

    result = carta(
        {"--profile", "secure", "csr", "--key", "31", "--email", kEmail, "--out", path("q.csr").string()},
        secure_pin);
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    openssl({"req", "-verify", "-noout", "-in", path("q.csr").string()});

    const auto before = status_snapshot();
    result = carta({"--profile", "secure", "key", "generate", "--algorithm", "p384"}, secure_pin);
    EXPECT_EQ(result.exit_code, 6) << describe(result);
    result = carta({"--profile", "secure", "init"}, {{"CARTA_PIN", kPin}, {"CARTA_PUK", kPuk}});
    EXPECT_EQ(result.exit_code, 6) << describe(result);
    EXPECT_EQ(result.err, "carta: the secure profile is already initialised (active)\n");
    EXPECT_EQ(status_snapshot(), before);
}

}  // namespace
}  // namespace carta::test
