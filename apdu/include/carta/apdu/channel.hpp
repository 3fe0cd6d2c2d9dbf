// The APDU exchange rules every caller wants: command chaining for long data,
// GET RESPONSE on 61xx, re-send with the right Le on 6Cxx, and the trace (each APDU
// sent for a command is traced with that command's apdu_flags).
#pragma once

#include "carta/apdu/apdu.hpp"
#include "carta/apdu/transport.hpp"

namespace carta::apdu {

class ApduChannel {
  public:
    struct Options {
        // Send data > 255 bytes as extended APDUs instead of chaining.
        bool use_extended_length = false;
        // Bound on GET RESPONSE rounds, so a hostile card cannot loop us forever.
        std::size_t max_response_rounds = 256;
    };

    explicit ApduChannel(Transport& transport) : ApduChannel(transport, Options{}) {}
    ApduChannel(Transport& transport, Options options);

    // Sends `command` (chaining it if needed) and returns the complete response.
    // Without use_extended_length, Ne > 256 is sent as Le 00 and the rest is
    // collected through GET RESPONSE. GET RESPONSE keeps the logical channel bits
    // of an interindustry CLA (00..03, 40..4F) and uses CLA 00 otherwise.
    // Intermediate chained parts answering anything but 9000 end the exchange
    // with that status. Throws TransportError / ApduError, never for a status word.
    ResponseApdu transmit(const CommandApdu& command);

    Transport& transport() { return transport_; }
    // Number of APDUs actually sent to the transport (for benchmarks / tests).
    std::size_t apdus_sent() const { return apdus_sent_; }

  private:
    // Encodes `command` as the options allow (clamping Ne to 256 without extended
    // length) and sends it once; returns the raw response.
    Bytes exchange(const CommandApdu& command);
    // One APDU to the transport, traced as the command's apdu_flags say.
    Bytes send(ByteView raw, std::uint8_t flags);
    Bytes encode(const CommandApdu& command) const;
    // A single (unchained) command with the 6Cxx re-send and the GET RESPONSE loop.
    ResponseApdu complete(const CommandApdu& command);

    Transport& transport_;
    Options options_;
    std::size_t apdus_sent_ = 0;
};

}  // namespace carta::apdu
