// Trusting a CA certificate for e-mail in a profile's NSS certificate database
// (cert9.db), through NSS's certutil: cert9.db is an SQLite database of PKCS#11
// objects that only NSS should write. Used only when the user asks for it
// (--trust-card-ca); without libnss3-tools the option says what to install.
#pragma once

#include <filesystem>
#include <string>

#include "carta/apdu/bytes.hpp"

namespace carta::cli::nss {

enum class TrustChange {
    Added,      // imported with trust ",C," (a CA for e-mail, nothing else)
    Extended,   // already in the database: e-mail CA trust added, its other trust kept
    Unchanged,  // already trusted as a CA for e-mail
};
const char* trust_change_name(TrustChange change);                // "added" ... (JSON)
const char* trust_change_word(TrustChange change, bool dry_run);  // "imported, trusted for e-mail only" ...

// Makes the CA certificate `der` trusted to issue e-mail certificates in the
// database of `profile`, as `nickname` if it is new. Never lowers or widens any
// other trust the certificate has there. CliError when certutil is missing or fails.
TrustChange trust_for_email(const std::filesystem::path& profile, ByteView der, const std::string& nickname,
                            bool dry_run);

}  // namespace carta::cli::nss
