// The Linux build's host randomness: OpenSSL, in the harness only (the DLL uses BCrypt).
#include <openssl/rand.h>

#include <stdexcept>

#include "host.hpp"

namespace carta::md {

void host_random(std::uint8_t* out, std::size_t size) {
    if (RAND_bytes(out, static_cast<int>(size)) != 1) throw std::runtime_error("RAND_bytes failed");
}

}  // namespace carta::md
