// The module's debug log: CARTA_PKCS11_LOG=/path/to/file (appended) or
// CARTA_PKCS11_LOG=stderr. One line per PKCS#11 call with its CK_RV and, on
// failure, why. Arguments are never logged, so PINs never reach the log.
#pragma once

#include <string_view>

namespace carta::pkcs11::log {

bool enabled() noexcept;
// Writes one line ("carta-pkcs11[pid/tid] ..."); never throws.
void line(std::string_view text) noexcept;

}  // namespace carta::pkcs11::log
