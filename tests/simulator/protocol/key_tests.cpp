// GENERATE, GET DATA, key import and the key files (docs §4, §5).
#include "card_protocol_test.hpp"
#include "carta/apdu/tlv.hpp"
#include "host_crypto.hpp"

namespace carta::sim::testing {

using apdu::CommandApdu;

Bytes CardProtocol::generate_and_check(std::uint8_t keyref, std::uint8_t code, std::size_t size_bytes) {
    login_common();
    const std::uint32_t counter = change_counter(ProfileId::common);
    const auto generated = generate(keyref, code, "my key");
    EXPECT_EQ(generated.status, SW(0x9000));
    if (!generated.ok()) return {};
    const auto outer = tlv::require(generated.data, 0x7F49);
    const bool rsa = keyref < 0x30;
    if (rsa) {
        EXPECT_EQ(tlv::require(outer.value, 0x81).value.size(), size_bytes);
        const auto exponent = tlv::require(outer.value, 0x82).value;
        EXPECT_EQ(Bytes(exponent.begin(), exponent.end()), from_hex("01 00 01"));
    } else {
        EXPECT_EQ(tlv::require(outer.value, 0x86).value.size(), 1 + 2 * size_bytes);
        EXPECT_EQ(tlv::require(outer.value, 0x86).value[0], 0x04);
        EXPECT_TRUE(tlv::find(outer.value, 0x06).has_value());
    }
    // GET DATA returns the same public key, and needs no PIN.
    send_hex("00 20 FF 83");
    const auto fetched = get_data(keyref);
    EXPECT_EQ(fetched.status, SW(0x9000));
    EXPECT_EQ(fetched.data, generated.data);
    EXPECT_NE(public_key_from_template(fetched.data), nullptr);

    const Bytes directory = read_file(0x5032);
    const int position = rsa ? (keyref - 0x21) : 10 + (keyref - 0x31);
    EXPECT_EQ(directory[0x24 + 2 * position], (rsa ? 0x00 : 0x10) | (keyref & 0x0F));
    EXPECT_EQ(directory[0x25 + 2 * position], code);

    const Bytes file = read_file(static_cast<std::uint16_t>(0x1000 + keyref));
    EXPECT_GE(file.size(), 0x86u);
    if (file.size() < 0x86) return generated.data;
    EXPECT_EQ(file[0], rsa ? 0x00 : 0x01);
    EXPECT_EQ(file[1], code);
    EXPECT_EQ(std::string(file.begin() + 3, file.begin() + 3 + file[2]), "my key");
    EXPECT_EQ(file[0x80], rsa ? 0x07 : 0x05);  // default usage + generated on the card
    EXPECT_EQ(file[0x81], keyref);
    EXPECT_EQ(static_cast<std::size_t>(file[0x84] << 8 | file[0x85]), generated.data.size());
    EXPECT_EQ(Bytes(file.begin() + 0x86, file.end()), generated.data);
    EXPECT_GT(change_counter(ProfileId::common), counter);
    EXPECT_EQ(verify(kPin), SW(0x9000));
    return generated.data;
}

namespace {

TEST_P(CardProtocol, GenerateRsa2048) {
    generate_and_check(0x21, kAlg2048OrP256, 256);
}

TEST_P(CardProtocol, GenerateRsa3072) {
    generate_and_check(0x22, kAlg3072OrP384, 384);
}

TEST_P(CardProtocol, GenerateRsa4096) {
    generate_and_check(0x2A, kAlg4096, 512);  // the longest answer: 61xx through a short Le
}

TEST_P(CardProtocol, GenerateP256) {
    generate_and_check(0x31, kAlg2048OrP256, 32);
}

TEST_P(CardProtocol, GenerateP384) {
    generate_and_check(0x3A, kAlg3072OrP384, 48);
}

TEST_P(CardProtocol, GenerateOnOccupiedKeyrefAnswers6A89) {
    login_common();
    ASSERT_EQ(generate(0x31, kAlg2048OrP256).status, SW(0x9000));
    const Bytes first = get_data(0x31).data;
    EXPECT_EQ(generate(0x31, kAlg2048OrP256).status, SW(0x6A89));
    EXPECT_EQ(get_data(0x31).data, first);  // untouched
}

TEST_P(CardProtocol, GenerateChecksItsParameters) {
    select(ProfileId::common);
    ASSERT_EQ(initialise(kPuk, kPin), SW(0x9000));
    EXPECT_EQ(generate(0x31, kAlg2048OrP256).status, SW(0x6982));  // PIN not verified
    ASSERT_EQ(verify(kPin), SW(0x9000));
    EXPECT_EQ(generate(0x2B, kAlg2048OrP256).status, SW(0x6A86));  // keyref outside the ranges
    EXPECT_EQ(generate(0x20, kAlg2048OrP256).status, SW(0x6A86));
    EXPECT_EQ(generate(0x31, kAlg4096).status, SW(0x6A80));  // no P-521
    EXPECT_EQ(generate(0x21, 0x44).status, SW(0x6A80));
    EXPECT_EQ(generate(0x31, kAlg2048OrP256, std::string(65, 'n')).status, SW(0x6A80));  // name > 64
    EXPECT_EQ(generate(0x31, kAlg2048OrP256, "", 0x04).status, SW(0x6A80));              // not a usage bit
    EXPECT_EQ(send(CommandApdu{0x00, 0x47, 0x00, 0x31, from_hex("81 01 41"), 256}).status,
              SW(0x6A80));  // no 80
    EXPECT_EQ(send(CommandApdu{0x00, 0x47, 0x01, 0x31, from_hex("80 01 41"), 256}).status, SW(0x6A86));
    EXPECT_EQ(read_file(0x5032)[0x24 + 20], 0x00);  // nothing was created
}

TEST_P(CardProtocol, GenerateWithUsageFlags) {
    login_common();
    ASSERT_EQ(generate(0x23, kAlg2048OrP256, "sign only", 0x01).status, SW(0x9000));
    EXPECT_EQ(read_file(0x1023)[0x80], 0x05);
    EXPECT_EQ(set_deciphering(0x23, kDecipherPkcs1), SW(0x6A80));  // may not decipher
    EXPECT_EQ(set_signing(0x23, kSignPkcs1), SW(0x9000));
}

TEST_P(CardProtocol, GetDataOfMissingKeyAnswers6A88) {
    login_common();
    EXPECT_EQ(get_data(0x21).status, SW(0x6A88));
    EXPECT_EQ(get_data(0x99).status, SW(0x6A88));
    EXPECT_EQ(send(CommandApdu{0x00, 0xCB, 0x00, 0xFE, from_hex("B6 03 83 01 21"), 256}).status, SW(0x6A86));
    EXPECT_EQ(send(CommandApdu{0x00, 0xCB, 0x00, 0xFF, from_hex("B6 03 83 02 21"), 256}).status, SW(0x6A80));
}

TEST_P(CardProtocol, ImportPkcs8RsaKey) {
    login_common();
    const Pkey key = generate_key("RSA-2048");
    EXPECT_EQ(import_key(0x1024, pkcs8_of(key.get()), "imported"), SW(0x9000));
    const auto fetched = get_data(0x24);
    ASSERT_EQ(fetched.status, SW(0x9000));
    EXPECT_TRUE(same_public_key(public_key_from_template(fetched.data).get(), key.get()));
    const Bytes file = read_file(0x1024);
    EXPECT_EQ(file[0x80], 0x0B);  // sign + decipher + imported
    EXPECT_EQ(read_file(0x5032)[0x24 + 2 * 3], 0x04);
    const Bytes hash = digest("SHA256", as_bytes("imported key"));
    EXPECT_TRUE(verify_pkcs1(key.get(), "SHA256", hash, sign(0x24, kSignPkcs1, hash)));
    EXPECT_EQ(import_key(0x1024, pkcs8_of(key.get())), SW(0x6A89));  // occupied
}

TEST_P(CardProtocol, ImportPkcs8EcKey) {
    login_common();
    const Pkey key = generate_key("P-384");
    EXPECT_EQ(import_key(0x1032, pkcs8_of(key.get())), SW(0x9000));
    EXPECT_TRUE(same_public_key(public_key_from_template(get_data(0x32).data).get(), key.get()));
    const Bytes hash = digest("SHA384", as_bytes("imported EC key"));
    EXPECT_TRUE(verify_ecdsa(key.get(), hash, sign(0x32, kSignEcdsa, hash)));
}

TEST_P(CardProtocol, ImportRefusesUnsuitableKeys) {
    select(ProfileId::common);
    ASSERT_EQ(initialise(kPuk, kPin), SW(0x9000));
    const Pkey ec = generate_key("P-256");
    EXPECT_EQ(import_key(0x1031, pkcs8_of(ec.get())), SW(0x6982));  // PIN first
    ASSERT_EQ(verify(kPin), SW(0x9000));
    EXPECT_EQ(import_key(0x1021, pkcs8_of(ec.get())), SW(0x6A80));  // EC key in an RSA slot
    EXPECT_EQ(import_key(0x1031, pkcs8_of(generate_key("P-521").get())), SW(0x6A80));
    EXPECT_EQ(import_key(0x1021, pkcs8_of(generate_key("RSA-1024").get())), SW(0x6A80));
    EXPECT_EQ(import_key(0x1031, from_hex("30 03 02 01 00")), SW(0x6A80));  // not PKCS#8
    EXPECT_EQ(import_key(0x2001, pkcs8_of(ec.get())), SW(0x6A80));          // not a key FID
    EXPECT_EQ(read_file(0x5032)[0x24 + 20], 0x00);
    EXPECT_EQ(import_key(0x1031, pkcs8_of(ec.get())), SW(0x9000));
}

}  // namespace
}  // namespace carta::sim::testing
