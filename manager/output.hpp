// What carta prints: the objects and states of a card, as text or as JSON.
#pragma once

#include <ostream>
#include <string>

#include "carta/card/types.hpp"
#include "json.hpp"

namespace carta::cli {

// "uninitialised", "active", "PIN blocked", "PUK blocked", "PIN not set".
std::string profile_state(const card::ProfileStatus& status);
// "1625 8349 7691 9804".
std::string spaced_card_number(const std::string& digits);

// A code's tries left, or null while the code is not set.
Json tries_json(const card::CodeStatus& code);

Json key_json(const card::KeyObject& key, const card::ProfileContents& contents);
Json certificate_json(const card::CertificateObject& certificate);
// {"keys": [...], "certificates": [...]}
Json contents_json(const card::ProfileContents& contents);
// The state and the tries of a profile, plus its objects.
Json profile_json(const card::ProfileStatus& status, const card::ProfileContents& contents);

// One line per object, indented by `indent` spaces.
void print_key(std::ostream& out, const card::KeyObject& key, const card::ProfileContents& contents,
               int indent);
void print_certificate(std::ostream& out, const card::CertificateObject& certificate, int indent);
void print_contents(std::ostream& out, const card::ProfileContents& contents, int indent);

// JSON to stdout followed by a newline.
void print_json(const Json& value);

}  // namespace carta::cli
