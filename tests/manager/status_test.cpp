// readers, status, the APDU trace (status --json and the reader list: smoke_test.cpp).
#include "cli_fixture.hpp"

namespace carta::test {
namespace {

TEST_F(CardTest, StatusJsonShowsKeysCertificatesAndTries) {
    init_card();
    const auto key = generate_key();
    make_ca();
    ASSERT_EQ(carta({"cert", "import", sign(make_csr(key, "joe.csr"), "joe.pem").string()}, pin()).exit_code,
              0);
    ASSERT_EQ(carta({"key", "generate", "--algorithm", "p256"}, {{"CARTA_PIN", "0000"}}).exit_code, 3);
    const auto common = carta_json({"status"})["profiles"]["common"];
    EXPECT_EQ(common["state"].as_string(), "active");
    EXPECT_EQ(common["pin_tries_left"].as_int(), 2);
    EXPECT_EQ(common["pin_max_tries"].as_int(), 3);
    EXPECT_EQ(common["puk_tries_left"].as_int(), 10);
    ASSERT_EQ(common["keys"].size(), 1u);
    EXPECT_EQ(common["keys"][0]["label"].as_string(), "carta RSA-2048 key");
    ASSERT_EQ(common["certificates"].size(), 1u);
    EXPECT_EQ(common["certificates"][0]["id"].as_string(), "21");
    EXPECT_EQ(common["certificates"][0]["issuer"].as_string(), "CN=carta test CA, O=carta tests");
}

TEST_F(CardTest, StatusTextNamesTheStateAndTries) {
    init_card();
    const auto result = carta({"status"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.out.find("Reader:       " + card().reader()), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("common profile: active"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("PIN: 3 of 3 tries left"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("secure profile: PIN blocked"), std::string::npos) << result.out;
}

TEST_F(CardTest, ReaderCanBeChosenByIndexAndAnUnknownOneIsNamed) {
    EXPECT_EQ(carta({"--reader", "0", "status"}).exit_code, 0);
    const auto result = carta({"--reader", "no such reader", "status"});
    EXPECT_EQ(result.exit_code, 2) << describe(result);
    EXPECT_NE(result.err.find(card().reader()), std::string::npos) << result.err;
}

TEST_F(CardTest, PulledCardIsReportedAsMissing) {
    card().pull();
    const auto result = carta({"status"});
    EXPECT_EQ(result.exit_code, 2) << describe(result);
    EXPECT_EQ(result.err, "carta: no card in reader \"" + card().reader() + "\"\n");
    const auto readers = carta_json({"readers"});
    EXPECT_FALSE(readers[0]["card_present"].as_bool());
}

TEST_F(CardTest, VerboseTracesApdusWithoutThePin) {
    init_card();
    const auto result = carta({"-v", "key", "generate", "--algorithm", "p256"}, pin());
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.err.find("00 A4 04 00"), std::string::npos) << result.err;        // SELECT
    EXPECT_NE(result.err.find("00 20 00 83"), std::string::npos) << result.err;        // VERIFY
    EXPECT_EQ(result.err.find("32 37 31 38 32 38"), std::string::npos) << result.err;  // "271828"
}

TEST_F(CardTest, VerboseTraceEndsWithItsRun) {
    ASSERT_EQ(carta({"-v", "status"}).exit_code, 0);
    const auto result = carta({"status"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(result.err, "");
}

}  // namespace
}  // namespace carta::test
