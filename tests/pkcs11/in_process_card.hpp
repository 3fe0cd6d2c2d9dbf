// The shared in-process card (tests/support/in_process_card.hpp) as the module's
// reader system while it lives: the module's code is linked into the test
// executable, and its next C_Initialize finds the card there instead of PC/SC.
#pragma once

#include <filesystem>

#include "support/in_process_card.hpp"

namespace carta::pkcs11::test {

class InProcessCard final : public carta::test::InProcessCard {
  public:
    // At most one at a time.
    explicit InProcessCard(const std::filesystem::path& initial_state, Latency latency = Latency::None);
    ~InProcessCard() override;  // the module's next C_Initialize uses PC/SC again
};

}  // namespace carta::pkcs11::test
