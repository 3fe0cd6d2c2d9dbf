// Keys and certificates: generate, import (certificates, chains, PKCS#12), export, list, delete.
#include "cli_fixture.hpp"

namespace carta::test {
namespace {

namespace fs = std::filesystem;

class ObjectsTest : public CardTest {
  protected:
    void SetUp() override {
        CardTest::SetUp();
        init_card();
        make_ca();
    }
    // A key on the card with its CA-issued certificate stored: returns the key's ID.
    std::string key_with_certificate() {
        const auto key = generate_key();
        const auto issued = sign(make_csr(key, "joe.csr"), "joe.pem");
        const auto result = carta({"cert", "import", issued.string()}, pin());
        EXPECT_EQ(result.exit_code, 0) << describe(result);
        return key;
    }
};

TEST_F(ObjectsTest, KeyGenerateNamesTheKeyByItsAlgorithmUnlessLabelled) {
    const auto key = carta_json({"key", "generate", "--algorithm", "rsa2048"}, pin());
    EXPECT_EQ(key["id"].as_string(), "21");
    EXPECT_EQ(key["label"].as_string(), "carta RSA-2048 key");
    EXPECT_EQ(key["algorithm"].as_string(), "rsa2048");
    EXPECT_EQ(key["origin"].as_string(), "generated");
    EXPECT_EQ(key["usage"][0].as_string(), "sign");
    const auto labelled = carta_json({"key", "generate", "--algorithm", "p384", "--label", "Poczta"}, pin());
    EXPECT_EQ(labelled["id"].as_string(), "31");
    EXPECT_EQ(labelled["label"].as_string(), "Poczta");
    const auto text = carta({"key", "generate", "--algorithm", "p256"}, pin());
    EXPECT_EQ(text.exit_code, 0);
    EXPECT_EQ(text.out.rfind("Generated key 32 \"carta P-256 key\" (P-256) in ", 0), 0u) << text.out;
}

TEST_F(ObjectsTest, LabelLongerThanSixtyFourBytesIsRefused) {
    const auto before = status_snapshot();
    const auto result =
        carta({"key", "generate", "--algorithm", "p256", "--label", std::string(65, 'k')}, pin());
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    EXPECT_EQ(status_snapshot(), before);
}

TEST_F(ObjectsTest, CorruptPemIsRefusedAndNothingIsWritten) {
    generate_key();
    auto pem = read_text(path("ca.pem"));
    pem[pem.size() / 2] = '*';  // not base64
    write_text(path("corrupt.pem"), pem);
    const auto before = status_snapshot();
    const auto result = carta({"cert", "import", path("corrupt.pem").string()}, pin());
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    EXPECT_EQ(result.err.rfind("carta: " + path("corrupt.pem").string() + ": corrupt PEM certificate", 0), 0u)
        << result.err;
    EXPECT_NE(result.err.find("nothing was written to the card"), std::string::npos);
    EXPECT_EQ(status_snapshot(), before);
}

TEST_F(ObjectsTest, FileWithoutCertificateIsRefused) {
    write_text(path("empty.pem"), "hello\n");
    const auto result = carta({"cert", "import", path("empty.pem").string()}, pin());
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    const auto missing = carta({"cert", "import", path("missing.pem").string()}, pin());
    EXPECT_EQ(missing.exit_code, 5) << describe(missing);
    EXPECT_NE(missing.err.find("cannot read"), std::string::npos);
}

TEST_F(ObjectsTest, CertificateForAForeignKeyIsRefusedAndNothingIsWritten) {
    generate_key();
    const auto foreign = foreign_certificate("other");
    const auto before = status_snapshot();
    const auto result = carta({"cert", "import", foreign.string()}, pin());
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    EXPECT_NE(result.err.find("certifies a key that is not on the card"), std::string::npos) << result.err;
    EXPECT_EQ(status_snapshot(), before);
}

TEST_F(ObjectsTest, CertificateForAForeignKeyIsStoredAsCaWithTheCaOption) {
    const auto foreign = foreign_certificate("other");
    const auto result = carta({"cert", "import", foreign.string(), "--ca"}, pin());
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    const auto list = carta_json({"list"});
    EXPECT_EQ(list["certificates"][0]["id"].as_string(), "cert:1");
    EXPECT_TRUE(list["certificates"][0]["ca"].as_bool());
    EXPECT_TRUE(list["certificates"][0]["key"].is_null());
}

TEST_F(ObjectsTest, ChainStoresTheEndEntityLinkedAndTheCaAsCa) {
    const auto key = generate_key();
    const auto issued = sign(make_csr(key, "joe.csr"), "joe.pem");
    write_text(path("chain.pem"), read_text(path("ca.pem")) + read_text(issued));  // CA first, on purpose
    const auto result = carta({"cert", "import", path("chain.pem").string(), "--label", "Joe"}, pin());
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    const auto list = carta_json({"list"});
    ASSERT_EQ(list["certificates"].size(), 2u);
    EXPECT_EQ(list["certificates"][0]["id"].as_string(), "21");
    EXPECT_EQ(list["certificates"][0]["label"].as_string(), "Joe");
    EXPECT_FALSE(list["certificates"][0]["ca"].as_bool());
    EXPECT_EQ(list["certificates"][1]["id"].as_string(), "cert:2");
    EXPECT_EQ(list["certificates"][1]["label"].as_string(), "carta test CA");
    EXPECT_TRUE(list["certificates"][1]["ca"].as_bool());
    const auto exported = carta({"cert", "export", "carta test CA"});
    EXPECT_EQ(exported.out, read_text(path("ca.pem")));
}

// A chain as CAs hand it out: a PKCS#7 certs-only bundle (.p7b), PEM or DER.
class Pkcs7ImportTest : public ObjectsTest, public ::testing::WithParamInterface<std::string> {
  protected:
    fs::path bundle_of(const fs::path& issued) {
        write_text(path("chain.pem"), read_text(issued) + read_text(path("ca.pem")));
        const auto out = path("chain.p7b");
        const auto made = openssl({"crl2pkcs7", "-nocrl", "-certfile", path("chain.pem").string(), "-outform",
                                   GetParam(), "-out", out.string()});
        EXPECT_EQ(made.exit_code, 0) << made.err;
        return out;
    }
};

TEST_P(Pkcs7ImportTest, BundleStoresTheEndEntityLinkedAndTheCaAsCa) {
    const auto key = generate_key();
    const auto issued = sign(make_csr(key, "joe.csr"), "joe.pem");
    const auto result = carta({"cert", "import", bundle_of(issued).string()}, pin());
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    const auto list = carta_json({"list"});
    ASSERT_EQ(list["certificates"].size(), 2u);
    EXPECT_EQ(list["certificates"][0]["id"].as_string(), "21");
    EXPECT_FALSE(list["certificates"][0]["ca"].as_bool());
    EXPECT_TRUE(list["certificates"][1]["ca"].as_bool());
    EXPECT_EQ(carta({"cert", "export", "21"}).out, read_text(issued));
    EXPECT_EQ(carta({"cert", "export", "carta test CA"}).out, read_text(path("ca.pem")));
}

INSTANTIATE_TEST_SUITE_P(Formats, Pkcs7ImportTest, ::testing::Values("PEM", "DER"),
                         [](const auto& info) { return info.param; });

TEST_F(ObjectsTest, CorruptPkcs7IsRefusedAndNothingIsWritten) {
    generate_key();
    write_text(path("corrupt.p7b"), "-----BEGIN PKCS7-----\nMIIB*not base64*\n-----END PKCS7-----\n");
    const auto before = status_snapshot();
    const auto result = carta({"cert", "import", path("corrupt.p7b").string()}, pin());
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    EXPECT_NE(result.err.find("corrupt PEM PKCS7 block"), std::string::npos) << result.err;
    EXPECT_EQ(status_snapshot(), before);
}

TEST_F(ObjectsTest, Pkcs7WithoutCertificatesIsRefused) {
    const auto made = openssl({"crl2pkcs7", "-nocrl", "-out", path("empty.p7b").string()});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    const auto result = carta({"cert", "import", path("empty.p7b").string()}, pin());
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    EXPECT_NE(result.err.find("the PKCS#7 file holds no certificate"), std::string::npos) << result.err;
}

TEST_F(ObjectsTest, ExportDerWritesTheStoredCertificateToAFile) {
    key_with_certificate();
    const auto result = carta({"cert", "export", "cert:1", "--der", "--out", path("out.der").string()});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(read_text(path("out.der")), read_text(to_der(path("joe.pem"), "joe.der")));
    EXPECT_EQ(carta({"cert", "export", "Joe Doe"}).out, read_text(path("joe.pem")));  // by label (the CN)
}

TEST_F(ObjectsTest, ExportOfAnUnknownCertificateNamesWhatExists) {
    key_with_certificate();
    const auto result = carta({"cert", "export", "nobody"});
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    EXPECT_EQ(result.err,
              "carta: no certificate \"nobody\" (certificates on the card: 21 (cert:1) \"Joe Doe\")\n");
}

TEST_F(ObjectsTest, ListShowsTheKeyAndItsCertificateUnderOneId) {
    key_with_certificate();
    const auto list = carta_json({"list"});
    EXPECT_EQ(list["profile"].as_string(), "common");
    ASSERT_EQ(list["keys"].size(), 1u);
    EXPECT_EQ(list["keys"][0]["id"].as_string(), "21");
    EXPECT_EQ(list["certificates"][0]["id"].as_string(), "21");
    EXPECT_EQ(list["certificates"][0]["email"].as_string(), kEmail);
    EXPECT_EQ(list["certificates"][0]["subject"].as_string(),
              "CN=Joe Doe, emailAddress=joedoe@yourdomain.com");
    const auto text = carta({"list"});
    EXPECT_NE(text.out.find(
                  "key 21  RSA-2048  \"carta RSA-2048 key\"  sign+decipher, generated, certificate cert:1"),
              std::string::npos)
        << text.out;
}

TEST_F(ObjectsTest, DeleteByKeyIdRemovesTheKeyAndItsCertificate) {
    const auto key = key_with_certificate();
    generate_key("p256");
    const auto result = carta({"delete", key}, pin());
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(result.out,
              "Deleted certificate cert:1 \"Joe Doe\".\nDeleted key 21 \"carta RSA-2048 key\".\n");
    const auto list = carta_json({"list"});
    ASSERT_EQ(list["keys"].size(), 1u);
    EXPECT_EQ(list["keys"][0]["id"].as_string(), "31");
    EXPECT_EQ(list["certificates"].size(), 0u);
}

TEST_F(ObjectsTest, DeleteCertificateSlotKeepsTheKey) {
    key_with_certificate();
    ASSERT_EQ(carta({"delete", "cert:1"}, pin()).exit_code, 0);
    const auto list = carta_json({"list"});
    EXPECT_EQ(list["keys"].size(), 1u);
    EXPECT_EQ(list["certificates"].size(), 0u);
}

TEST_F(ObjectsTest, DeleteByLabelAndOfSomethingMissing) {
    generate_key("p256");
    EXPECT_EQ(carta({"delete", "carta P-256 key"}, pin()).exit_code, 0);
    const auto before = status_snapshot();
    const auto missing = carta({"delete", "carta P-256 key"}, pin());
    EXPECT_EQ(missing.exit_code, 5) << describe(missing);
    EXPECT_EQ(missing.err,
              "carta: no object \"carta P-256 key\" (there are no keys on the card; there are no "
              "certificates on the "
              "card)\n");
    EXPECT_EQ(status_snapshot(), before);
}

TEST_F(ObjectsTest, P12ImportPutsKeyCertificateAndChainOnTheCard) {
    const auto foreign = foreign_certificate("other");
    openssl({"pkcs12", "-export", "-inkey", path("other.key").string(), "-in", foreign.string(), "-certfile",
             path("ca.pem").string(), "-name", "Someone's key", "-passout", "pass:s3cret", "-out",
             path("other.p12").string()});
    const auto result = carta({"p12", "import", path("other.p12").string()},
                              {{"CARTA_PIN", kPin}, {"CARTA_P12_PASSWORD", "s3cret"}});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    const auto list = carta_json({"list"});
    ASSERT_EQ(list["keys"].size(), 1u);
    EXPECT_EQ(list["keys"][0]["id"].as_string(), "21");
    EXPECT_EQ(list["keys"][0]["label"].as_string(), "Someone's key");
    EXPECT_EQ(list["keys"][0]["origin"].as_string(), "imported");
    ASSERT_EQ(list["certificates"].size(), 2u);
    EXPECT_EQ(list["certificates"][0]["id"].as_string(), "21");
    EXPECT_TRUE(list["certificates"][1]["ca"].as_bool());
    EXPECT_EQ(carta({"cert", "export", "21"}).out, read_text(foreign));
    // The imported key signs: a CSR from it verifies with the certificate's key.
    const auto csr = make_csr("21", "imported.csr");
    openssl({"req", "-verify", "-noout", "-in", csr.string()});
}

TEST_F(ObjectsTest, P12ImportOfAP256Key) {
    const auto foreign = foreign_certificate("ec", {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"});
    openssl({"pkcs12", "-export", "-inkey", path("ec.key").string(), "-in", foreign.string(), "-passout",
             "pass:s3cret", "-out", path("ec.p12").string()});
    const auto result = carta({"p12", "import", path("ec.p12").string(), "--label", "EC mail"},
                              {{"CARTA_PIN", kPin}, {"CARTA_P12_PASSWORD", "s3cret"}});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    const auto list = carta_json({"list"});
    EXPECT_EQ(list["keys"][0]["id"].as_string(), "31");
    EXPECT_EQ(list["keys"][0]["algorithm"].as_string(), "p256");
    EXPECT_EQ(list["keys"][0]["label"].as_string(), "EC mail");
    EXPECT_EQ(list["certificates"][0]["id"].as_string(), "31");
}

TEST_F(ObjectsTest, P12WithAKeyTheCardCannotHoldIsRefused) {
    const auto foreign =
        foreign_certificate("p521", {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521"});
    openssl({"pkcs12", "-export", "-inkey", path("p521.key").string(), "-in", foreign.string(), "-passout",
             "pass:s3cret", "-out", path("p521.p12").string()});
    const auto before = status_snapshot();
    const auto result = carta({"p12", "import", path("p521.p12").string()},
                              {{"CARTA_PIN", kPin}, {"CARTA_P12_PASSWORD", "s3cret"}});
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    EXPECT_NE(result.err.find("the card cannot hold a P-521 key"), std::string::npos) << result.err;
    EXPECT_EQ(status_snapshot(), before);
}

TEST_F(ObjectsTest, P12WithAWrongPasswordIsRefusedAndNothingIsWritten) {
    const auto foreign = foreign_certificate("other");
    openssl({"pkcs12", "-export", "-inkey", path("other.key").string(), "-in", foreign.string(), "-passout",
             "pass:s3cret", "-out", path("other.p12").string()});
    const auto before = status_snapshot();
    const auto result = carta({"p12", "import", path("other.p12").string()},
                              {{"CARTA_PIN", kPin}, {"CARTA_P12_PASSWORD", "wrong"}});
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    EXPECT_EQ(result.err, "carta: wrong password for " + path("other.p12").string() + "\n");
    EXPECT_EQ(status_snapshot(), before);
}

// The object cache ($XDG_CACHE_HOME/carta, shared with the PKCS#11 module), proven by the SELECT.
TEST_F(ObjectsTest, SecondListOfAnUnchangedCardReadsNoFile) {
    key_with_certificate();
    ASSERT_EQ(carta({"list"}).exit_code, 0);
    const auto trace = path("list.trace");
    const auto second = carta({"list"}, {{"CARTA_APDU_TRACE", trace.string()}});
    ASSERT_EQ(second.exit_code, 0) << describe(second);
    EXPECT_NE(second.out.find("joe"), std::string::npos) << second.out;
    const auto sent = read_text(trace);
    EXPECT_EQ(sent.find("> 00 A4 02"), std::string::npos) << sent;  // no SELECT of a file
    EXPECT_EQ(sent.find("> 00 B0"), std::string::npos) << sent;     // no READ BINARY
}

// One transaction for the whole report: each profile selected once, nothing read twice.
TEST_F(ObjectsTest, StatusOfAnUnchangedCardSelectsEachProfileOnce) {
    key_with_certificate();
    ASSERT_EQ(carta({"status"}).exit_code, 0);
    const auto trace = path("status.trace");
    const auto second = carta({"status"}, {{"CARTA_APDU_TRACE", trace.string()}});
    ASSERT_EQ(second.exit_code, 0) << describe(second);
    const auto sent = read_text(trace);
    std::size_t selects = 0, commands = 0;
    for (std::size_t at = sent.find("> "); at != std::string::npos; at = sent.find("> ", at + 1)) {
        ++commands;
        if (sent.compare(at, 10, "> 00 A4 04") == 0) ++selects;
    }
    EXPECT_EQ(selects, 2u) << sent;
    EXPECT_LE(commands, 4u) << sent;  // and the card's information file (SELECT FILE, READ BINARY)
}

TEST_F(ObjectsTest, ListAfterAnotherCommandChangedTheCardShowsTheChange) {
    const auto key = key_with_certificate();
    ASSERT_EQ(carta({"list"}).exit_code, 0);
    // The same card changed by a carta whose cache is elsewhere (another user, another machine).
    const auto elsewhere = path("elsewhere-cache");
    auto other = pin();
    other.emplace("XDG_CACHE_HOME", elsewhere.string());
    ASSERT_EQ(carta({"key", "generate", "--algorithm", "p256", "--label", "from elsewhere"}, other).exit_code,
              0);
    const auto listed = carta({"list"});
    EXPECT_NE(listed.out.find("from elsewhere"), std::string::npos) << listed.out;
}

}  // namespace
}  // namespace carta::test
