// The host side's names for docs/card-protocol.md: every command the card library
// sends, the tags of what it sends and reads, and the card's file IDs. The card's
// own side (simulator/) has its names; this is the one place for the library's.
//
// A command is built only from a Command below, and a Command says whether its data
// or its answer is secret (apdu_flags): the APDU trace redacts by these flags alone,
// so the fact "this command carries a PIN" is stated where the command is named.
#pragma once

#include <cstdint>
#include <optional>

#include "carta/apdu/apdu.hpp"

namespace carta::card::protocol {

// One command of the protocol: its header, with the parameters that are fixed, and
// what the trace must not show.
struct Command {
    std::uint8_t cla;
    std::uint8_t ins;
    std::uint8_t p1;
    std::uint8_t p2;
    std::uint8_t flags;  // apdu_flags

    constexpr Command with_p1(std::uint8_t value) const { return {cla, ins, value, p2, flags}; }
    constexpr Command with_p2(std::uint8_t value) const { return {cla, ins, p1, value, flags}; }
    constexpr Command with_p1p2(std::uint16_t value) const {
        return {cla, ins, static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value), flags};
    }
    apdu::CommandApdu apdu(Bytes data = {}, std::optional<std::size_t> ne = std::nullopt) const {
        apdu::CommandApdu command{cla, ins, p1, p2, std::move(data), ne};
        command.flags = flags;
        return command;
    }
};

constexpr std::uint8_t kIso = 0x00;
constexpr std::uint8_t kProprietary = 0x80;  // carta's own commands (docs §3)
constexpr std::uint8_t kShown = 0;
constexpr std::uint8_t kSecretData = apdu::apdu_flags::kSecretData;
constexpr std::uint8_t kSecretAnswer = apdu::apdu_flags::kSecretResponse;
// What each command does to the selection and the security environments (docs §7, §8):
// a command marked with none of these makes the host forget what it knew of them.
constexpr std::uint8_t kKeeps = apdu::apdu_flags::kKeepsState;
constexpr std::uint8_t kKeepsSelection = apdu::apdu_flags::kKeepsSelection;
constexpr std::uint8_t kSelects = apdu::apdu_flags::kSelectsApplication;
constexpr std::uint8_t kSetsEnvironment = apdu::apdu_flags::kSetsEnvironment;

// Code references (P2 of VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER; tags of INITIALISE).
constexpr std::uint8_t kPinReference = 0x83;
constexpr std::uint8_t kPukReference = 0x84;

// Commands (docs §3 codes, §4-§6 files and objects, §7 security operations, §8 SELECT).
// P1/P2 left 00 here are given per call (with_p1 / with_p2 / with_p1p2).
namespace commands {
constexpr Command kSelectApplication{kIso, 0xA4, 0x04, 0x00, kSelects};            // by AID, with FCI
constexpr Command kSelectFile{kIso, 0xA4, 0x02, 0x0C, kKeeps};                     // by FID, no answer
constexpr Command kReadBinary{kIso, 0xB0, 0x00, 0x00, kKeeps};                     // P1P2 = offset
constexpr Command kVerify{kIso, 0x20, 0x00, 0x00, kSecretData | kKeepsSelection};  // P2 = code reference
constexpr Command kLogout{kIso, 0x20, 0xFF, 0x00, kKeepsSelection};                // P2 = code reference
constexpr Command kChangeReferenceData{kIso, 0x24, 0x00, 0x00, kSecretData};       // P2 = code reference
// RESET RETRY COUNTER, P1 00: PUK block + new PIN block; P1 02: new PIN block, PUK verified.
constexpr Command kUnblockPin{kIso, 0x2C, 0x00, kPinReference, kSecretData};
constexpr Command kSetPinWithVerifiedPuk{kIso, 0x2C, 0x02, kPinReference, kSecretData};
constexpr Command kInitialiseProfile{kProprietary, 0x44, 0x00, 0x00, kSecretData};  // PUK, PIN
constexpr Command kEraseProfile{kProprietary, 0xE6, 0x00, 0x00, kSecretData};       // PUK
constexpr Command kGenerateKeyPair{kIso, 0x47, 0x00, 0x00, kShown};                 // P2 = key reference
constexpr Command kImportKey{kIso, 0xDB, 0x3F, 0xFE, kSecretData};                  // PUT DATA: a private key
constexpr Command kPutObject{kIso, 0xDB, 0x3F, 0xFF, kShown};  // PUT DATA: certificate, name, label
constexpr Command kDeleteFile{kIso, 0xE4, 0x02, 0x00, kShown};
constexpr Command kSetSignatureEnvironment{kIso, 0x22, 0x81, 0xB6, kSetsEnvironment};  // MSE:SET DST
constexpr Command kSetDecipherEnvironment{kIso, 0x22, 0x41, 0xB8, kSetsEnvironment};   // MSE:SET CT
constexpr Command kHash{kIso, 0x2A, 0x90, 0xA0, kKeeps};                               // PSO:HASH
constexpr Command kComputeSignature{kIso, 0x2A, 0x9E, 0x9A, kKeeps};                   // PSO:CDS
constexpr Command kDecipher{kIso, 0x2A, 0x80, 0x86, kSecretAnswer | kKeeps};  // the answer is a plaintext
constexpr Command kGetChallenge{kIso, 0x84, 0x00, 0x00, kKeeps};
}  // namespace commands

