// Which reader system (carta/apdu/reader_system.hpp) the module uses: PC/SC
// unless a test linking the module's code in-process said otherwise. The switch
// lives here, inside the shared object, because C_Initialize has no way to be
// handed one, and it stays unreachable from outside: only C_* are exported.
#pragma once

#include <memory>

#include "carta/apdu/reader_system.hpp"

namespace carta::pkcs11 {

using apdu::ReaderMonitor;
using apdu::ReaderSystem;

// The system the next C_Initialize uses (nullptr: PC/SC again).
void use_reader_system(std::shared_ptr<ReaderSystem> system);
std::shared_ptr<ReaderSystem> reader_system();

}  // namespace carta::pkcs11
