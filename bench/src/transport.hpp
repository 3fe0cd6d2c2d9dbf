// The transport floor: round trips of one short APDU through libpcsclite, pcscd,
// vpcd and the card, without carta's code in the path.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace carta::bench {

struct TransportResult {
    std::string reader;
    std::string apdu;                 // the command, hex
    std::vector<double> round_trips;  // seconds, one per SCardTransmit
};

// Connects to `reader` (shared), sends GET CHALLENGE (8 bytes) `warmup` times
// untimed and then `count` times timed. Throws std::runtime_error on a PC/SC
// error or a status word other than 9000.
TransportResult measure_transport(const std::string& reader, int warmup, int count);

// The card floor: what the card itself costs, with the APDUs sent straight
// through PC/SC, no carta code in the path. SELECT of the common profile once,
// then `verifies` times VERIFY with `pin` (PIN block: the PIN padded with 00 to
// 16 bytes), then `signatures` times MSE:SET + PSO:HASH + PSO:CDS with the
// RSA-2048 key `key_ref` (PKCS#1 v1.5 of a SHA-256 hash), each preceded by an
// untimed warm-up of the same. Throws std::runtime_error on any error.
struct CardFloorResult {
    std::vector<double> verify;     // seconds per VERIFY
    std::vector<double> signature;  // seconds per MSE + PSO:HASH + PSO:CDS
};
CardFloorResult measure_card_floor(const std::string& reader, const std::string& pin, std::uint8_t key_ref,
                                   int verifies, int signatures);

}  // namespace carta::bench
