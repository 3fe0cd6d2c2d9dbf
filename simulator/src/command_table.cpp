#include <array>

#include "commands.hpp"

namespace carta::sim {

namespace {

// GET RESPONSE (00 C0) is not here: it belongs to the transmission layer (apdu_framing).
constexpr std::array kCommands = {
    CommandEntry{false, 0xA4, "SELECT", select},
    CommandEntry{false, 0xB0, "READ BINARY", read_binary},
    CommandEntry{false, 0x84, "GET CHALLENGE", get_challenge},
    CommandEntry{false, 0x20, "VERIFY", verify},
    CommandEntry{false, 0x24, "CHANGE REFERENCE DATA", change_reference_data},
    CommandEntry{false, 0x2C, "RESET RETRY COUNTER", reset_retry_counter},
    CommandEntry{false, 0xCB, "GET DATA", get_data},
    CommandEntry{false, 0x47, "GENERATE ASYMMETRIC KEY PAIR", generate_key_pair},
    CommandEntry{false, 0xDB, "PUT DATA", put_data},
    CommandEntry{false, 0xE4, "DELETE FILE", delete_file},
    CommandEntry{false, 0x22, "MANAGE SECURITY ENVIRONMENT", manage_security_environment},
    CommandEntry{false, 0x2A, "PERFORM SECURITY OPERATION", perform_security_operation},
    CommandEntry{true, 0x44, "INITIALISE PROFILE", initialise_profile},
    CommandEntry{true, 0xE6, "ERASE PROFILE", erase_profile},
};

}  // namespace

Lookup find_command(std::uint8_t cla, std::uint8_t ins, const CommandEntry*& entry) {
    const bool proprietary = (cla & 0x80) != 0;
    bool other_class = false;
    for (const auto& candidate : kCommands) {
        if (candidate.ins != ins) continue;
        if (candidate.proprietary == proprietary) {
            entry = &candidate;
            return Lookup::found;
        }
        other_class = true;
    }
    return other_class ? Lookup::wrong_class : Lookup::unknown;
}

}  // namespace carta::sim
