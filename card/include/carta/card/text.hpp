// Text rules shared by the card library, the CLI and the PKCS#11 module:
//   - labels (object names, the profile label): what may be stored on a card;
//   - PINs and PUKs (docs/card-protocol.md §3): what can possibly be right, checked
//     before any card command so that no try is spent on it;
//   - text that came off a card, made safe to print on a terminal.
// Everything read from a card is hostile input: another tool, an older carta or a
// forged card may have stored escape sequences or bytes that are not UTF-8.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "carta/apdu/bytes.hpp"
#include "carta/card/types.hpp"

namespace carta::card {

// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
bool is_utf8(std::string_view text);
// The number of characters of well-formed UTF-8 text (each invalid byte counts as one).
std::size_t utf8_characters(std::string_view text);

// The label rule: well-formed UTF-8, no control character (C0, DEL, C1), at most
// `max_bytes` bytes. nullopt when `label` follows it, else why not (quoting no label).
std::optional<std::string> label_problem(std::string_view label, std::size_t max_bytes);
// `text` made to follow the label rule, for labels nobody typed (a certificate's CN):
// each control character or invalid byte becomes U+FFFD, and the result is cut to
// `max_bytes` on a character boundary.
std::string sanitized_label(std::string_view text, std::size_t max_bytes);

// Text from a card as a terminal may show it: control characters, invalid bytes
// and the backslash are written as \xNN (C1 characters as \u0080...), so nothing
// it holds can move the cursor, change colours or hide what follows.
std::string printable(std::string_view text);

// The PIN/PUK format rule (docs/card-protocol.md §3): UTF-8 text, no NUL, 4 to 32
// bytes once encoded. The message counts characters and bytes separately, since a
// PIN of 17 Polish letters is 17 characters but 34 bytes; it never quotes the code.
struct CodeProblem {
    enum class Kind { Length, Character } kind;
    std::string message;
};
std::optional<CodeProblem> code_problem(Code code, ByteView value);
// The length rule in words, for every message about it: "4 to 32 bytes long in UTF-8
// (a digit or Latin letter is one byte)".
std::string code_length_rule();

}  // namespace carta::card
