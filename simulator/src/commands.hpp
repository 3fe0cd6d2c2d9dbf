// The card's commands: one handler per instruction, found through a table
// (command_table.cpp). A handler checks, acts, and returns a Reply or throws
// CardStatus; it changes stored state only through CardContext::commit.
#pragma once

#include <cstdint>
#include <functional>

#include "apdu_framing.hpp"
#include "card_context.hpp"

namespace carta::sim {

using Handler = Reply (*)(CardContext& card, const apdu::CommandApdu& command);

struct CommandEntry {
    bool proprietary;  // CLA 80 (carta's own) instead of 00 (ISO)
    std::uint8_t ins;
    const char* name;
    Handler handler;
};

enum class Lookup { found, wrong_class, unknown };
// The handler for `ins` in the class of `cla` (chaining bit ignored).
Lookup find_command(std::uint8_t cla, std::uint8_t ins, const CommandEntry*& entry);

// commands_basic.cpp: selection, reading, random
Reply select(CardContext& card, const apdu::CommandApdu& command);
Reply read_binary(CardContext& card, const apdu::CommandApdu& command);
Reply get_challenge(CardContext& card, const apdu::CommandApdu& command);

// commands_codes.cpp: PIN and PUK
Reply verify(CardContext& card, const apdu::CommandApdu& command);
Reply change_reference_data(CardContext& card, const apdu::CommandApdu& command);
Reply reset_retry_counter(CardContext& card, const apdu::CommandApdu& command);

// commands_profile.cpp: life cycle
Reply initialise_profile(CardContext& card, const apdu::CommandApdu& command);
Reply erase_profile(CardContext& card, const apdu::CommandApdu& command);

// commands_keys.cpp: public keys, generation, import (PUT DATA 3FFE)
Reply get_data(CardContext& card, const apdu::CommandApdu& command);
Reply generate_key_pair(CardContext& card, const apdu::CommandApdu& command);
Reply import_private_key(CardContext& card, const apdu::CommandApdu& command);

// commands_objects.cpp: PUT DATA (dispatches 3FFE / 3FFF), DELETE FILE
Reply put_data(CardContext& card, const apdu::CommandApdu& command);
Reply delete_file(CardContext& card, const apdu::CommandApdu& command);

// commands_crypto.cpp: MSE and PSO
Reply manage_security_environment(CardContext& card, const apdu::CommandApdu& command);
Reply perform_security_operation(CardContext& card, const apdu::CommandApdu& command);

// The try rule (docs §3), shared by every command that checks a code: spends a
// try and stores it, compares, and on success restores the counter and applies
// `on_success` to the same stored change. Throws 6A88 (code not set), 6983
// (blocked), 63Cx (wrong, x tries left; the code's verified state is cleared),
// 6581 (cannot store). Returns only when the code was right.
void check_code(CardContext& card, CodeKind kind, ByteView code,
                const std::function<void(Profile& next)>& on_success = {});

}  // namespace carta::sim
