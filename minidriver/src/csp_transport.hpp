// carta's apdu::Transport over the card handle the CSP lends the minidriver: it only
// transmits. The CSP connected the card and holds the PC/SC transaction around each
// call into the minidriver, so beginning or ending one here would be wrong (a nested
// SCardBeginTransaction on Windows blocks) and reconnecting is the CSP's business.
#pragma once

#include <memory>

#include "carta/apdu/transport.hpp"
#include "carta/minidriver/v7.hpp"

namespace carta::md {

class CspTransport final : public apdu::Transport {
  public:
    CspTransport(ScardHandle card, ByteView atr);
    Bytes transmit(ByteView command) override;
    void begin_transaction() override {}  // the CSP holds it
    void end_transaction() override {}
    void reconnect() override;  // not ours to do: throws TransportError(CardReset)
    Bytes atr() const override { return atr_; }
    std::string reader_name() const override { return "the CSP's reader"; }

  private:
    ScardHandle card_;
    Bytes atr_;
};

// Where the context's transport comes from: the CSP's handle, unless a test (the Linux
// harness's in-process layer) installed a maker of its own. Not thread-safe to change
// while contexts are being made; tests set it before CardAcquireContext.
using TransportMaker = std::unique_ptr<apdu::Transport> (*)(const CardData& data);
void set_transport_maker(TransportMaker maker);
std::unique_ptr<apdu::Transport> make_transport(const CardData& data);

}  // namespace carta::md
