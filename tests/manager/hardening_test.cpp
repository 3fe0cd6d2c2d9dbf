// What an adversarial probe found (issue 10): trust from PKCS#12 files, terminal escapes
// in labels, PIN format, PINs left in the environment, and interrupted imports.
#include <openssl/pem.h>

#include <fstream>
#include <iterator>

#include "carta/apdu/tlv.hpp"
#include "carta/card/card.hpp"
#include "carta/card/openssl.hpp"
#include "cli_fixture.hpp"

namespace carta::test {
namespace {

namespace fs = std::filesystem;

const std::string kNotUtf8 = "\xff\xfe\x80\x81";
const std::string kRed = "\x1b[31mRED\x1b[0m";

class HardeningTest : public CardTest {
  protected:
    void SetUp() override {
        CardTest::SetUp();
        init_card();
        make_ca();
    }

    // The card library from the test itself, with the PIN verified: to give the card
    // what carta refuses to write, as another tool or a forged card could.
    template <typename F>
    void with_card(F&& f) {
        const auto transport = connect();
        card::Card common(*transport, card::Profile::Common);
        common.verify(card::Code::Pin, SecretBytes(std::string_view(kPin)));
        f(common);
    }

    // Names object `fid` on the card without the card library's label rule.
    void plant_name(std::uint16_t fid, const std::string& name) {
        with_card([&](card::Card& common) {
            tlv::TlvWriter writer;
            writer.add(0x5C, Bytes{static_cast<std::uint8_t>(fid >> 8), static_cast<std::uint8_t>(fid)});
            writer.add(0x81, as_bytes(name));
            const auto answer = common.channel().transmit(
                apdu::CommandApdu{0x00, 0xDB, 0x3F, 0xFF, writer.finish(), std::nullopt});
            ASSERT_TRUE(answer.ok());
        });
    }

    int pin_tries_left() { return carta_json({"status"})["profiles"]["common"]["pin_tries_left"].as_int(); }

    // A second CA:FALSE certificate for the key of `name` (NAME.key), as renewal bundles hold.
    fs::path second_leaf(const std::string& name) {
        openssl({"req", "-new", "-key", path(name + ".key").string(), "-out", path(name + "-2.csr").string(),
                 "-subj", "/CN=Someone Else (renewed)", "-config", path("openssl.cnf").string()});
        return sign(path(name + "-2.csr"), name + "-2.pem");
    }

    fs::path p12(const std::string& name, const std::vector<std::string>& extra) {
        std::vector<std::string> args{"pkcs12",   "-export",
                                      "-inkey",   path(name + ".key").string(),
                                      "-in",      path(name + ".pem").string(),
                                      "-passout", "pass:s3cret",
                                      "-out",     path(name + ".p12").string()};
        args.insert(args.end(), extra.begin(), extra.end());
        openssl(args);
        return path(name + ".p12");
    }

