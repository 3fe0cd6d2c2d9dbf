// A PIN or PUK as the application hands it over, in a buffer wiped after use.
#pragma once

#include "carta/apdu/bytes.hpp"
#include "ck.hpp"
#include "errors.hpp"

namespace carta::pkcs11 {

// A NULL PIN would mean a protected authentication path (a PIN pad): there is none.
inline SecretBytes code_from(CK_UTF8CHAR_PTR code, CK_ULONG length) {
    if (code == nullptr) fail(CKR_ARGUMENTS_BAD, "no PIN given (there is no PIN pad)");
    return SecretBytes(ByteView(code, length));
}

}  // namespace carta::pkcs11
