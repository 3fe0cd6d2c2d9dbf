// A PIN or PUK as the application hands it over, in a buffer wiped after use.
#pragma once

#include "carta/apdu/bytes.hpp"
#include "carta/card/types.hpp"
#include "ck.hpp"
#include "errors.hpp"

namespace carta::pkcs11 {

// A NULL PIN would mean a protected authentication path (a PIN pad): there is none.
// The length is the caller's claim: checked against the longest possible code before
// a single byte is copied, so (CK_ULONG)-1 is an answer, not a read past the buffer.
inline SecretBytes code_from(CK_UTF8CHAR_PTR code, CK_ULONG length) {
    if (code == nullptr) fail(CKR_ARGUMENTS_BAD, "no PIN given (there is no PIN pad)");
    if (length > card::kCodeMaxLength)
        fail(CKR_PIN_LEN_RANGE, "a PIN is at most " + std::to_string(card::kCodeMaxLength) + " bytes");
    return SecretBytes(ByteView(code, length));
}

}  // namespace carta::pkcs11
