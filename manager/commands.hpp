// The subcommands. Each commands_*.cpp registers its own subcommands, options and
// actions on the command line (cli.cpp keeps only the global options); an action
// returns the exit status on success and throws (see errors.hpp) on failure.
#pragma once

#include <functional>
#include <string>

#include "command_line.hpp"
#include "session.hpp"

namespace carta::cli {

// In the order `carta --help` lists them.
void add_card_commands(Command& app, CommandContext& context);     // readers, status, list
void add_code_commands(Command& app, CommandContext& context);     // init, pin, puk
void add_key_commands(Command& app, CommandContext& context);      // key generate
void add_csr_commands(Command& app, CommandContext& context);      // csr, csr check
void add_cert_commands(Command& app, CommandContext& context);     // cert import, cert export
void add_p12_commands(Command& app, CommandContext& context);      // p12 import
void add_delete_command(Command& app, CommandContext& context);    // delete (commands_keys.cpp)
void add_desktop_commands(Command& app, CommandContext& context);  // thunderbird, firefox
void add_diagnose_command(Command& app, CommandContext& context);  // diagnose

// csr check (csr_check.cpp), under `csr`.
void add_csr_check_command(Command& csr, CommandContext& context);

}  // namespace carta::cli
