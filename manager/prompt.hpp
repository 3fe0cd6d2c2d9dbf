// Reading PINs, PUKs and passwords: from the environment when set (for
// scripts), else from the terminal without echo. Never from the command line.
// A variable that was read is unset and its text wiped: the secret then lives only
// in the SecretBytes returned.
//
//   CARTA_PIN, CARTA_PUK           the current PIN / PUK
//   CARTA_NEW_PIN, CARTA_NEW_PUK   a new PIN / PUK (init, change, unblock)
//   CARTA_P12_PASSWORD             the password of a PKCS#12 file
#pragma once

#include <string>
#include <vector>

#include "carta/apdu/bytes.hpp"
#include "carta/card/types.hpp"

namespace carta::cli {

// The current PIN or PUK: $CARTA_PIN / $CARTA_PUK, else asked once with
// `prompt` ("PIN" / "PUK" when empty).
SecretBytes ask_code(card::Code code, const std::string& prompt = "");

// A new PIN or PUK: the first of `environment` that is set, else asked twice
// on the terminal (the two must match). Checked against the PIN/PUK format rule
// (card::code_problem: UTF-8, no NUL, 4 to 32 bytes) before it is returned.
SecretBytes ask_new_code(card::Code code, const std::vector<const char*>& environment,
                         const std::string& prompt);

// A password (PKCS#12): `environment` if set, else asked once. May be empty.
SecretBytes ask_password(const char* environment, const std::string& prompt);

// Throws CliError(InvalidInput) if `value` is no valid PIN/PUK.
void check_code_format(card::Code code, const SecretBytes& value);

}  // namespace carta::cli
