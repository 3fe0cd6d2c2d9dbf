// The DER the card library needs about keys, written and read without a crypto
// library (the card core builds without OpenSSL: docs/architecture.md).
#pragma once

#include <optional>

#include "carta/apdu/bytes.hpp"
#include "carta/card/types.hpp"

namespace carta::card {

// The card's public key template 7F49 (docs/card-protocol.md §5; with or without its
// 7F49 wrapper) as DER SubjectPublicKeyInfo, byte for byte what OpenSSL's i2d_PUBKEY
// writes for the same key: RSA with the minimal INTEGERs of modulus and exponent, EC
// with the named curve of `algorithm` and the uncompressed point as the card gives it.
// Throws std::invalid_argument for a template that cannot be such a key.
Bytes spki_from_template(KeyAlgorithm algorithm, ByteView template_7f49);

// The family of the key in a DER PKCS#8 PrivateKeyInfo: true for rsaEncryption, false
// for id-ecPublicKey, nullopt for anything else (another algorithm, or not PKCS#8).
std::optional<bool> pkcs8_key_is_rsa(ByteView pkcs8_der);

}  // namespace carta::card
