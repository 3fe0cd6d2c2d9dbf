// What the minidriver needs from the host beyond the card: random bytes, to rebuild
// the PKCS#1 type-2 block a "no padding" decryption request expects (crypto.cpp).
// Linked in, one implementation per build: random_bcrypt.cpp in the Windows DLL
// (BCryptGenRandom), the harness's OpenSSL one on Linux. The card core stays free of
// both.
#pragma once

#include <cstddef>
#include <cstdint>

namespace carta::md {

// Fills `out` with cryptographically strong random bytes; throws if it cannot.
void host_random(std::uint8_t* out, std::size_t size);

}  // namespace carta::md
