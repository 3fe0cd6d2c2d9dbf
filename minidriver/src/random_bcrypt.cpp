// host_random on Windows: the system's preferred RNG through CNG.
// windows.h first: bcrypt.h needs its types.
// clang-format off
#include <windows.h>
#include <bcrypt.h>
// clang-format on

#include <stdexcept>

#include "host.hpp"

namespace carta::md {

void host_random(std::uint8_t* out, std::size_t size) {
    const NTSTATUS status =
        BCryptGenRandom(nullptr, out, static_cast<ULONG>(size), BCRYPT_USE_SYSTEM_PREFERRED_RNG);
    if (status < 0) throw std::runtime_error("BCryptGenRandom failed");
}

}  // namespace carta::md
