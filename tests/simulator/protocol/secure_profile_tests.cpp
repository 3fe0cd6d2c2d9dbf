// The secure profile: PIN blocked at delivery, preloaded keys, fixed keys (docs §2).
#include "card_protocol_test.hpp"
#include "carta/apdu/tlv.hpp"
#include "host_crypto.hpp"

namespace carta::sim::testing {
namespace {

using apdu::CommandApdu;

Bytes puk_and_pin(std::string_view puk, std::string_view pin) {
    Bytes data(puk.begin(), puk.end());
    data.resize(32, 0x00);
    data.insert(data.end(), pin.begin(), pin.end());
    data.resize(64, 0x00);
    return data;
}

TEST_P(CardProtocol, SecurePinIsBlockedAtDelivery) {
    select(ProfileId::secure);
    EXPECT_EQ(verify_status(), SW(0x6983));
    EXPECT_EQ(verify("0000"), SW(0x6983));
    EXPECT_EQ(verify_status(0x84), SW(0x63CA));
}

TEST_P(CardProtocol, SecureUnblockWithPukAndSignWithPreloadedKeys) {
    select(ProfileId::secure);
    ASSERT_EQ(reset_retry_counter(0x00, puk_and_pin(kTemplateSecurePuk, "135790")), SW(0x9000));
    ASSERT_EQ(verify("135790"), SW(0x9000));

    const Pkey rsa = public_key_from_template(get_data(0x21).data);
    const Bytes hash = digest("SHA256", as_bytes("qualified signature"));
    const Bytes rsa_signature = sign(0x21, kSignPkcs1, hash);
    EXPECT_EQ(rsa_signature.size(), 384u);  // RSA-3072
    EXPECT_TRUE(verify_pkcs1(rsa.get(), "SHA256", hash, rsa_signature));

    const Pkey ec = public_key_from_template(get_data(0x35).data);
    const Bytes hash384 = digest("SHA384", as_bytes("qualified signature"));
    const Bytes ec_signature = sign(0x35, kSignEcdsa, hash384);
    EXPECT_EQ(ec_signature.size(), 96u);  // P-384 r||s
    EXPECT_TRUE(verify_ecdsa(ec.get(), hash384, ec_signature));
}

TEST_P(CardProtocol, SecureKeysAreFixed) {
    select(ProfileId::secure);
    ASSERT_EQ(reset_retry_counter(0x00, puk_and_pin(kTemplateSecurePuk, "135790")), SW(0x9000));
    ASSERT_EQ(verify("135790"), SW(0x9000));
    EXPECT_EQ(generate(0x26, kAlg3072OrP384).status, SW(0x6986));
    EXPECT_EQ(import_key(0x1026, pkcs8_of(generate_key("RSA-3072").get())), SW(0x6986));
    EXPECT_EQ(delete_object(0x1021), SW(0x6986));
    EXPECT_EQ(get_data(0x26).status, SW(0x6A88));
    EXPECT_EQ(get_data(0x21).status, SW(0x9000));
    // Certificates for the fixed keys can be written and deleted.
    const Pkey key = public_key_from_template(get_data(0x31).data);
    const Pkey ca = generate_key("P-256");
    ASSERT_EQ(put_object(0x2001, tlv::encode(0x53, make_certificate(key.get(), ca.get(), "qualified"))),
              SW(0x9000));
    EXPECT_EQ(read_file(0x2001)[0x81], 0x31);
    EXPECT_EQ(delete_object(0x2001), SW(0x9000));
}

TEST_P(CardProtocol, SecureWrongPukCountsDown) {
    select(ProfileId::secure);
    EXPECT_EQ(reset_retry_counter(0x00, puk_and_pin("11111111", "135790")), SW(0x63C9));
    EXPECT_EQ(verify_status(), SW(0x6983));  // still blocked
    EXPECT_EQ(reset_retry_counter(0x00, puk_and_pin(kTemplateSecurePuk, "135790")), SW(0x9000));
    EXPECT_EQ(select(ProfileId::secure).puk_tries, 10);
}

}  // namespace
}  // namespace carta::sim::testing
