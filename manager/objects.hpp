// How the CLI names the objects of a profile.
//   key:          ID = the key reference in hex ("21"), LABEL = its name
//   certificate:  ID = the ID of the key it certifies (so a key and its
//                 certificate share one, like PKCS#11 CKA_ID), or "cert:N"
//                 (N = slot 1..15) when no key on the card matches;
//                 "cert:N" is always accepted too. LABEL = its name.
#pragma once

#include <string>
#include <vector>

#include "carta/card/types.hpp"

namespace carta::cli {

constexpr std::size_t kMaxObjectName = card::kMaxNameLength;

std::string key_id(std::uint8_t key_ref);
std::string key_id(const card::KeyObject& key);
std::string certificate_slot(const card::CertificateObject& certificate);  // "cert:3"
std::string certificate_id(const card::CertificateObject& certificate);

// "RSA-2048", "P-256".
std::string algorithm_text(card::KeyAlgorithm algorithm);
// "carta RSA-2048 key".
std::string default_key_label(card::KeyAlgorithm algorithm);
// "sign", "decipher" as the flags allow.
std::vector<std::string> key_usage(const card::KeyObject& key);

// Checks a label given on the command line against the card library's label rule
// (UTF-8, no control characters, ≤ max_bytes); CliError(InvalidInput).
void check_label(const std::string& label, std::size_t max_bytes = kMaxObjectName);
// A label made from text nobody typed (a certificate's CN, a PKCS#12 alias): control
// characters and invalid bytes replaced, cut to 64 bytes on a character boundary.
std::string fit_label(std::string_view text);
// "\"label\"" with whatever came off the card escaped for the terminal (card::printable).
std::string quoted_label(std::string_view text);

// Resolution of a LABEL|ID given by the user; CliError(InvalidInput) naming
// what exists when nothing (or more than one object) matches.
const card::KeyObject& find_key(const card::ProfileContents& contents, const std::string& selector);
const card::CertificateObject& find_certificate(const card::ProfileContents& contents,
                                                const std::string& selector);

struct Selection {
    std::vector<card::KeyObject> keys;
    std::vector<card::CertificateObject> certificates;
    bool empty() const { return keys.empty() && certificates.empty(); }
};
// For `delete`: an ID selects the key and the certificates that share its ID;
// cert:N one certificate; a label the one object with that name.
Selection select_objects(const card::ProfileContents& contents, const std::string& selector);

}  // namespace carta::cli
