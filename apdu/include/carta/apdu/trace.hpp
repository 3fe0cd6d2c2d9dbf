// APDU trace for debugging. Switched on by CARTA_APDU_TRACE=1 (to stderr) or
// CARTA_APDU_TRACE=/path/file (appended). Secrets never appear in it: the command's
// apdu_flags (apdu.hpp), set by whoever built the command, say what to redact. The
// trace itself knows no card's commands, so a new secret-carrying command is redacted
// as soon as its builder marks it, and cannot be forgotten in a list here.
#pragma once

#include <string>

#include "carta/apdu/apdu.hpp"

namespace carta::apdu {

// The command as it may be shown: with apdu_flags::kSecretData, its data replaced by
// "<N bytes redacted>" (everything after the header if it does not parse).
std::string redacted_command(ByteView raw_command, std::uint8_t flags);
// The response as it may be shown: with apdu_flags::kSecretResponse (of the command
// it answers), its data replaced by "<N bytes redacted>".
std::string redacted_response(ByteView raw_response, std::uint8_t flags);

class Trace {
  public:
    static bool enabled();
    static void command(ByteView raw_command, std::uint8_t flags);
    static void response(ByteView raw_response, std::uint8_t flags);
    // Overrides the environment (for the CLI's -v).
    static void enable_to_stderr();
    // Appends to `path` instead (overrides the environment). If the file cannot be
    // opened the trace is switched off and a warning goes to stderr.
    static void enable_to_file(const std::string& path);
    // Switches the trace off (overrides the environment).
    static void disable();
    // Re-reads CARTA_APDU_TRACE now; otherwise it is read once, on first use.
    static void configure_from_environment();
    // Back to the state of a fresh process: off, CARTA_APDU_TRACE read again on
    // first use (the CLI's runs in one process, each as if it were a process).
    static void reset();
};

}  // namespace carta::apdu
