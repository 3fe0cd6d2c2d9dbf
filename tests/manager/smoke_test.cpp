// The thin layer through the real stack: the built `carta` binary against carta-sim
// behind a private pcscd (label pcscd), for what the in-process tests cannot show:
// the binary, PC/SC's reader list and a service that is not there. Each test is one
// representative of a behaviour the in-process tests cover in depth.
#include <cctype>

#include "cli_fixture.hpp"

namespace carta::test {
namespace {

const JsonValue& common(const JsonValue& status) {
    return status["profiles"]["common"];
}

// The whole activation flow: init, key, request, CA-issued certificate in, and out again.
TEST_F(CardTest, SeedFlowStoresTheCaIssuedCertificateAsPemAndAsDer) {
    init_card();
    const auto key = generate_key("rsa2048");
    ASSERT_EQ(key, "21");
    const auto csr = make_csr(key, "joe.csr");
    make_ca();
    const auto issued = sign(csr, "joe.pem");
    const auto issued_der = read_text(to_der(issued, "joe.der"));

    // PEM import: the certificate is linked to the key and reads back unchanged.
    auto imported = carta({"cert", "import", issued.string()}, pin());
    ASSERT_EQ(imported.exit_code, 0) << describe(imported);
    auto list = carta_json({"list"});
    ASSERT_EQ(list["certificates"].size(), 1u);
    EXPECT_EQ(list["certificates"][0]["id"].as_string(), "21");
    EXPECT_EQ(list["certificates"][0]["key"].as_string(), "21");
    EXPECT_FALSE(list["certificates"][0]["ca"].as_bool());
    EXPECT_EQ(list["keys"][0]["certificates"][0].as_string(), "cert:1");
    auto exported = carta({"cert", "export", "21", "--der"});
    ASSERT_EQ(exported.exit_code, 0) << describe(exported);
    EXPECT_EQ(exported.out, issued_der);
    auto exported_pem = carta({"cert", "export", "21"});
    EXPECT_EQ(exported_pem.out, read_text(issued));

    // Again from DER, after deleting the stored copy.
    ASSERT_EQ(carta({"delete", "cert:1"}, pin()).exit_code, 0);
    imported = carta({"cert", "import", path("joe.der").string()}, pin());
    ASSERT_EQ(imported.exit_code, 0) << describe(imported);
    exported = carta({"cert", "export", "21", "--der"});
    EXPECT_EQ(exported.out, issued_der);
    list = carta_json({"list"});
    EXPECT_EQ(list["certificates"].size(), 1u);
    EXPECT_EQ(list["certificates"][0]["id"].as_string(), "21");
}

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

TEST_F(CardTest, WrongPinSaysTriesLeftUntilBlockedThenPukUnblocks) {
    init_card();
    const Environment wrong{{"CARTA_PIN", "000000"}};
    auto result = carta({"key", "generate", "--algorithm", "p256"}, wrong);
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_EQ(result.err, "carta: wrong PIN, 2 tries left\n");
    result = carta({"key", "generate", "--algorithm", "p256"}, wrong);
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_EQ(result.err, "carta: wrong PIN, 1 try left\n");
    result = carta({"key", "generate", "--algorithm", "p256"}, wrong);
    EXPECT_EQ(result.exit_code, 4);
    EXPECT_EQ(result.err, "carta: wrong PIN; the PIN is now blocked (unblock it with `carta pin unblock`)\n");
    auto status = carta_json({"status"});
    EXPECT_EQ(common(status)["state"].as_string(), "PIN blocked");
    EXPECT_EQ(common(status)["pin_tries_left"].as_int(), 0);
    EXPECT_TRUE(common(status)["keys"].items().empty());

    // Blocked: even the right PIN is refused, without spending anything.
    result = carta({"key", "generate", "--algorithm", "p256"}, pin());
    EXPECT_EQ(result.exit_code, 4);
    EXPECT_EQ(result.err, "carta: the PIN is blocked (unblock it with `carta pin unblock`)\n");

    result = carta({"pin", "unblock"}, {{"CARTA_PUK", kPuk}, {"CARTA_NEW_PIN", "1111"}});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    status = carta_json({"status"});
    EXPECT_EQ(common(status)["state"].as_string(), "active");
    EXPECT_EQ(common(status)["pin_tries_left"].as_int(), 3);
    result = carta({"key", "generate", "--algorithm", "p256"}, {{"CARTA_PIN", "1111"}});
    EXPECT_EQ(result.exit_code, 0) << describe(result);
}

TEST_F(CliTest, WithoutPcscdTheErrorSaysSo) {
    const auto result = carta({"status"}, {{"PCSCLITE_CSOCK_NAME", path("no-pcscd.comm").string()}});
    EXPECT_EQ(result.exit_code, 2) << describe(result);
    EXPECT_NE(result.err.find("pcscd"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace carta::test
