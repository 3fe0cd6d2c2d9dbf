// How carta ends: one clear line on stderr and an exit status by category.
// The table is printed in `carta --help` (see exit_code_help()).
#pragma once

#include <exception>
#include <stdexcept>
#include <string>

#include "carta/card/types.hpp"

namespace carta::cli {

enum class Exit : int {
    Ok = 0,
    Usage = 1,            // bad command line
    NoCard = 2,           // no PC/SC service, no reader, no card, not a carta card
    WrongCode = 3,        // wrong PIN or PUK (tries left in the message)
    Blocked = 4,          // PIN or PUK blocked
    InvalidInput = 5,     // a bad code, file, address, label or object name
    Refused = 6,          // the card refused the operation (state, space, not allowed), a profile in use
    Communication = 7,    // the card was removed or the reader/pcscd failed mid-way
    CheckFailed = 8,      // `carta csr check`: the request fails a check
    Internal = 9,         // anything else (a bug)
    OutcomeUnknown = 10,  // the card went away during a write: it may or may not have been done
};

// An error the CLI raises itself; the message is shown as is.
class CliError : public std::runtime_error {
  public:
    CliError(Exit exit, const std::string& message) : std::runtime_error(message), exit_(exit) {}
    Exit exit() const { return exit_; }

  private:
    Exit exit_;
};

// The exit-code table for the help footer.
std::string exit_code_help();

// True if `error` is the card, its reader or pcscd going away mid-command (rather
// than the card refusing): then a write in flight may or may not have been done.
bool is_communication_failure(std::exception_ptr error);

struct CommandContext;

// Prints "carta: <message>" for `error` of the run `context` and returns its exit status.
int report_error(std::exception_ptr error, const CommandContext& context);

// Rethrows the current exception; the card's answers about `code` (wrong,
// blocked, not set) become CliErrors that say what to do next.
[[noreturn]] void rethrow_code_error(card::Code code);

// Runs `f` with rethrow_code_error() for what it throws.
template <typename F>
auto with_code(card::Code code, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (...) {
        rethrow_code_error(code);
    }
}

}  // namespace carta::cli
