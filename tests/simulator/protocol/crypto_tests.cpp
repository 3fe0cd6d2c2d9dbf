// MSE, PSO:HASH, PSO:COMPUTE DIGITAL SIGNATURE and PSO:DECIPHER (docs §7), with
// every result checked by OpenSSL on the host side.
#include "card_protocol_test.hpp"
#include "host_crypto.hpp"

namespace carta::sim::testing {
namespace {

using apdu::CommandApdu;

TEST_P(CardProtocol, SignRsaPkcs1OfHash) {
    login_common();
    const Pkey key = public_key_from_template(generate(0x21, kAlg2048OrP256).data);
    for (const std::string md : {"SHA1", "SHA224", "SHA256", "SHA384", "SHA512"}) {
        const Bytes hash = digest(md, as_bytes("to be signed"));
        const Bytes signature = sign(0x21, kSignPkcs1, hash);
        EXPECT_EQ(signature.size(), 256u);
        EXPECT_TRUE(verify_pkcs1(key.get(), md, hash, signature)) << md;
    }
}

TEST_P(CardProtocol, SignRsaPkcs1Raw) {
    login_common();
    const Pkey key = public_key_from_template(generate(0x21, kAlg2048OrP256).data);
    const Bytes info = sha256_digest_info(digest("SHA256", as_bytes("raw")));
    const Bytes signature = sign(0x21, kSignRaw, info);
    EXPECT_TRUE(verify_pkcs1_raw(key.get(), info, signature));
    EXPECT_TRUE(verify_pkcs1(key.get(), "SHA256", digest("SHA256", as_bytes("raw")), signature));
    ASSERT_EQ(set_signing(0x21, kSignRaw), SW(0x9000));
    EXPECT_EQ(pso_hash(Bytes(256 - 11 + 1, 0x01)), SW(0x6A80));  // longer than k - 11
    EXPECT_EQ(pso_hash(Bytes(256 - 11, 0x01)), SW(0x9000));
    EXPECT_EQ(pso_hash(Bytes{}), SW(0x9000));  // 0 bytes: PKCS#1 v1.5 pads an empty message too
}

TEST_P(CardProtocol, SignRsaPss) {
    login_common();
    const Pkey key = public_key_from_template(generate(0x21, kAlg2048OrP256).data);
    const Bytes hash = digest("SHA256", as_bytes("pss"));
    // Defaults: MGF1 with the same hash, salt as long as the hash.
    EXPECT_TRUE(verify_pss(key.get(), "SHA256", "SHA256", 32, hash, sign(0x21, kSignPss, hash)));
    // Explicit: SHA-384, MGF1-SHA-1, salt 20.
    const Bytes hash384 = digest("SHA384", as_bytes("pss"));
    EXPECT_TRUE(verify_pss(key.get(), "SHA384", "SHA1", 20, hash384,
                           sign(0x21, kSignPss, hash384, from_hex("04 01 14"))));
    EXPECT_EQ(set_signing(0x21, kSignPss, from_hex("04 01")), SW(0x6A80));       // 95 needs 3 bytes
    EXPECT_EQ(set_signing(0x21, kSignPss, from_hex("07 01 14")), SW(0x6A80));    // unknown hash id
    EXPECT_EQ(set_signing(0x21, kSignPkcs1, from_hex("04 01 14")), SW(0x6A80));  // 95 only for PSS
    ASSERT_EQ(set_signing(0x21, kSignPss, from_hex("04 04 30")), SW(0x9000));
    EXPECT_EQ(pso_hash(hash), SW(0x6A80));  // 32 bytes, but the MSE said SHA-384
}

TEST_P(CardProtocol, SignEcdsa) {
    login_common();
    const Pkey p256 = public_key_from_template(generate(0x31, kAlg2048OrP256).data);
    const Bytes hash = digest("SHA256", as_bytes("ecdsa"));
    const Bytes signature = sign(0x31, kSignEcdsa, hash);
    EXPECT_EQ(signature.size(), 64u);  // r||s
    EXPECT_TRUE(verify_ecdsa(p256.get(), hash, signature));
    const Bytes long_hash = digest("SHA512", as_bytes("ecdsa"));  // truncated to the order
    EXPECT_TRUE(verify_ecdsa(p256.get(), long_hash, sign(0x31, kSignEcdsa, long_hash)));
    EXPECT_EQ(set_signing(0x31, kSignPkcs1), SW(0x6A80));  // RSA algorithm, EC key
}

TEST_P(CardProtocol, SignNeedsPinMseAndHash) {
    login_common();
    ASSERT_EQ(generate(0x31, kAlg2048OrP256).status, SW(0x9000));
    const Bytes hash = digest("SHA256", as_bytes("x"));
    EXPECT_EQ(pso_hash(hash), SW(0x6985));                 // no MSE yet
    EXPECT_EQ(compute_signature().status, SW(0x6985));     // neither MSE nor hash
    EXPECT_EQ(set_signing(0x35, kSignEcdsa), SW(0x6A88));  // no such key
    EXPECT_EQ(set_signing(0x31, kSignEcdsa), SW(0x9000));
    EXPECT_EQ(compute_signature().status, SW(0x6985));  // no hash
    EXPECT_EQ(pso_hash(Bytes{}), SW(0x6A80));
    EXPECT_EQ(status(CommandApdu{0x00, 0x2A, 0x90, 0xA0, from_hex("91 01 00"), std::nullopt}), SW(0x6A80));
    ASSERT_EQ(pso_hash(hash), SW(0x9000));
    send_hex("00 20 FF 83");
    EXPECT_EQ(compute_signature().status, SW(0x6982));  // PIN
    ASSERT_EQ(verify(kPin), SW(0x9000));
    ASSERT_EQ(pso_hash(hash), SW(0x9000));
    EXPECT_EQ(compute_signature().status, SW(0x9000));
    EXPECT_EQ(compute_signature().status, SW(0x6985));  // the input was consumed
    EXPECT_EQ(send_hex("00 22 81 B7 06 80 01 44 84 01 31").status, SW(0x6A86));
    EXPECT_EQ(send_hex("00 2A 9E 9B 00").status, SW(0x6A86));
}

TEST_P(CardProtocol, SignRsaPkcs1HashChecksTheLength) {
    login_common();
    ASSERT_EQ(generate(0x21, kAlg2048OrP256).status, SW(0x9000));
    ASSERT_EQ(set_signing(0x21, kSignPkcs1), SW(0x9000));
    EXPECT_EQ(pso_hash(Bytes(33, 0x01)), SW(0x6A80));
    EXPECT_EQ(pso_hash(Bytes(20, 0x01)), SW(0x9000));
}

TEST_P(CardProtocol, DecipherPkcs1) {
    login_common();
    const Pkey key = public_key_from_template(generate(0x21, kAlg2048OrP256).data);
    const Bytes secret = from_hex("00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF");
    ASSERT_EQ(set_deciphering(0x21, kDecipherPkcs1), SW(0x9000));
    const auto plain = decipher(encrypt_pkcs1(key.get(), secret));
    EXPECT_EQ(plain.status, SW(0x9000));
    EXPECT_EQ(plain.data, secret);
    Bytes broken = encrypt_pkcs1(key.get(), secret);
    broken[10] ^= 0x55;
    EXPECT_EQ(decipher(broken).status, SW(0x6A80));            // padding check fails
    EXPECT_EQ(decipher(Bytes(255, 0x01)).status, SW(0x6A80));  // not the modulus size
    Bytes no_indicator{0x01};
    const Bytes ciphertext = encrypt_pkcs1(key.get(), secret);
    no_indicator.insert(no_indicator.end(), ciphertext.begin(), ciphertext.end());
    EXPECT_EQ(send(CommandApdu{0x00, 0x2A, 0x80, 0x86, no_indicator, 256}).status, SW(0x6A80));
}

TEST_P(CardProtocol, DecipherOaepSha1) {
    login_common();
    const Pkey key = public_key_from_template(generate(0x22, kAlg3072OrP384).data);
    const Bytes secret = bytes_of("a session key, 32 bytes long....");
    ASSERT_EQ(set_deciphering(0x22, kDecipherOaep), SW(0x9000));  // default SHA-1 / MGF1-SHA-1
    const auto plain = decipher(encrypt_oaep(key.get(), "SHA1", "SHA1", {}, secret));
    EXPECT_EQ(plain.status, SW(0x9000));
    EXPECT_EQ(plain.data, secret);
}

TEST_P(CardProtocol, DecipherOaepSha256WithLabel) {
    login_common();
    const Pkey key = public_key_from_template(generate(0x21, kAlg2048OrP256).data);
    const Bytes secret = from_hex("CAFEBABE");
    const Bytes label = bytes_of("carta label");
    ASSERT_EQ(set_deciphering(0x21, kDecipherOaep, from_hex("03 03"), label), SW(0x9000));
    const auto plain = decipher(encrypt_oaep(key.get(), "SHA256", "SHA256", label, secret));
    EXPECT_EQ(plain.status, SW(0x9000));
    EXPECT_EQ(plain.data, secret);
    // Another label: the OAEP check fails.
    EXPECT_EQ(decipher(encrypt_oaep(key.get(), "SHA256", "SHA256", as_bytes("other"), secret)).status,
              SW(0x6A80));
    EXPECT_EQ(set_deciphering(0x21, kDecipherPkcs1, from_hex("03 03")), SW(0x6A80));  // 95 only for OAEP
}

TEST_P(CardProtocol, DecipherNeedsPinAndMse) {
    login_common();
    const Pkey key = public_key_from_template(generate(0x21, kAlg2048OrP256).data);
    ASSERT_EQ(generate(0x31, kAlg2048OrP256).status, SW(0x9000));
    const Bytes ciphertext = encrypt_pkcs1(key.get(), from_hex("01020304"));
    EXPECT_EQ(decipher(ciphertext).status, SW(0x6985));            // no MSE
    EXPECT_EQ(set_deciphering(0x31, kDecipherPkcs1), SW(0x6A80));  // EC key cannot decipher
    EXPECT_EQ(set_deciphering(0x21, 0x42), SW(0x6A80));            // a signing algorithm
    ASSERT_EQ(set_deciphering(0x21, kDecipherPkcs1), SW(0x9000));
    send_hex("00 20 FF 83");
    EXPECT_EQ(decipher(ciphertext).status, SW(0x6982));
    ASSERT_EQ(verify(kPin), SW(0x9000));
    EXPECT_EQ(decipher(ciphertext).data, from_hex("01020304"));
}

}  // namespace
}  // namespace carta::sim::testing
