// The protocol suite's harness over the real PC/SC stack: carta-sim in a vpcd
// reader of a private pcscd (tests/support SimCard), reached through PcscTransport.
#pragma once

#include <memory>

#include "card_harness.hpp"
#include "carta/apdu/pcsc_transport.hpp"
#include "support/simcard.hpp"

namespace carta::sim::testing {

class PcscdHarness final : public CardHarness {
  public:
    explicit PcscdHarness(const std::filesystem::path& initial_state);
    apdu::Transport& transport() override { return *transport_; }
    std::filesystem::path state_file() const override { return sim_.state_file(); }
    void restart_card() override;

    test::SimCard& sim() { return sim_; }

  private:
    test::SimCard sim_;
    std::unique_ptr<apdu::PcscContext> context_;
    std::unique_ptr<apdu::PcscTransport> transport_;
};

HarnessKind pcscd_harness();

}  // namespace carta::sim::testing
