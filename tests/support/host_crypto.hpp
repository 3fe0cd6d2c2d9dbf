// What a relying party does with the card's results, with OpenSSL: verify a
// signature, encrypt to a public key. Shared by the card-library and PKCS#11 tests.
#pragma once

#include "carta/apdu/bytes.hpp"

namespace carta::test {

// `padding`: 0 for the key type's default (PKCS#1 v1.5 for RSA, ECDSA for EC), or an
// RSA_*_PADDING constant; `salt_length` for PSS (-1: the digest's length).
bool openssl_verifies(ByteView spki, const char* digest, ByteView data, ByteView signature, int padding,
                      int salt_length = -1);
// RSA PKCS#1 v1.5, or OAEP with `digest` for both OAEP and MGF1, and an optional label.
Bytes openssl_encrypt(ByteView spki, ByteView plaintext, bool oaep, const char* digest = "SHA1",
                      ByteView label = {});
// r||s, as the card and PKCS#11 give an ECDSA signature, as DER ECDSA-Sig-Value.
Bytes der_ecdsa(ByteView raw_signature);

}  // namespace carta::test
