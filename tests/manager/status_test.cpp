// readers, status, usage errors, the APDU trace.
#include <cctype>

#include "cli_fixture.hpp"

namespace carta::test {
namespace {

TEST_F(CardTest, StatusJsonReportsTheCardAndEachProfile) {
    const auto status = carta_json({"status"});
    EXPECT_EQ(status["reader"].as_string(), card().reader());
    const auto& number = status["card_number"].as_string();
    EXPECT_EQ(number.size(), 16u);
    for (const char digit : number) EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(digit))) << number;
    EXPECT_EQ(status["model"].as_string(), "cryptoCertum 3.6");

    const auto& common = status["profiles"]["common"];
    EXPECT_EQ(common["state"].as_string(), "uninitialised");
    EXPECT_TRUE(common["pin_tries_left"].is_null());
    EXPECT_TRUE(common["puk_tries_left"].is_null());
    EXPECT_EQ(common["keys"].size(), 0u);
    EXPECT_EQ(common["certificates"].size(), 0u);

    // The secure profile: PIN blocked until the PUK from the envelope sets it; ten fixed keys.
    const auto& secure = status["profiles"]["secure"];
    EXPECT_EQ(secure["state"].as_string(), "PIN blocked");
    EXPECT_EQ(secure["pin_tries_left"].as_int(), 0);
    EXPECT_EQ(secure["puk_tries_left"].as_int(), 10);
    ASSERT_EQ(secure["keys"].size(), 10u);
    EXPECT_EQ(secure["keys"][0]["id"].as_string(), "21");
    EXPECT_EQ(secure["keys"][0]["algorithm"].as_string(), "rsa3072");
    EXPECT_EQ(secure["keys"][9]["id"].as_string(), "35");
    EXPECT_EQ(secure["keys"][9]["algorithm"].as_string(), "p384");
}

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

TEST_F(CardTest, ReadersListsTheSimulatedReaderWithItsCard) {
    const auto readers = carta_json({"readers"});
    ASSERT_GE(readers.size(), 1u);  // vpcd offers more than one slot; the card is in the first
    EXPECT_EQ(readers[0]["index"].as_int(), 0);
    EXPECT_EQ(readers[0]["name"].as_string(), card().reader());
    EXPECT_TRUE(readers[0]["card_present"].as_bool());
    EXPECT_EQ(readers[0]["atr"].as_string(), "3B7F9600008031805843657274756D3031829000");
    for (std::size_t i = 1; i < readers.size(); ++i) EXPECT_FALSE(readers[i]["card_present"].as_bool());
    const auto text = carta({"readers"});
    EXPECT_EQ(text.out.rfind("0  " + card().reader() + "  card present, ATR 3B 7F 96", 0), 0u) << text.out;
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

}  // namespace
}  // namespace carta::test
