// ISO/IEC 7816-4 command and response APDUs: all four cases, short and extended lengths.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "carta/apdu/bytes.hpp"

namespace carta::apdu {

// Malformed or unencodable APDU (bad length fields, Lc mismatch, oversize data...).
class ApduError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

constexpr std::size_t kShortMaxData = 255;
constexpr std::size_t kShortMaxLe = 256;
constexpr std::size_t kExtendedMaxData = 65535;
constexpr std::size_t kExtendedMaxLe = 65536;
constexpr std::uint8_t kClaChaining = 0x10;

// What the APDU trace may show of a command and of its answer: per-APDU flags in the
// manner of OpenSC's sc_apdu.flags. Whoever builds a command knows what its data is;
// the trace knows no card's commands and redacts whatever is marked.
namespace apdu_flags {
constexpr std::uint8_t kSecretData = 0x01;      // the command data holds a PIN, PUK or key material
constexpr std::uint8_t kSecretResponse = 0x02;  // the response data is secret (a deciphered plaintext)
// What the command, once the card accepted it, does to the state a host tracks inside its
// transaction (transport.hpp, KnownCardState). A command with none of these may change
// anything: the host forgets what it knew.
constexpr std::uint8_t kKeepsState = 0x04;          // changes none of it (READ BINARY, PSO, ...)
constexpr std::uint8_t kKeepsSelection = 0x08;      // may change the tries SELECT answers, nothing else
constexpr std::uint8_t kSelectsApplication = 0x10;  // SELECT by AID: clears the environments
constexpr std::uint8_t kSetsEnvironment = 0x20;     // MSE:SET
}  // namespace apdu_flags

struct CommandApdu {
    std::uint8_t cla = 0x00;
    std::uint8_t ins = 0x00;
    std::uint8_t p1 = 0x00;
    std::uint8_t p2 = 0x00;
    Bytes data;
    // Ne, the number of response bytes expected; nullopt = no Le field.
    // 256 encodes as short Le 00, 65536 as extended Le 0000.
    std::optional<std::size_t> ne;

    // Strict parser: rejects every encoding ISO 7816-4 5.1 does not allow
    // (wrong Lc, trailing bytes, extended Lc with short Le, Lc = 0, ...).
    static CommandApdu parse(ByteView raw);

    // Short encoding when data <= 255 and Ne <= 256, otherwise extended
    // (or always extended with force_extended or when `extended` is set, so that
    // parse(raw).encode() == raw). A case 1 command has no length field to extend.
    // Throws ApduError if data > 65535 bytes or Ne is outside 1..65536.
    Bytes encode(bool force_extended = false) const;

    // 1: no data, no Le; 2: Le only; 3: data only; 4: data and Le.
    int iso_case() const;
    bool needs_extended() const { return data.size() > kShortMaxData || ne.value_or(0) > kShortMaxLe; }
    bool is_chained() const { return (cla & kClaChaining) != 0; }
    // True if this was parsed from (or will be encoded in) the extended form.
    // encode() uses the extended form when this is set even if short would fit.
    bool extended = false;
    // apdu_flags: not encoded; the channel passes them on to every APDU it sends for
    // this command (chained parts, a 6Cxx re-send, GET RESPONSE) and to the trace.
    std::uint8_t flags = 0;
    bool secret_data() const { return (flags & apdu_flags::kSecretData) != 0; }
    bool secret_response() const { return (flags & apdu_flags::kSecretResponse) != 0; }
};

// The two trailer bytes of a response.
struct StatusWord {
    std::uint16_t value = 0;

    constexpr StatusWord() = default;
    constexpr explicit StatusWord(std::uint16_t v) : value(v) {}
    constexpr StatusWord(std::uint8_t sw1, std::uint8_t sw2)
        : value(static_cast<std::uint16_t>(sw1 << 8 | sw2)) {}
    constexpr std::uint8_t sw1() const { return static_cast<std::uint8_t>(value >> 8); }
    constexpr std::uint8_t sw2() const { return static_cast<std::uint8_t>(value & 0xFF); }
    constexpr bool ok() const { return value == 0x9000; }
    // 63Cx: verification failed / status, x tries left.
    constexpr bool is_tries_left() const { return (value & 0xFFF0) == 0x63C0; }
    constexpr int tries_left() const { return value & 0x0F; }
    // "6982: security status not satisfied" style text; "XXXX: unknown status" if unknown.
    std::string describe() const;
    friend constexpr bool operator==(StatusWord, StatusWord) = default;
};

// Well-known status words, named after ISO/IEC 7816-4 table 6.
namespace sw {
constexpr StatusWord kOk{0x9000};
constexpr StatusWord kVerificationFailed{0x6300};
constexpr StatusWord kWrongLength{0x6700};
constexpr StatusWord kLogicalChannelNotSupported{0x6881};
constexpr StatusWord kChainingNotSupported{0x6884};
constexpr StatusWord kLastCommandOfChainExpected{0x6883};
constexpr StatusWord kCommandIncompatible{0x6981};
constexpr StatusWord kSecurityStatusNotSatisfied{0x6982};
constexpr StatusWord kAuthenticationMethodBlocked{0x6983};
constexpr StatusWord kReferenceDataNotUsable{0x6984};
constexpr StatusWord kConditionsNotSatisfied{0x6985};
constexpr StatusWord kCommandNotAllowed{0x6986};
constexpr StatusWord kIncorrectData{0x6A80};
constexpr StatusWord kFunctionNotSupported{0x6A81};
constexpr StatusWord kFileNotFound{0x6A82};
constexpr StatusWord kNotEnoughMemory{0x6A84};
constexpr StatusWord kIncorrectP1P2{0x6A86};
constexpr StatusWord kReferenceNotFound{0x6A88};
constexpr StatusWord kFileAlreadyExists{0x6A89};
constexpr StatusWord kWrongP1P2{0x6B00};
constexpr StatusWord kInsNotSupported{0x6D00};
constexpr StatusWord kClaNotSupported{0x6E00};
constexpr StatusWord kUnknownError{0x6F00};
constexpr StatusWord kMemoryFailure{0x6581};
}  // namespace sw

struct ResponseApdu {
    Bytes data;
    StatusWord status;

    // Needs at least the two status bytes; throws ApduError otherwise.
    static ResponseApdu parse(ByteView raw);
    Bytes encode() const;
    bool ok() const { return status.ok(); }
};

}  // namespace carta::apdu
