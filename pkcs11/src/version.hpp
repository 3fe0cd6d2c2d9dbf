// carta's own version (the project's, from CMake), reported as the library's
// version by C_GetInfo and as the slots' hardware and firmware versions.
#pragma once

#include "ck.hpp"

namespace carta::pkcs11 {

inline constexpr CK_VERSION kCartaVersion{CARTA_VERSION_MAJOR, CARTA_VERSION_MINOR};

}  // namespace carta::pkcs11
