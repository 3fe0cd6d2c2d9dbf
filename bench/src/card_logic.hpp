// carta-sim's own work per signature, without vpcd or pcscd: the simulated card's
// command processing run in this process on a copy of the bench card's state, so the
// simulator's CPU figure through vpcd can be split into the card and its transport.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace carta::bench {

// CPU seconds (this thread) per PSO:HASH + PSO:CDS pair, RSA-2048 PKCS#1 v1.5 SHA-256,
// after SELECT, VERIFY and one MSE:SET; `signatures` of them, the first few untimed.
double card_logic_cpu_per_signature(const std::filesystem::path& state_file, const std::string& pin,
                                    std::uint8_t key_ref, int signatures);

}  // namespace carta::bench
