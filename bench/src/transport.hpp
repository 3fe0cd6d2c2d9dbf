// The transport floor: round trips of one short APDU through libpcsclite, pcscd,
// vpcd and the card, without carta's code in the path.
#pragma once

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

}  // namespace carta::bench
