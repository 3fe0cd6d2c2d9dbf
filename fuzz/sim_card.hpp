// The card the simulator fuzzers start every input from: the common profile
// operational (PIN 123456, PUK 87654321) with an RSA-2048 and a P-256 key and a certificate, so
// that a VERIFY in the input reaches signing, deciphering and the object
// commands. The codes are hashed with one PBKDF2 iteration: the real work
// factor would make every VERIFY cost milliseconds and the fuzzer crawl.
#pragma once

#include <filesystem>
#include <memory>

#include "carta/sim/virtual_card.hpp"

namespace carta::fuzz {

inline constexpr const char* kSimPin = "123456";
inline constexpr const char* kSimPuk = "87654321";

// The template's state file, written once per process into a private temporary
// directory that is removed at exit.
const std::filesystem::path& sim_template_state();

// A fresh card from the template whose saves go nowhere (no disk writes per input).
std::unique_ptr<sim::VirtualCard> fresh_sim_card();

}  // namespace carta::fuzz
