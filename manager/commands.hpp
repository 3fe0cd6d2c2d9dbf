// The subcommands. Each commands_*.cpp registers its own subcommands, options and
// actions on the command line (cli.cpp keeps only the global options); an action
// returns the exit status on success and throws (see errors.hpp) on failure.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "session.hpp"

namespace carta::cli {

// Registers `name` under `parent`; when it is given on the command line, `action`
// becomes the run's action (run after parsing, with every option known).
CLI::App* add_command(CLI::App& parent, CommandContext& context, const std::string& name,
                      const std::string& help, std::function<int()> action);

// In the order `carta --help` lists them.
void add_card_commands(CLI::App& app, CommandContext& context);   // readers, status, list
void add_code_commands(CLI::App& app, CommandContext& context);   // init, pin, puk
void add_key_commands(CLI::App& app, CommandContext& context);    // key generate
void add_csr_commands(CLI::App& app, CommandContext& context);    // csr, csr check
void add_cert_commands(CLI::App& app, CommandContext& context);   // cert import, cert export
void add_p12_commands(CLI::App& app, CommandContext& context);    // p12 import
void add_delete_command(CLI::App& app, CommandContext& context);  // delete (commands_keys.cpp)

// csr check (csr_check.cpp), under `csr`.
CLI::App* add_csr_check_command(CLI::App& csr, CommandContext& context);

}  // namespace carta::cli
