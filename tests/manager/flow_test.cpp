// The certificate request the seed flow of issue 3 rests on (the flow itself: smoke_test.cpp).
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cli_fixture.hpp"

namespace carta::test {
namespace {

namespace fs = std::filesystem;

// The DER SubjectPublicKeyInfo of a PEM certificate request.
Bytes request_public_key(const fs::path& csr) {
    const auto pem = read_text(csr);
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    X509_REQ* request = PEM_read_bio_X509_REQ(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (request == nullptr) throw std::runtime_error("not a PEM request: " + csr.string());
    unsigned char* der = nullptr;
    const int length = i2d_PUBKEY(X509_REQ_get0_pubkey(request), &der);
    Bytes out(der, der + std::max(length, 0));
    OPENSSL_free(der);
    X509_REQ_free(request);
    return out;
}

TEST_F(CardTest, ImportingTheSameCertificateAgainChangesNothing) {
    init_card();
    const auto key = generate_key();
    make_ca();
    const auto issued = sign(make_csr(key, "joe.csr"), "joe.pem");
    ASSERT_EQ(carta({"cert", "import", issued.string()}, pin()).exit_code, 0);
    const auto before = status_snapshot();
    const auto again = carta({"cert", "import", to_der(issued, "joe.der").string()}, pin());
    EXPECT_EQ(again.exit_code, 0) << describe(again);
    EXPECT_NE(again.out.find("Already on the card"), std::string::npos) << again.out;
    EXPECT_EQ(status_snapshot(), before);
}

TEST_F(CardTest, CsrVerifiesWithOpensslAndHoldsTheCardsPublicKey) {
    init_card();
    const auto key = generate_key("rsa2048");
    const auto csr = make_csr(key, "joe.csr");
    const auto verified = openssl({"req", "-verify", "-noout", "-in", csr.string()});
    EXPECT_NE(verified.err.find("verify OK"), std::string::npos) << describe(verified);
    EXPECT_EQ(request_public_key(csr), card_public_key(key));
    const auto text = openssl({"req", "-noout", "-text", "-in", csr.string()}).out;
    EXPECT_NE(text.find("sha256WithRSAEncryption"), std::string::npos) << text;
    EXPECT_NE(text.find("CN = Joe Doe, emailAddress = joedoe@yourdomain.com"), std::string::npos) << text;
    EXPECT_NE(text.find("email:joedoe@yourdomain.com"), std::string::npos) << text;
}

TEST_F(CardTest, CsrWithoutKeyOptionUsesTheOnlyKeyAndWritesPemToStdout) {
    init_card();
    generate_key();
    const auto result = carta({"csr", "--email", kEmail}, pin());
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(result.out.rfind("-----BEGIN CERTIFICATE REQUEST-----\n", 0), 0u) << result.out;
    write_text(path("stdout.csr"), result.out);
    const auto text = openssl({"req", "-noout", "-text", "-in", path("stdout.csr").string()}).out;
    EXPECT_NE(text.find("CN = joedoe@yourdomain.com"), std::string::npos)
        << text;  // CN defaults to the address
}

TEST_F(CardTest, CsrSignedWithP256AndP384KeysVerifies) {
    init_card();
    const auto p256 = generate_key("p256");
    const auto p384 = generate_key("p384");
    EXPECT_EQ(p256, "31");
    EXPECT_EQ(p384, "32");
    for (const auto& [key, hash] :
         {std::pair{p256, "ecdsa-with-SHA256"}, std::pair{p384, "ecdsa-with-SHA384"}}) {
        const auto csr = make_csr(key, "ec" + key + ".csr");
        openssl({"req", "-verify", "-noout", "-in", csr.string()});
        EXPECT_EQ(request_public_key(csr), card_public_key(key));
        EXPECT_NE(openssl({"req", "-noout", "-text", "-in", csr.string()}).out.find(hash), std::string::npos);
        EXPECT_EQ(carta({"csr", "check", csr.string()}).exit_code, 0);
    }
}

TEST_F(CardTest, CsrWithSeveralKeysAsksWhichOne) {
    init_card();
    generate_key();
    generate_key("p256");
    const auto result = carta({"csr", "--email", kEmail}, pin());
    EXPECT_EQ(result.exit_code, 1) << describe(result);
    EXPECT_NE(result.err.find("choose one with --key"), std::string::npos) << result.err;
}

TEST_F(CardTest, CsrRefusesAnAddressThatIsNotOne) {
    init_card();
    generate_key();
    const auto result = carta({"csr", "--email", "joedoe at yourdomain"}, pin());
    EXPECT_EQ(result.exit_code, 5) << describe(result);
    EXPECT_EQ(result.err,
              "carta: \"joedoe at yourdomain\" is not an e-mail address (expected name@domain.example)\n");
}

TEST_F(CardTest, CsrOnAnEmptyProfileSaysToGenerateAKey) {
    init_card();
    const auto result = carta({"csr", "--email", kEmail}, pin());
    EXPECT_EQ(result.exit_code, 6) << describe(result);
    EXPECT_NE(result.err.find("carta key generate"), std::string::npos) << result.err;
}

TEST_F(CardTest, RequestMadeOnTheCardPassesCsrCheck) {
    init_card();
    const auto csr = make_csr(generate_key("rsa3072"), "card.csr");
    const auto result = carta({"csr", "check", csr.string()});
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.out.find("ok    key: RSA-3072"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace carta::test
