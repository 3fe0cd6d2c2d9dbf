// ECDSA's signature encoding, for the code outside the family that reads one
// (the parameter fuzzer).
#pragma once

#include "carta/apdu/bytes.hpp"

namespace carta::pkcs11 {

// PKCS#11's r||s (PKCS#11 3.0 §6.3.1) to the DER SEQUENCE OpenSSL verifies.
Bytes ecdsa_der(ByteView raw_signature);

}  // namespace carta::pkcs11
