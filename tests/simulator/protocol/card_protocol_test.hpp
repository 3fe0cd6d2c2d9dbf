// The card-protocol suite (docs/card-protocol.md): one parametrised fixture, run
// once per transport (INSTANTIATE_TEST_SUITE_P in each test executable). Helpers
// here speak the protocol in APDUs; the tests say what the card must answer.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <ostream>
#include <string_view>

#include "card_harness.hpp"
#include "carta/apdu/apdu.hpp"
#include "carta/sim/card_state.hpp"

namespace carta::apdu {
// gtest prints status words as "6A82" instead of raw bytes.
inline void PrintTo(const StatusWord& status, std::ostream* out) {
    *out << to_hex(Bytes{status.sw1(), status.sw2()}, 0);
}
}  // namespace carta::apdu

namespace carta::sim::testing {

inline constexpr std::string_view kPin = "1234";
inline constexpr std::string_view kPuk = "12345678";

// The profiles' application identifiers (docs §2).
inline const Bytes kCommonAid = from_hex("A0 00 00 01 67 45 53 49 47 4F");
inline const Bytes kSecureAid = from_hex("A0 00 00 01 67 45 53 49 47 4E");

inline Bytes bytes_of(std::string_view text) {
    return Bytes(text.begin(), text.end());
}

// Status words by their hex value, so that a test reads like the doc's table.
constexpr apdu::StatusWord SW(std::uint16_t value) {
    return apdu::StatusWord(value);
}

// Algorithm codes (docs §5, §7).
constexpr std::uint8_t kAlg2048OrP256 = 0x41, kAlg3072OrP384 = 0x42, kAlg4096 = 0x43;
constexpr std::uint8_t kSignPkcs1 = 0x42, kSignRaw = 0x02, kSignPss = 0x52, kSignEcdsa = 0x44;
constexpr std::uint8_t kDecipherPkcs1 = 0x0A, kDecipherOaep = 0x0B;

struct Fci {
    Bytes aid;
    std::uint8_t life_cycle = 0;
    Bytes card_number_bcd;
    std::uint32_t change_counter = 0;
    std::uint8_t pin_tries = 0;
    std::uint8_t puk_tries = 0;
};

class CardProtocol : public ::testing::TestWithParam<HarnessKind> {
  protected:
    void SetUp() override;

    CardHarness& harness() { return *harness_; }
    apdu::Transport& transport() { return harness_->transport(); }

    // Through ApduChannel: chaining and GET RESPONSE are done for the test.
    apdu::ResponseApdu send(const apdu::CommandApdu& command);
    apdu::StatusWord status(const apdu::CommandApdu& command) { return send(command).status; }
    // Exactly one APDU as given: no chaining, no GET RESPONSE.
    apdu::ResponseApdu send_raw(ByteView raw);
    apdu::ResponseApdu send_hex(const std::string& hex) { return send_raw(from_hex(hex)); }

    Fci select(ProfileId profile);  // P2 00 with Le; expects 9000
    apdu::StatusWord select_file(std::uint16_t fid);
    // SELECT FID + READ BINARY in pages of 256 until the end of the file.
    Bytes read_file(std::uint16_t fid);
    std::uint32_t change_counter(ProfileId profile) { return select(profile).change_counter; }

    // The code padded with 00 to `size` bytes.
    static Bytes block(std::string_view code, std::size_t size);
    // A 16- or 32-byte block as the doc says.
    apdu::StatusWord verify(std::string_view code, std::uint8_t reference = 0x83);
    apdu::StatusWord verify_status(std::uint8_t reference = 0x83);
    apdu::StatusWord change_code(std::string_view old_code, std::string_view new_code,
                                 std::uint8_t reference);
    apdu::StatusWord reset_retry_counter(std::uint8_t p1, const Bytes& data);
    apdu::StatusWord initialise(std::string_view puk, std::optional<std::string_view> pin,
                                std::string_view label = "");
    // SELECT common, INITIALISE (kPuk, kPin), VERIFY kPin.
    void login_common();

    apdu::ResponseApdu generate(std::uint8_t keyref, std::uint8_t algorithm_code, std::string_view name = "",
                                std::optional<std::uint8_t> usage = std::nullopt);
    apdu::ResponseApdu get_data(std::uint8_t keyref);
    apdu::StatusWord import_key(std::uint16_t fid, const Bytes& pkcs8, std::string_view name = "");
    apdu::StatusWord put_object(std::uint16_t fid, const Bytes& data_objects);  // PUT DATA 3FFF, after 5C
    apdu::StatusWord delete_object(std::uint16_t fid);

    apdu::StatusWord set_signing(std::uint8_t keyref, std::uint8_t algorithm,
                                 const Bytes& pss_parameters = {});
    apdu::StatusWord pso_hash(ByteView input);
    apdu::ResponseApdu compute_signature();
    // MSE + PSO:HASH + PSO:CDS, each expected to succeed.
    Bytes sign(std::uint8_t keyref, std::uint8_t algorithm, ByteView input, const Bytes& pss_parameters = {});
    apdu::StatusWord set_deciphering(std::uint8_t keyref, std::uint8_t algorithm, const Bytes& hashes = {},
                                     const Bytes& label = {});
    apdu::ResponseApdu decipher(ByteView ciphertext);

    // key_tests.cpp: GENERATE in `keyref`, then the template, GET DATA, the
    // directory entry and the key file. Returns the public key template.
    Bytes generate_and_check(std::uint8_t keyref, std::uint8_t algorithm_code, std::size_t size_bytes);

  private:
    std::unique_ptr<CardHarness> harness_;
};

// "InProcess" / "Pcscd" as the last part of the test name.
std::string harness_name(const ::testing::TestParamInfo<HarnessKind>& info);

}  // namespace carta::sim::testing
