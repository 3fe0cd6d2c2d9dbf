// What a user waits for on a real card, measured on a second simulated card with the
// real card's timings (carta-sim --latency realistic, behind its own pcscd): a
// Thunderbird-like start with a cold and with a warm cache, one signed send (C_Login,
// finding the key, C_Sign) and opening one encrypted message (C_Login, finding the key,
// C_Decrypt), each in a fresh process, next to its floor: the real card's own time for
// the APDUs no host can avoid (the simulator's latency model, carta/sim/latency.hpp).
#pragma once

#include <string>

#include "results.hpp"

namespace carta::bench {

struct JourneySetup {
    std::string module, token, key_label, pin;
    std::string socket;  // the realistic card's pcscd (PCSCLITE_CSOCK_NAME for the children)
    std::string work;    // traces and the journeys' object cache
    int runs = 1;
};

void run_journeys(Results& results, const JourneySetup& setup);

// The journeys as a Markdown table and as a JSON object's members; empty if none ran.
std::string journeys_markdown(const Results& results);
std::string journeys_json(const Results& results);

}  // namespace carta::bench
