// APDU trace for debugging. Switched on by CARTA_APDU_TRACE=1 (to stderr) or
// CARTA_APDU_TRACE=/path/file (appended). Secrets never appear in it: see redact().
#pragma once

#include <string>

#include "carta/apdu/apdu.hpp"

namespace carta::apdu {

// The command as it may be shown: data of VERIFY (20), CHANGE REFERENCE DATA (24),
// RESET RETRY COUNTER (2C), carta's INITIALISE (80 44) and ERASE PROFILE (80 E6),
// and private-key import (PUT DATA 3FFE) replaced by "<N bytes redacted>".
std::string redacted_command(ByteView raw_command);
// The response as it may be shown: plaintext of PSO:DECIPHER is redacted,
// which needs the command that caused it.
std::string redacted_response(ByteView raw_command, ByteView raw_response);

class Trace {
  public:
    static bool enabled();
    static void command(ByteView raw_command);
    static void response(ByteView raw_command, ByteView raw_response);
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
