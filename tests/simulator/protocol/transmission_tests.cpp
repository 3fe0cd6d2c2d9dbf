// The transmission rules (docs §1): chaining, 61xx + GET RESPONSE, 6Cxx, Le-less
// case-4 commands (T=0), classes, unknown instructions and malformed APDUs.
#include "card_protocol_test.hpp"
#include "carta/apdu/tlv.hpp"
#include "host_crypto.hpp"

namespace carta::sim::testing {
namespace {

using apdu::CommandApdu;

// PUT DATA 3FFF header + Lc + data; `chained` sets CLA bit 10.
Bytes put_data_part(ByteView data, bool chained) {
    CommandApdu command{static_cast<std::uint8_t>(chained ? 0x10 : 0x00),
                        0xDB,
                        0x3F,
                        0xFF,
                        Bytes(data.begin(), data.end()),
                        std::nullopt};
    return command.encode();
}

Bytes certificate_command_data(const Bytes& der) {
    tlv::TlvWriter writer;
    writer.add(0x5C, from_hex("20 01")).add(0x53, der);
    return writer.finish();
}

TEST_P(CardProtocol, CommandChainingAppliesOnlyTheWholeCommand) {
    login_common();
    const Pkey key = generate_key("RSA-2048");
    const Bytes der = make_certificate(key.get(), key.get(), "chained");
    const Bytes data = certificate_command_data(der);
    ASSERT_GT(data.size(), 2 * 200u);
    const ByteView all(data);
    // An interrupted chain is dropped; its last part alone is a broken command.
    EXPECT_EQ(send_raw(put_data_part(all.first(200), true)).status, SW(0x9000));
    EXPECT_EQ(verify_status(), SW(0x6883));
    EXPECT_EQ(send_raw(put_data_part(all.subspan(200, 200), false)).status, SW(0x6A80));
    EXPECT_EQ(select_file(0x2001), SW(0x6A82));  // nothing was written

    for (std::size_t offset = 0; offset < data.size(); offset += 200) {
        const bool last = offset + 200 >= data.size();
        const auto part = all.subspan(offset, std::min<std::size_t>(200, data.size() - offset));
        EXPECT_EQ(send_raw(put_data_part(part, !last)).status, SW(0x9000));
    }
    const Bytes file = read_file(0x2001);
    EXPECT_EQ(Bytes(file.begin() + 0x86, file.end()), der);
}

TEST_P(CardProtocol, ChainPartsMustMatch) {
    login_common();
    EXPECT_EQ(send_hex("10 DB 3F FF 03 5C 02 20").status, SW(0x9000));
    EXPECT_EQ(send_hex("10 DB 3F FE 02 01 53").status, SW(0x6883));  // other P2
    EXPECT_EQ(send_hex("10 84 00 00 08").status, SW(0x6700));        // a chained part carries data
    EXPECT_EQ(send_hex("00 C0 00 00 10").status, SW(0x6985));        // nothing pending
    EXPECT_EQ(verify_status(), SW(0x9000));                          // nothing lost
}

TEST_P(CardProtocol, LongAnswerComesIn61xxParts) {
    login_common();
    ASSERT_EQ(generate(0x21, kAlg2048OrP256).status, SW(0x9000));
    const auto first = send_hex("00 CB 00 FF 0A B6 03 83 01 21 7F 49 02 81 00 00");
    EXPECT_EQ(first.status.sw1(), 0x61);
    ASSERT_EQ(first.data.size(), 256u);
    const auto rest = send_raw(Bytes{0x00, 0xC0, 0x00, 0x00, first.status.sw2()});
    EXPECT_EQ(rest.status, SW(0x9000));
    Bytes whole = first.data;
    whole.insert(whole.end(), rest.data.begin(), rest.data.end());
    EXPECT_EQ(whole, get_data(0x21).data);
    EXPECT_EQ(send_hex("00 C0 00 00 10").status, SW(0x6985));  // all fetched
}

TEST_P(CardProtocol, GetResponseInSmallPieces) {
    login_common();
    const Pkey key = public_key_from_template(generate(0x31, kAlg2048OrP256).data);
    const Bytes hash = digest("SHA256", as_bytes("pieces"));
    ASSERT_EQ(set_signing(0x31, kSignEcdsa), SW(0x9000));
    ASSERT_EQ(pso_hash(hash), SW(0x9000));
    // A signature cannot be repeated (the hash is consumed): a short Le gets 61xx, not 6Cxx.
    auto part = send_hex("00 2A 9E 9A 10");
    Bytes signature = part.data;
    EXPECT_EQ(part.status, SW(0x6130));
    part = send_hex("00 C0 00 00 20");
    signature.insert(signature.end(), part.data.begin(), part.data.end());
    EXPECT_EQ(part.status, SW(0x6110));
    part = send_hex("00 C0 00 00 FF");  // more than is left: what is left
    signature.insert(signature.end(), part.data.begin(), part.data.end());
    EXPECT_EQ(part.status, SW(0x9000));
    EXPECT_TRUE(verify_ecdsa(key.get(), hash, signature));
}

TEST_P(CardProtocol, OtherCommandDiscardsPendingResponse) {
    login_common();
    ASSERT_EQ(generate(0x21, kAlg2048OrP256).status, SW(0x9000));
    EXPECT_EQ(send_hex("00 CB 00 FF 0A B6 03 83 01 21 7F 49 02 81 00 00").status.sw1(), 0x61);
    EXPECT_EQ(verify_status(), SW(0x9000));
    EXPECT_EQ(send_hex("00 C0 00 00 00").status, SW(0x6985));
}

TEST_P(CardProtocol, ShortLeOfRepeatableCommandGets6Cxx) {
    login_common();
    const Bytes expected = generate(0x31, kAlg2048OrP256).data;
    const auto wrong = send_hex("00 CB 00 FF 0A B6 03 83 01 31 7F 49 02 81 00 10");
    EXPECT_EQ(wrong.status, SW(static_cast<std::uint16_t>(0x6C00 | expected.size())));
    EXPECT_TRUE(wrong.data.empty());
    Bytes again = from_hex("00 CB 00 FF 0A B6 03 83 01 31 7F 49 02 81 00");
    again.push_back(wrong.status.sw2());
    const auto right = send_raw(again);
    EXPECT_EQ(right.status, SW(0x9000));
    EXPECT_EQ(right.data, expected);
}

TEST_P(CardProtocol, CaseFourWithoutLeGets61xx) {
    // T=0 readers send case-4 commands without Le; the card announces its data.
    const auto selected = send_hex("00 A4 04 00 0A A0 00 00 01 67 45 53 49 47 4F");
    EXPECT_EQ(selected.status.sw1(), 0x61);
    const auto fci = send_raw(Bytes{0x00, 0xC0, 0x00, 0x00, selected.status.sw2()});
    EXPECT_EQ(fci.status, SW(0x9000));
    EXPECT_EQ(fci.data[0], 0x6F);
    EXPECT_EQ(fci.data.size(), selected.status.sw2());
}

TEST_P(CardProtocol, ClassesAndInstructions) {
    select(ProfileId::common);
    EXPECT_EQ(send_hex("A0 A4 04 00 0A A0 00 00 01 67 45 53 49 47 4F").status, SW(0x6E00));
    EXPECT_EQ(send_hex("FF 84 00 00 08").status, SW(0x6E00));
    EXPECT_EQ(send_hex("01 84 00 00 08").status, SW(0x6881));  // logical channel 1
    EXPECT_EQ(send_hex("03 84 00 00 08").status, SW(0x6881));
    EXPECT_EQ(send_hex("41 84 00 00 08").status, SW(0x6881));
    EXPECT_EQ(send_hex("80 84 00 00 08").status, SW(0x6E00));           // ISO instruction in carta's class
    EXPECT_EQ(send_hex("00 44 00 00 03 84 01 31").status, SW(0x6E00));  // and the other way round
    EXPECT_EQ(send_hex("00 0E 00 00").status, SW(0x6D00));
    EXPECT_EQ(send_hex("80 50 00 00").status, SW(0x6D00));
}

TEST_P(CardProtocol, MalformedApdusLoseNothing) {
    login_common();
    EXPECT_EQ(send_hex("00 A4 04").status, SW(0x6700));                       // no P2
    EXPECT_EQ(send_hex("00 A4 04 00 05 A0 00").status, SW(0x6700));           // Lc says 5, 2 follow
    EXPECT_EQ(send_hex("00 20 00 83 00 00 10 31").status, SW(0x6700));        // extended Lc 0x0010, 1 byte
    EXPECT_EQ(send_hex("00 22 81 B6 03 80 05 41").status, SW(0x6A80));        // TLV longer than the data
    EXPECT_EQ(send_hex("00 22 81 B6 06 80 01 42 84 01").status, SW(0x6700));  // Lc mismatch
    EXPECT_EQ(send_hex("00 22 81 B6 08 80 01 42 84 01 21 00 00").status, SW(0x6A80));  // padding bytes
    EXPECT_EQ(send_hex("00 CB 00 FF 06 B6 81 03 83 01 21 00").status, SW(0x6A80));     // non-minimal length
    EXPECT_EQ(send_hex("00 DB 3F FF 04 5C 02 20").status, SW(0x6700));
    EXPECT_EQ(send_hex("00 DB 3F FF 03 5C 02 20").status, SW(0x6A80));
    EXPECT_EQ(send_hex("00 DB 3F FD 04 5C 02 20 01").status, SW(0x6A86));
    EXPECT_EQ(send_hex("00 A4 08 0C 02 50 32").status, SW(0x6A86));
    EXPECT_EQ(send_hex("00 A4 02 0C 03 50 32 00").status, SW(0x6700));
    // The session is intact: the PIN is still verified and no try was spent.
    EXPECT_EQ(verify_status(), SW(0x9000));
    EXPECT_EQ(select(ProfileId::common).pin_tries, 3);
    EXPECT_EQ(generate(0x31, kAlg2048OrP256).status, SW(0x9000));
}

TEST_P(CardProtocol, ExtendedLengthApdus) {
    login_common();
    const Pkey key = public_key_from_template(generate(0x21, kAlg2048OrP256).data);
    ASSERT_EQ(set_deciphering(0x21, kDecipherPkcs1), SW(0x9000));
    Bytes data{0x00};
    const Bytes ciphertext = encrypt_pkcs1(key.get(), from_hex("0A0B0C"));
    data.insert(data.end(), ciphertext.begin(), ciphertext.end());
    CommandApdu command{0x00, 0x2A, 0x80, 0x86, data, 65536};
    const auto response = send_raw(command.encode(true));
    EXPECT_EQ(response.status, SW(0x9000));
    EXPECT_EQ(response.data, from_hex("0A0B0C"));
    CommandApdu get{0x00, 0xCB, 0x00, 0xFF, from_hex("B6 03 83 01 21 7F 49 02 81 00"), 65536};
    EXPECT_EQ(send_raw(get.encode(true)).data.size(), get_data(0x21).data.size());
}

}  // namespace
}  // namespace carta::sim::testing
