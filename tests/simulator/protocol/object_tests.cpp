// Certificates and object management: PUT DATA, DELETE FILE, the label and the
// change counter (docs §4, §6, §8).
#include "card_protocol_test.hpp"
#include "carta/apdu/tlv.hpp"
#include "host_crypto.hpp"

namespace carta::sim::testing {
namespace {

using apdu::CommandApdu;

Bytes certificate_field(const Bytes& der) {
    return tlv::encode(0x53, der);
}

Bytes concat(Bytes first, const Bytes& second) {
    first.insert(first.end(), second.begin(), second.end());
    return first;
}

TEST_P(CardProtocol, WriteCertificateAndReadItBack) {
    login_common();
    const Pkey card_key = public_key_from_template(generate(0x21, kAlg2048OrP256).data);
    const Pkey ca = generate_key("P-256");
    const Bytes der = make_certificate(card_key.get(), ca.get(), "Jan Kowalski");
    ASSERT_GT(der.size(), 255u);  // PUT DATA is chained, READ BINARY takes several pages
    tlv::TlvWriter fields;
    fields.add(0x53, der).add(0x81, as_bytes("S/MIME")).add_byte(0x82, 0x00);
    ASSERT_EQ(put_object(0x2001, fields.finish()), SW(0x9000));

    const Bytes file = read_file(0x2001);
    ASSERT_EQ(file.size(), 0x86 + der.size());
    EXPECT_EQ(file[0], 0x02);
    EXPECT_EQ(file[1], 0x40);
    EXPECT_EQ(std::string(file.begin() + 3, file.begin() + 3 + file[2]), "S/MIME");
    EXPECT_EQ(file[0x80], 0x00);
    EXPECT_EQ(file[0x81], 0x21);  // linked to the key it certifies
    EXPECT_EQ(static_cast<std::size_t>(file[0x84] << 8 | file[0x85]), der.size());
    EXPECT_EQ(Bytes(file.begin() + 0x86, file.end()), der);

    const Bytes directory = read_file(0x5032);
    EXPECT_EQ(directory[0x24 + 2 * 20], 0x21);  // certificate 1
    EXPECT_EQ(directory[0x25 + 2 * 20], 0x40);
}

TEST_P(CardProtocol, CertificateWithoutItsKeyIsNotLinked) {
    login_common();
    const Pkey other = generate_key("P-256");
    ASSERT_EQ(put_object(0x2003, certificate_field(make_certificate(other.get(), other.get(), "CA"))),
              SW(0x9000));
    EXPECT_EQ(read_file(0x2003)[0x81], 0x00);
    ASSERT_EQ(put_object(0x2003, from_hex("82 01 01")), SW(0x9000));  // mark it a CA certificate
    EXPECT_EQ(read_file(0x2003)[0x80], 0x01);
    // The key arrives later: the link follows.
    ASSERT_EQ(import_key(0x1031, pkcs8_of(other.get())), SW(0x9000));
    EXPECT_EQ(read_file(0x2003)[0x81], 0x31);
    ASSERT_EQ(delete_object(0x1031), SW(0x9000));
    EXPECT_EQ(read_file(0x2003)[0x81], 0x00);
}

TEST_P(CardProtocol, PutDataRefusesBadObjects) {
    login_common();
    EXPECT_EQ(put_object(0x2001, certificate_field(from_hex("31 00"))), SW(0x6A80));     // not a SEQUENCE
    EXPECT_EQ(put_object(0x2001, certificate_field(from_hex("30 05 00"))), SW(0x6A80));  // truncated
    EXPECT_EQ(put_object(0x2001, certificate_field(from_hex("30 00 00"))), SW(0x6A80));  // trailing byte
    EXPECT_EQ(put_object(0x2010, certificate_field(from_hex("30 00"))), SW(0x6A80));     // only 2001-200F
    EXPECT_EQ(put_object(0x1021, certificate_field(from_hex("30 00"))), SW(0x6A80));
    EXPECT_EQ(put_object(0x2001, {}), SW(0x6A80));                        // nothing to do
    EXPECT_EQ(put_object(0x2002, from_hex("81 03 616263")), SW(0x6A82));  // no such object
    EXPECT_EQ(put_object(0x1021, from_hex("81 03 616263")), SW(0x6A82));
    EXPECT_EQ(put_object(0x2001, from_hex("53 02 30 00 77 01 00")), SW(0x6A80));  // unknown tag
    EXPECT_EQ(put_object(0x5034, from_hex("81 01 61")), SW(0x6986));
    EXPECT_EQ(put_object(0x2001, concat(certificate_field(from_hex("30 00")), from_hex("82 01 02"))),
              SW(0x6A80));  // bit 1 is not a certificate flag; nothing written
    EXPECT_EQ(select_file(0x2001), SW(0x6A82));
    send_hex("00 20 FF 83");
    EXPECT_EQ(put_object(0x2001, certificate_field(from_hex("30 00"))), SW(0x6982));
}

TEST_P(CardProtocol, RenameObjects) {
    login_common();
    ASSERT_EQ(generate(0x31, kAlg2048OrP256, "old").status, SW(0x9000));
    ASSERT_EQ(put_object(0x2002, certificate_field(from_hex("30 03 02 01 07"))), SW(0x9000));
    EXPECT_EQ(put_object(0x1031, tlv::encode(0x81, as_bytes("Podpis \xC5\xBC\xC3\xB3\xC5\x82w"))),
              SW(0x9000));
    EXPECT_EQ(put_object(0x2002, tlv::encode(0x81, as_bytes("cert"))), SW(0x9000));
    const Bytes key_file = read_file(0x1031);
    EXPECT_EQ(std::string(key_file.begin() + 3, key_file.begin() + 3 + key_file[2]),
              "Podpis \xC5\xBC\xC3\xB3\xC5\x82w");
    const Bytes cert_file = read_file(0x2002);
    EXPECT_EQ(std::string(cert_file.begin() + 3, cert_file.begin() + 3 + cert_file[2]), "cert");
    EXPECT_EQ(put_object(0x1031, tlv::encode(0x81, Bytes(65, 'x'))), SW(0x6A80));
    EXPECT_EQ(put_object(0x1031, tlv::encode(0x81, Bytes(64, 'x'))), SW(0x9000));
    EXPECT_EQ(put_object(0x1031, from_hex("82 01 03")), SW(0x9000));  // usage changed, origin kept
    EXPECT_EQ(read_file(0x1031)[0x80], 0x07);
}

TEST_P(CardProtocol, DeleteObjects) {
    login_common();
    ASSERT_EQ(generate(0x31, kAlg2048OrP256).status, SW(0x9000));
    ASSERT_EQ(put_object(0x2005, certificate_field(from_hex("30 03 02 01 07"))), SW(0x9000));
    EXPECT_EQ(delete_object(0x2005), SW(0x9000));
    EXPECT_EQ(delete_object(0x2005), SW(0x6A82));
    EXPECT_EQ(select_file(0x2005), SW(0x6A82));
    EXPECT_EQ(delete_object(0x1031), SW(0x9000));
    EXPECT_EQ(get_data(0x31).status, SW(0x6A88));
    EXPECT_EQ(read_file(0x5032)[0x24 + 20], 0x00);
    EXPECT_EQ(read_file(0x5032)[0x24 + 2 * 24], 0x00);
    EXPECT_EQ(delete_object(0x5032), SW(0x6986));
    EXPECT_EQ(delete_object(0x5034), SW(0x6986));
    EXPECT_EQ(delete_object(0x4711), SW(0x6A82));
    EXPECT_EQ(send_hex("00 E4 02 00 01 20").status, SW(0x6700));
    EXPECT_EQ(send_hex("00 E4 00 00 02 20 01").status, SW(0x6A86));
    send_hex("00 20 FF 83");
    EXPECT_EQ(delete_object(0x2001), SW(0x6982));
}

TEST_P(CardProtocol, ReadingADeletedSelectedFileAnswers6A82) {
    login_common();
    ASSERT_EQ(put_object(0x2005, certificate_field(from_hex("30 03 02 01 07"))), SW(0x9000));
    ASSERT_EQ(select_file(0x2005), SW(0x9000));
    ASSERT_EQ(delete_object(0x2005), SW(0x9000));
    EXPECT_NE(send_hex("00 B0 00 00 00").status, SW(0x9000));
}

TEST_P(CardProtocol, SetLabel) {
    login_common();
    EXPECT_EQ(put_object(0x5032, tlv::encode(0x50, as_bytes("profil standardowy"))), SW(0x9000));
    const Bytes directory = read_file(0x5032);
    EXPECT_EQ(directory[6], 18);
    EXPECT_EQ(std::string(directory.begin() + 7, directory.begin() + 7 + 18), "profil standardowy");
    EXPECT_EQ(put_object(0x5032, tlv::encode(0x50, Bytes(30, 'x'))), SW(0x6A80));
    EXPECT_EQ(put_object(0x5032, tlv::encode(0x81, as_bytes("x"))), SW(0x6A80));
}

TEST_P(CardProtocol, ChangeCounterIncreasesWithEveryChange) {
    login_common();
    std::uint32_t last = change_counter(ProfileId::common);
    const auto expect_increase = [&](const char* what) {
        const std::uint32_t now = change_counter(ProfileId::common);
        EXPECT_GT(now, last) << what;
        last = now;
        EXPECT_EQ(verify(kPin), SW(0x9000));  // SELECT keeps the verified PIN; VERIFY changes no counter
        EXPECT_EQ(change_counter(ProfileId::common), last) << "VERIFY";
    };
    ASSERT_EQ(generate(0x31, kAlg2048OrP256).status, SW(0x9000));
    expect_increase("generate");
    ASSERT_EQ(put_object(0x2001, certificate_field(from_hex("30 03 02 01 07"))), SW(0x9000));
    expect_increase("write");
    ASSERT_EQ(put_object(0x2001, tlv::encode(0x81, as_bytes("renamed"))), SW(0x9000));
    expect_increase("rename");
    ASSERT_EQ(put_object(0x5032, tlv::encode(0x50, as_bytes("label"))), SW(0x9000));
    expect_increase("label");
    ASSERT_EQ(delete_object(0x2001), SW(0x9000));
    expect_increase("delete");
    ASSERT_EQ(import_key(0x1032, pkcs8_of(generate_key("P-256").get())), SW(0x9000));
    expect_increase("import");
    ASSERT_EQ(change_code(kPin, kPin, 0x83), SW(0x9000));
    expect_increase("change PIN");
    EXPECT_EQ(verify("0000"), SW(0x63C2));  // try counters: no change
    EXPECT_EQ(change_counter(ProfileId::common), last);
    const Bytes directory = read_file(0x5032);
    EXPECT_EQ(static_cast<std::uint32_t>(directory[2] << 24 | directory[3] << 16 | directory[4] << 8 |
                                         directory[5]),
              last);
}

}  // namespace
}  // namespace carta::sim::testing