// Tags of what the host sends and reads.
namespace tag {
// SELECT's FCI (docs §8).
constexpr std::uint32_t kFci = 0x6F;
constexpr std::uint32_t kFciProprietary = 0xA5;
constexpr std::uint32_t kLifeCycle = 0x8A;
constexpr std::uint32_t kChangeCounter = 0xC1;
constexpr std::uint32_t kPinTries = 0xC2;
constexpr std::uint32_t kPukTries = 0xC3;
constexpr std::uint32_t kContentDigest = 0xC4;
constexpr std::size_t kContentDigestLength = 32;
// SELECT's FCI and the card information file 5034.
constexpr std::uint32_t kCardNumber = 0x5A;
constexpr std::uint32_t kModel = 0x50;
constexpr std::uint32_t kManufacturer = 0x51;
constexpr std::uint32_t kVersion = 0x52;
// INITIALISE PROFILE and ERASE PROFILE (docs §3): the codes by their references.
constexpr std::uint32_t kPin = kPinReference;
constexpr std::uint32_t kPuk = kPukReference;
// GENERATE, PUT DATA (docs §5, §6).
constexpr std::uint32_t kAlgorithm = 0x80;
constexpr std::uint32_t kName = 0x81;
constexpr std::uint32_t kUsageFlags = 0x82;
constexpr std::uint32_t kFileReference = 0x5C;
constexpr std::uint32_t kPrivateKey = 0xC1;
constexpr std::uint32_t kCertificate = 0x53;
constexpr std::uint32_t kLabel = 0x50;
constexpr std::uint32_t kCaFlag = 0x82;
// MANAGE SECURITY ENVIRONMENT and PSO (docs §7).
constexpr std::uint32_t kKeyReference = 0x84;
constexpr std::uint32_t kSchemeParameters = 0x95;  // hash id, MGF1 hash id[, salt length]
constexpr std::uint32_t kOaepLabel = 0x96;
constexpr std::uint32_t kHashValue = 0x90;
// The public key template (docs §5).
constexpr std::uint32_t kPublicKey = 0x7F49;
constexpr std::uint32_t kModulus = 0x81;
constexpr std::uint32_t kExponent = 0x82;
constexpr std::uint32_t kPoint = 0x86;
}  // namespace tag

// Algorithm codes of MANAGE SECURITY ENVIRONMENT (docs §7).
namespace scheme {
constexpr std::uint8_t kRsaPkcs1Hash = 0x42;
constexpr std::uint8_t kRsaPkcs1Raw = 0x02;
constexpr std::uint8_t kRsaPss = 0x52;
constexpr std::uint8_t kEcdsa = 0x44;
constexpr std::uint8_t kRsaPkcs1Decipher = 0x0A;
constexpr std::uint8_t kRsaOaepDecipher = 0x0B;
constexpr std::uint8_t kDecipherPaddingIndicator = 0x00;  // first byte of PSO:DECIPHER's data
}  // namespace scheme

// File IDs (docs §4).
namespace fid {
constexpr std::uint16_t kDirectory = 0x5032;
constexpr std::uint16_t kCardInfo = 0x5034;
// Object files: key_fid() and certificate_fid() of types.hpp.
constexpr bool is_system_file(std::uint16_t fid) {
    return (fid >> 12) == 0x5;
}
}  // namespace fid

// Le 00 (Ne 256): as much as the card has; the channel collects the rest (61xx).
constexpr std::size_t kFullAnswer = 256;
// The largest READ BINARY and GET CHALLENGE answers the host asks for.
constexpr std::size_t kPage = 256;
constexpr std::size_t kMaxChallenge = 256;
// Code blocks (docs §3): a code padded with 00 to 16 or 32 bytes.
constexpr std::size_t kShortCodeBlock = 16;
constexpr std::size_t kCodeBlock = 32;

}  // namespace carta::card::protocol
