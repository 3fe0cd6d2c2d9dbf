#include "card_protocol_test.hpp"

#include "carta/apdu/channel.hpp"
#include "carta/apdu/tlv.hpp"

namespace carta::sim::testing {

using apdu::CommandApdu;
using apdu::ResponseApdu;
using apdu::StatusWord;

namespace {

Bytes fid_bytes(std::uint16_t fid) {
    return {static_cast<std::uint8_t>(fid >> 8), static_cast<std::uint8_t>(fid)};
}

}  // namespace

std::string harness_name(const ::testing::TestParamInfo<HarnessKind>& info) {
    return info.param.name;
}

void CardProtocol::SetUp() {
    harness_ = GetParam().make(template_state());
}

ResponseApdu CardProtocol::send(const CommandApdu& command) {
    apdu::ApduChannel channel(transport());
    return channel.transmit(command);
}

ResponseApdu CardProtocol::send_raw(ByteView raw) {
    return ResponseApdu::parse(transport().transmit(raw));
}

Fci CardProtocol::select(ProfileId profile) {
    const Bytes& aid = profile == ProfileId::common ? kCommonAid : kSecureAid;
    const ResponseApdu response = send(CommandApdu{0x00, 0xA4, 0x04, 0x00, aid, 256});
    EXPECT_EQ(response.status, SW(0x9000));
    Fci fci;
    if (!response.ok()) return fci;
    const auto outer = tlv::require(response.data, 0x6F);
    fci.aid =
        Bytes(tlv::require(outer.value, 0x84).value.begin(), tlv::require(outer.value, 0x84).value.end());
    fci.life_cycle = tlv::require(outer.value, 0x8A).value[0];
    const auto details = tlv::require(outer.value, 0xA5);
    const auto number = tlv::require(details.value, 0x5A).value;
    fci.card_number_bcd.assign(number.begin(), number.end());
    for (const auto b : tlv::require(details.value, 0xC1).value)
        fci.change_counter = fci.change_counter << 8 | b;
    fci.pin_tries = tlv::require(details.value, 0xC2).value[0];
    fci.puk_tries = tlv::require(details.value, 0xC3).value[0];
    return fci;
}

StatusWord CardProtocol::select_file(std::uint16_t fid) {
    return status(CommandApdu{0x00, 0xA4, 0x02, 0x0C, fid_bytes(fid), std::nullopt});
}

Bytes CardProtocol::read_file(std::uint16_t fid) {
    EXPECT_EQ(select_file(fid), SW(0x9000)) << "SELECT " << std::hex << fid;
    Bytes content;
    for (std::size_t offset = 0;; offset += 256) {
        const ResponseApdu page = send(CommandApdu{
            0x00, 0xB0, static_cast<std::uint8_t>(offset >> 8), static_cast<std::uint8_t>(offset), {}, 256});
        if (page.status == SW(0x6B00)) break;
        EXPECT_EQ(page.status, SW(0x9000));
        content.insert(content.end(), page.data.begin(), page.data.end());
        if (!page.ok() || page.data.size() < 256) break;
    }
    return content;
}

Bytes CardProtocol::block(std::string_view code, std::size_t size) {
    Bytes padded(code.begin(), code.end());
    padded.resize(std::max(size, padded.size()), 0x00);
    return padded;
}

StatusWord CardProtocol::verify(std::string_view code, std::uint8_t reference) {
    return status(
        CommandApdu{0x00, 0x20, 0x00, reference, block(code, code.size() <= 16 ? 16 : 32), std::nullopt});
}

StatusWord CardProtocol::verify_status(std::uint8_t reference) {
    return status(CommandApdu{0x00, 0x20, 0x00, reference, {}, std::nullopt});
}

StatusWord CardProtocol::change_code(std::string_view old_code, std::string_view new_code,
                                     std::uint8_t reference) {
    Bytes data = block(old_code, 32);
    const Bytes second = block(new_code, 32);
    data.insert(data.end(), second.begin(), second.end());
    return status(CommandApdu{0x00, 0x24, 0x00, reference, data, std::nullopt});
}

StatusWord CardProtocol::reset_retry_counter(std::uint8_t p1, const Bytes& data) {
    return status(CommandApdu{0x00, 0x2C, p1, 0x83, data, std::nullopt});
}

StatusWord CardProtocol::initialise(std::string_view puk, std::optional<std::string_view> pin,
                                    std::string_view label) {
    tlv::TlvWriter writer;
    writer.add(0x84, as_bytes(puk));
    if (pin) writer.add(0x83, as_bytes(*pin));
    if (!label.empty()) writer.add(0x50, as_bytes(label));
    return status(CommandApdu{0x80, 0x44, 0x00, 0x00, writer.finish(), std::nullopt});
}

void CardProtocol::login_common() {
    select(ProfileId::common);
    ASSERT_EQ(initialise(kPuk, kPin), SW(0x9000));
    ASSERT_EQ(verify(kPin), SW(0x9000));
}

ResponseApdu CardProtocol::generate(std::uint8_t keyref, std::uint8_t algorithm_code, std::string_view name,
                                    std::optional<std::uint8_t> usage) {
    tlv::TlvWriter writer;
    writer.add_byte(0x80, algorithm_code);
    if (!name.empty()) writer.add(0x81, as_bytes(name));
    if (usage) writer.add_byte(0x82, *usage);
    return send(CommandApdu{0x00, 0x47, 0x00, keyref, writer.finish(), 256});
}

ResponseApdu CardProtocol::get_data(std::uint8_t keyref) {
    Bytes data = from_hex("B6 03 83 01 00 7F 49 02 81 00");
    data[4] = keyref;
    return send(CommandApdu{0x00, 0xCB, 0x00, 0xFF, data, 256});
}

StatusWord CardProtocol::import_key(std::uint16_t fid, const Bytes& pkcs8, std::string_view name) {
    tlv::TlvWriter writer;
    writer.add(0x5C, fid_bytes(fid));
    writer.add(0xC1, pkcs8);
    if (!name.empty()) writer.add(0x81, as_bytes(name));
    return status(CommandApdu{0x00, 0xDB, 0x3F, 0xFE, writer.finish(), std::nullopt});
}

StatusWord CardProtocol::put_object(std::uint16_t fid, const Bytes& data_objects) {
    tlv::TlvWriter writer;
    writer.add(0x5C, fid_bytes(fid));
    writer.add_raw(data_objects);
    return status(CommandApdu{0x00, 0xDB, 0x3F, 0xFF, writer.finish(), std::nullopt});
}

StatusWord CardProtocol::delete_object(std::uint16_t fid) {
    return status(CommandApdu{0x00, 0xE4, 0x02, 0x00, fid_bytes(fid), std::nullopt});
}

StatusWord CardProtocol::set_signing(std::uint8_t keyref, std::uint8_t algorithm,
                                     const Bytes& pss_parameters) {
    tlv::TlvWriter writer;
    writer.add_byte(0x80, algorithm).add_byte(0x84, keyref);
    if (!pss_parameters.empty()) writer.add(0x95, pss_parameters);
    return status(CommandApdu{0x00, 0x22, 0x81, 0xB6, writer.finish(), std::nullopt});
}

StatusWord CardProtocol::pso_hash(ByteView input) {
    return status(CommandApdu{0x00, 0x2A, 0x90, 0xA0, tlv::encode(0x90, input), std::nullopt});
}

ResponseApdu CardProtocol::compute_signature() {
    return send(CommandApdu{0x00, 0x2A, 0x9E, 0x9A, {}, 256});
}

Bytes CardProtocol::sign(std::uint8_t keyref, std::uint8_t algorithm, ByteView input,
                         const Bytes& pss_parameters) {
    EXPECT_EQ(set_signing(keyref, algorithm, pss_parameters), SW(0x9000));
    EXPECT_EQ(pso_hash(input), SW(0x9000));
    const ResponseApdu response = compute_signature();
    EXPECT_EQ(response.status, SW(0x9000));
    return response.data;
}

StatusWord CardProtocol::set_deciphering(std::uint8_t keyref, std::uint8_t algorithm, const Bytes& hashes,
                                         const Bytes& label) {
    tlv::TlvWriter writer;
    writer.add_byte(0x80, algorithm).add_byte(0x84, keyref);
    if (!hashes.empty()) writer.add(0x95, hashes);
    if (!label.empty()) writer.add(0x96, label);
    return status(CommandApdu{0x00, 0x22, 0x41, 0xB8, writer.finish(), std::nullopt});
}

ResponseApdu CardProtocol::decipher(ByteView ciphertext) {
    Bytes data{0x00};
    data.insert(data.end(), ciphertext.begin(), ciphertext.end());
    return send(CommandApdu{0x00, 0x2A, 0x80, 0x86, data, 256});
}

}  // namespace carta::sim::testing
