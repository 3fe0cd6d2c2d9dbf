// Which reader a user means.
#pragma once

#include <string>
#include <string_view>

#include "carta/apdu/reader_system.hpp"

namespace carta::card {

// `selector`: a reader's exact name, a prefix of it, or its index ("0", "1", ...);
// empty: the first reader holding a card, else the first reader.
// Throws CardError(Transport) naming the readers that exist when none fits.
std::string choose_reader(apdu::ReaderMonitor& monitor, std::string_view selector);

}  // namespace carta::card
