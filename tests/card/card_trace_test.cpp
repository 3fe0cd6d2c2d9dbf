// The APDU trace redacts by the flags the card library sets (card/src/protocol.hpp):
// every command that carries a PIN, a PUK or key material, and every answer that is
// a plaintext, is flagged. Traced through the card library, no secret appears.
#include <openssl/evp.h>

#include <fstream>
#include <sstream>

#include "card_fixture.hpp"
#include "carta/apdu/trace.hpp"

namespace carta::card::test {
namespace {

const std::string kTracedPin = "Pin!Secret7";
const std::string kTracedPuk = "Puk?Secret8";
const std::string kNewPin = "Nu-Pin#42";
const std::string kOtherPin = "Other=Pin9";
const std::string kPlaintext = "the deciphered session key";

class CardTrace : public CardTest {
  protected:
    void SetUp() override {
        CardTest::SetUp();
        path_ = (dir_ / "apdu.trace").string();
        apdu::Trace::enable_to_file(path_);
    }
    void TearDown() override {
        apdu::Trace::disable();
        CardTest::TearDown();
    }
    std::string trace() const {
        std::ifstream in(path_);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

    std::string path_;
};

// The trace shows bytes as "50 69 6E 21"; any `window` bytes of a secret in a row are a leak.
void expect_absent(const std::string& trace, ByteView secret, std::size_t window, const std::string& what) {
    for (std::size_t at = 0; at + window <= secret.size(); ++at)
        ASSERT_EQ(trace.find(to_hex(secret.subspan(at, window))), std::string::npos)
            << what << " (bytes " << at << "..) is in the trace:\n"
            << trace;
}

// A command line of the trace that starts with `header` and has its data redacted.
void expect_redacted(const std::string& trace, const std::string& header) {
    std::istringstream lines(trace);
    for (std::string line; std::getline(lines, line);)
        if (line.starts_with("> " + header + " ") && line.find(" bytes redacted>") != std::string::npos)
            return;
    ADD_FAILURE() << "no redacted \"" << header << "\" in the trace:\n" << trace;
}

TEST_F(CardTrace, NoCodeKeyOrPlaintextAppearsInTheTrace) {
    const auto pin = secret(kTracedPin);
    common().initialise(secret(kTracedPuk), &pin, "traced");
    common().verify(Code::Pin, secret(kTracedPin));

    ossl::PKey original(EVP_PKEY_Q_keygen(ossl::context(), nullptr, "RSA", static_cast<size_t>(2048)));
    const auto pkcs8 = ossl::pkcs8_private_key(ossl::der_of<i2d_PrivateKey>(original.get(), "key"));
    const auto key = common().import_key(pkcs8.view(), "imported", key_flags::kSign | key_flags::kDecipher);
    const auto ciphertext = openssl_encrypt(key.spki_der, as_bytes(kPlaintext), false);
    const auto plain = common().decipher(key.key_ref, {}, ciphertext);
    ASSERT_EQ(std::string(plain.data(), plain.data() + plain.size()), kPlaintext);

    common().change(Code::Pin, secret(kTracedPin), secret(kNewPin));
    common().unblock_pin(secret(kTracedPuk), secret(kOtherPin));
    common().verify(Code::Puk, secret(kTracedPuk));
    common().set_pin_with_verified_puk(secret(kTracedPin));
    common().erase(secret(kTracedPuk));

    const auto text = trace();
    for (const auto& code : {kTracedPin, kTracedPuk, kNewPin, kOtherPin})
        expect_absent(text, as_bytes(code), 4, code);
    expect_absent(text, as_bytes(kPlaintext), 4, "the plaintext");
    // The end of an RSA PKCS#8 key is private (primes, CRT exponents and coefficient).
    const ByteView key_bytes = pkcs8.view();
    expect_absent(text, key_bytes.last(400), 8, "the private key");

    expect_redacted(text, "80 44 00 00");  // INITIALISE PROFILE
    expect_redacted(text, "00 20 00 83");  // VERIFY PIN
    expect_redacted(text, "00 20 00 84");  // VERIFY PUK
    expect_redacted(text, "10 DB 3F FE");  // PUT DATA: private key, chained
    expect_redacted(text, "00 DB 3F FE");
    expect_redacted(text, "00 24 00 83");  // CHANGE REFERENCE DATA
    expect_redacted(text, "00 2C 00 83");  // RESET RETRY COUNTER: PUK + new PIN
    expect_redacted(text, "00 2C 02 83");  // RESET RETRY COUNTER: new PIN
    expect_redacted(text, "80 E6 00 00");  // ERASE PROFILE
    EXPECT_NE(text.find("< <" + std::to_string(kPlaintext.size()) + " bytes redacted> 90 00"),
              std::string::npos)
        << text;
}

TEST_F(CardTrace, WhatIsNotSecretIsShown) {
    common().status();
    const auto text = trace();
    // SELECT by AID: the AID and the FCI, whole.
    EXPECT_NE(text.find("> 00 A4 04 00 0A A0 00 00 01 67 45 53 49 47 4F 00"), std::string::npos) << text;
    EXPECT_EQ(text.find("redacted"), std::string::npos) << text;
}

}  // namespace
}  // namespace carta::card::test
