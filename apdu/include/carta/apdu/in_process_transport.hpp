// A transport that hands APDUs straight to a card object in this process:
// unit tests run the whole stack without pcscd.
#pragma once

#include <mutex>
#include <string>
#include <utility>

#include "carta/apdu/transport.hpp"

namespace carta::apdu {

// The card side of the protocol; the simulator's card implements it.
class ApduProcessor {
  public:
    virtual ~ApduProcessor() = default;
    virtual Bytes process(ByteView command) = 0;  // raw response incl. SW
    virtual Bytes atr() const = 0;
    virtual void power_cycle() = 0;  // card reset: security state lost
};

class InProcessTransport final : public Transport {
  public:
    explicit InProcessTransport(ApduProcessor& card, std::string reader = "carta in-process reader")
        : card_(card), reader_(std::move(reader)) {}
    Bytes transmit(ByteView command) override;
    void begin_transaction() override;
    void end_transaction() override;
    void reconnect() override;
    Bytes atr() const override { return card_.atr(); }
    std::string reader_name() const override { return reader_; }

  private:
    ApduProcessor& card_;
    std::string reader_;
    std::recursive_mutex transaction_;
};

}  // namespace carta::apdu
