// How each commands_*.cpp adds its subcommands and options: a small vocabulary over
// the command-line parser, implemented in cli.cpp, so that only cli.cpp compiles
// CLI11 (header-only: every file including it paid ~8 s of code generation for
// CLI11's own functions).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace carta::cli {

struct CommandContext;

class Command {
  public:
    Command(CLI::App& app, CommandContext& context) : app_(&app), context_(&context) {}

    // A subcommand: when it is given on the command line (and none of its own
    // subcommands is), `action` becomes the run's action, run after parsing with
    // every option known.
    Command command(const std::string& name, const std::string& help, std::function<int()> action);
    // A subcommand that only groups others: one of them must be given.
    Command group(const std::string& name, const std::string& help);

    // "--name VALUE", or a positional argument when `name` has no leading dash.
    Command& option(const std::string& name, std::string& value, const std::string& help);
    Command& flag(const std::string& name, bool& value, const std::string& help);
    // The option added last must be given, or must be one of `allowed`.
    Command& required();
    Command& one_of(const std::vector<std::string>& allowed);

  private:
    CLI::App* app_;
    CommandContext* context_;
    CLI::Option* last_ = nullptr;
};

}  // namespace carta::cli
