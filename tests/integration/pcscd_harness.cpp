#include "pcscd_harness.hpp"

namespace carta::sim::testing {

PcscdHarness::PcscdHarness(const std::filesystem::path& initial_state)
    : sim_(initial_state),
      context_(std::make_unique<apdu::PcscContext>()),
      transport_(std::make_unique<apdu::PcscTransport>(*context_, sim_.reader())) {}

void PcscdHarness::restart_card() {
    sim_.restart_sim();  // returns once PC/SC shows the card again
    transport_->reconnect();
}

HarnessKind pcscd_harness() {
    return {"Pcscd", [](const std::filesystem::path& initial_state) -> std::unique_ptr<CardHarness> {
                return std::make_unique<PcscdHarness>(initial_state);
            }};
}

}  // namespace carta::sim::testing
