// The APDU/TLV layer fed hostile bytes: command and response parsing, BER-TLV
// reading at any depth, the trace's redaction, and the APDU channel's exchange
// rules (61xx, 6Cxx, chaining) against a card whose answers come from the input.
//
// Input: one mode byte, then
//   mode 0: raw bytes parsed as a command, a response and a TLV sequence;
//   mode 1: options, a command (chunk), then the card's answers (chunks).
#include <cstddef>
#include <cstdint>
#include <exception>

#include "carta/apdu/apdu.hpp"
#include "carta/apdu/channel.hpp"
#include "carta/apdu/tlv.hpp"
#include "carta/apdu/trace.hpp"
#include "fuzz_input.hpp"

namespace carta::fuzz {
namespace {

// The parser promises parse(raw).encode() == raw: a command it accepts has exactly one encoding.
void command_round_trip(ByteView raw) {
    try {
        const auto command = apdu::CommandApdu::parse(raw);
        const auto encoded = command.encode();
        require(Bytes(raw.begin(), raw.end()) == encoded);
        require(command.iso_case() >= 1 && command.iso_case() <= 4);
    } catch (const apdu::ApduError&) {
    }
    (void)apdu::redacted_command(raw, apdu::apdu_flags::kSecretData);
    (void)apdu::redacted_command(raw, 0);
}

void response_round_trip(ByteView raw) {
    try {
        const auto response = apdu::ResponseApdu::parse(raw);
        require(Bytes(raw.begin(), raw.end()) == response.encode());
    } catch (const apdu::ApduError&) {
    }
}

// Strict BER-TLV has one encoding per element (minimal lengths only), so every
// element read re-encodes to the very bytes it was read from; constructed ones
// are read again inside, as the card library does with templates.
void tlv_walk(ByteView buffer, int depth) {
    if (depth > 8) return;
    try {
        tlv::TlvReader reader(buffer);
        while (!reader.at_end()) {
            const auto start = reader.position();
            const auto element = reader.next();
            const auto encoded = tlv::encode(element.tag, element.value);
            const auto original = buffer.subspan(start, reader.position() - start);
            require(Bytes(original.begin(), original.end()) == encoded);
            if (element.constructed()) tlv_walk(element.value, depth + 1);
        }
    } catch (const tlv::TlvError&) {
    }
    try {
        (void)tlv::find(buffer, 0x7F49);
    } catch (const tlv::TlvError&) {
    }
}

// A card that answers from the fuzz input and runs out after the input does.
class AnswerTransport final : public apdu::Transport {
  public:
    explicit AnswerTransport(FuzzInput& input) : input_(input) {}
    Bytes transmit(ByteView command) override {
        // Every command the channel sends must itself be a valid APDU.
        try {
            (void)apdu::CommandApdu::parse(command);
        } catch (const apdu::ApduError&) {
            violated();
        }
        if (input_.empty())
            throw apdu::TransportError(apdu::TransportError::Kind::CardRemoved, "input used up");
        return input_.chunk();
    }
    void begin_transaction() override {}
    void end_transaction() override {}
    void reconnect() override {}
    Bytes atr() const override { return {0x3B, 0x00}; }
    std::string reader_name() const override { return "fuzz"; }

  private:
    FuzzInput& input_;
};

void channel_exchange(FuzzInput& input) {
    const auto options_byte = input.byte();
    apdu::ApduChannel::Options options;
    options.use_extended_length = (options_byte & 1) != 0;
    options.max_response_rounds = 1 + (options_byte >> 1) % 16;
    apdu::CommandApdu command;
    try {
        command = apdu::CommandApdu::parse(input.chunk());
    } catch (const apdu::ApduError&) {
        return;
    }
    AnswerTransport transport(input);
    apdu::ApduChannel channel(transport, options);
    try {
        const auto response = channel.transmit(command);
        (void)response.status.describe();
    } catch (const apdu::ApduError&) {
    } catch (const apdu::TransportError&) {
    }
}

}  // namespace
}  // namespace carta::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace carta::fuzz;
    FuzzInput input(data, size);
    if (input.byte() % 2 == 0) {
        const auto raw = input.rest();
        command_round_trip(raw);
        response_round_trip(raw);
        tlv_walk(raw, 0);
    } else {
        channel_exchange(input);
    }
    return 0;
}