    Result import_p12(const fs::path& file) {
        return carta({"p12", "import", file.string()},
                     {{"CARTA_PIN", kPin}, {"CARTA_P12_PASSWORD", "s3cret"}});
    }
};

// --- D1: trust

TEST_F(HardeningTest, SecondEndEntityCertificateOfAP12IsNotStoredAsCa) {
    foreign_certificate("other");
    const auto renewed = second_leaf("other");
    const auto result = import_p12(p12("other", {"-certfile", renewed.string()}));
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(result.out.find("CA certificate"), std::string::npos) << result.out;
    const auto list = carta_json({"list"});
    ASSERT_EQ(list["certificates"].size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_FALSE(list["certificates"][i]["ca"].as_bool()) << i;
        EXPECT_EQ(list["certificates"][i]["id"].as_string(), "21") << i;
    }
}

TEST_F(HardeningTest, CaCertificateOfAP12ChainIsStoredAsCa) {
    foreign_certificate("other");
    ASSERT_EQ(import_p12(p12("other", {"-certfile", path("ca.pem").string()})).exit_code, 0);
    const auto list = carta_json({"list"});
    ASSERT_EQ(list["certificates"].size(), 2u);
    EXPECT_FALSE(list["certificates"][0]["ca"].as_bool());
    EXPECT_TRUE(list["certificates"][1]["ca"].as_bool());
}

// --- D2: labels and the terminal

TEST_F(HardeningTest, KeyLabelWithAnEscapeSequenceIsRefused) {
    const auto before = status_snapshot();
    const auto result = carta({"key", "generate", "--algorithm", "p256", "--label", kRed}, pin());
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    EXPECT_EQ(result.err.find('\x1b'), std::string::npos);
    EXPECT_EQ(status_snapshot(), before);
}

TEST_F(HardeningTest, LabelThatIsNotUtf8IsRefused) {
    const auto result = carta({"key", "generate", "--algorithm", "p256", "--label", kNotUtf8}, pin());
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    EXPECT_NE(result.err.find("UTF-8"), std::string::npos) << result.err;
}

TEST_F(HardeningTest, ProfileLabelWithABellIsRefusedBeforeTheCardIsAsked) {
    const auto result = carta({"init", "--label", "ding\a"}, {{"CARTA_PIN", kPin}, {"CARTA_PUK", kPuk}});
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    EXPECT_NE(result.err.find("control characters"), std::string::npos) << result.err;
}

TEST_F(HardeningTest, ListShowsEscapeSequencesFromTheCardEscaped) {
    generate_key("p256");
    plant_name(0x1031, kRed);
    const auto result = carta({"list"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(result.out.find('\x1b'), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("\"\\x1b[31mRED\\x1b[0m\""), std::string::npos) << result.out;
}

TEST_F(HardeningTest, DeleteShowsTheLabelItRemovesEscaped) {
    generate_key("p256");
    plant_name(0x1031, "bell\a\xff");
    const auto result = carta({"delete", "31"}, pin());
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(result.out, "Deleted key 31 \"bell\\x07\\xff\".\n");
}

TEST_F(HardeningTest, StatusShowsAProfileLabelFromTheCardEscaped) {
    with_card([&](card::Card& common) {
        tlv::TlvWriter writer;
        writer.add(0x5C, Bytes{0x50, 0x32});
        writer.add(0x50, as_bytes("\x1b]0;x\a"));
        ASSERT_TRUE(common.channel()
                        .transmit(apdu::CommandApdu{0x00, 0xDB, 0x3F, 0xFF, writer.finish(), std::nullopt})
                        .ok());
    });
    const auto result = carta({"status"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.out.find("(label \"\\x1b]0;x\\x07\")"), std::string::npos) << result.out;
}

TEST_F(HardeningTest, CertificateCommonNameWithControlCharactersGivesACleanDefaultLabel) {
    const auto key = generate_key();
    const auto csr = path("bell.csr");
    ASSERT_EQ(carta({"csr", "--key", key, "--email", kEmail, "--cn",
                     "Joe\x07"
                     "Doe",
                     "--out", csr.string()},
                    pin())
                  .exit_code,
              0);
    const auto result = carta({"cert", "import", sign(csr, "bell.pem").string()}, pin());
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(carta_json({"list"})["certificates"][0]["label"].as_string(),
              "Joe\xEF\xBF\xBD"
              "Doe");
}

// --- D5: PIN format

TEST_F(HardeningTest, LoginWithAPinThatIsNotUtf8SpendsNoTry) {
    const auto result = carta({"key", "generate", "--algorithm", "p256"}, {{"CARTA_PIN", kNotUtf8}});
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    EXPECT_EQ(result.err, "carta: the PIN must be UTF-8 text\n");
    EXPECT_EQ(pin_tries_left(), 3);
}

TEST_F(HardeningTest, NewPinThatIsNotUtf8IsRefused) {
    const auto result = carta({"pin", "change"}, {{"CARTA_PIN", kPin}, {"CARTA_NEW_PIN", kNotUtf8}});
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    EXPECT_EQ(carta({"key", "generate", "--algorithm", "p256"}, pin()).exit_code, 0)
        << "the old PIN still works";
}

TEST_F(HardeningTest, PinOfSeventeenTwoByteLettersIsRefusedInBytesAndCharacters) {
    std::string pin;
    for (int i = 0; i < 17; ++i) pin += "ą";
    const auto result = carta({"pin", "change"}, {{"CARTA_PIN", kPin}, {"CARTA_NEW_PIN", pin}});
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    EXPECT_NE(result.err.find("this one is 17 characters in 34 bytes"), std::string::npos) << result.err;
}

// --- p12 import atomicity

class InterruptedImportTest : public HardeningTest {
  protected:
    // What a p12 import pulled after its first write leaves: the key, under its pending name.
    fs::path interrupted_import() {
        foreign_certificate("other");
        const auto file = p12("other", {"-certfile", path("ca.pem").string()});
        std::ifstream in(path("other.key"));
        const std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        ossl::Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
        ossl::PKey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
        const auto der = ossl::der_of<i2d_PrivateKey>(key.get(), "key");
        const auto pkcs8 = ossl::pkcs8_private_key(der);
        with_card([&](card::Card& common) { common.import_key(pkcs8.view(), "carta-pending:Someone Else"); });
        return file;
    }
};

TEST_F(InterruptedImportTest, NextRunReportsWhatWasLeftAndHowToCleanUp) {
    interrupted_import();
    const auto result = carta({"list"});
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.err.find("an import was interrupted and left 21 \"carta-pending:Someone Else\""),
              std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("`carta delete 21`"), std::string::npos) << result.err;
}

TEST_F(InterruptedImportTest, RunningTheImportAgainCompletesIt) {
    const auto file = interrupted_import();
    const auto result = import_p12(file);
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    const auto list = carta_json({"list"});
    ASSERT_EQ(list["keys"].size(), 1u);
    EXPECT_EQ(list["keys"][0]["label"].as_string(), "carta RSA-2048 key");
    ASSERT_EQ(list["certificates"].size(), 2u);
    EXPECT_EQ(list["certificates"][0]["id"].as_string(), "21");
    EXPECT_EQ(list["certificates"][0]["label"].as_string(), "Someone Else");
    EXPECT_TRUE(list["certificates"][1]["ca"].as_bool());
    EXPECT_EQ(carta({"list"}).err, "");
}

TEST_F(InterruptedImportTest, DeletingWhatWasLeftLeavesNoWarning) {
    interrupted_import();
    ASSERT_EQ(carta({"delete", "21"}, pin()).exit_code, 0);
    const auto result = carta({"list"});
    EXPECT_EQ(result.err, "");
}

TEST_F(HardeningTest, LabelWithThePendingMarkIsRefused) {
    const auto result =
        carta({"key", "generate", "--algorithm", "p256", "--label", "carta-pending:mine"}, pin());
    EXPECT_EQ(result.exit_code, 5) << describe(result);
}

}  // namespace
}  // namespace carta::test
