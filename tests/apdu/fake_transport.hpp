// A scripted Transport for the tests: answers each command with the next
// scripted response (or a responder function) and records what it was sent.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "carta/apdu/transport.hpp"

namespace carta::apdu::testing {

class ScriptedTransport : public Transport {
  public:
    // Queues the raw response (hex) for the next command.
    ScriptedTransport& then(std::string_view response_hex) {
        responses_.push_back(from_hex(response_hex));
        return *this;
    }
    // Answers every command once the script is used up.
    void otherwise(std::function<Bytes(ByteView)> responder) { responder_ = std::move(responder); }

    Bytes transmit(ByteView command) override {
        sent.emplace_back(command.begin(), command.end());
        if (!responses_.empty()) {
            Bytes response = std::move(responses_.front());
            responses_.pop_front();
            return response;
        }
        if (responder_) return responder_(command);
        ADD_FAILURE() << "unscripted command " << to_hex(command);
        return {0x6F, 0x00};
    }
    void begin_transaction() override {
        if (fail_begin) throw TransportError(TransportError::Kind::Sharing, "scripted begin failure");
        ++begins;
    }
    void end_transaction() override {
        ++ends;
        if (fail_end) throw TransportError(TransportError::Kind::CardRemoved, "scripted end failure");
    }
    void reconnect() override { ++reconnects; }
    Bytes atr() const override { return {0x3B, 0x00}; }
    std::string reader_name() const override { return "scripted reader"; }

    // The commands as hex, for readable expectations.
    std::vector<std::string> sent_hex() const {
        std::vector<std::string> out;
        for (const Bytes& c : sent) out.push_back(to_hex(c));
        return out;
    }
    bool script_used_up() const { return responses_.empty(); }

    std::vector<Bytes> sent;
    int begins = 0;
    int ends = 0;
    int reconnects = 0;
    bool fail_begin = false;
    bool fail_end = false;

  private:
    std::deque<Bytes> responses_;
    std::function<Bytes(ByteView)> responder_;
};

}  // namespace carta::apdu::testing
