// The transmission rules around the commands (docs §1): command chaining on the
// way in, Le handling (6Cxx), splitting long answers (61xx) and GET RESPONSE on
// the way out.
#pragma once

#include <optional>

#include "carta/apdu/apdu.hpp"

namespace carta::sim {

// What a command handler answers.
struct Reply {
    Bytes data;
    apdu::StatusWord status = apdu::sw::kOk;
    // True if sending the command again does no harm (SELECT, GET DATA, DECIPHER):
    // then a too short Le gets 6Cxx. Otherwise (GENERATE, PSO:CDS) the card keeps
    // the answer for GET RESPONSE instead, so that nothing is lost.
    bool repeatable = true;
};

// Holds the parts of a chain (CLA bit 10) until the last part arrives, so that a
// chained command takes effect only as a whole (ISO 7816-4 5.3.3).
class CommandChain {
  public:
    static constexpr std::size_t kMaxData = 65536;

    ~CommandChain() { clear(); }
    bool active() const { return header_.has_value(); }
    // Throws CardStatus 6883 and drops the chain if `command` does not continue it.
    void check_continues(const apdu::CommandApdu& command);
    // A middle part is stored (nullopt: answer 9000); the last part (or an
    // unchained command) comes back complete. 6700: a chained part without data;
    // 6A84: more than kMaxData bytes.
    std::optional<apdu::CommandApdu> accept(apdu::CommandApdu part);
    void clear();

  private:
    struct Header {
        std::uint8_t cla, ins, p1, p2;
        bool operator==(const Header&) const = default;
    };
    static Header header_of(const apdu::CommandApdu& command);

    std::optional<Header> header_;
    Bytes data_;  // may hold PIN blocks: wiped by clear()
};

// The rest of an answer that did not fit, waiting for GET RESPONSE.
class PendingResponse {
  public:
    ~PendingResponse() { clear(); }
    bool empty() const { return rest_.empty(); }
    void clear();
    // GET RESPONSE 00 C0 00 00 Le.
    Bytes get_response(const apdu::CommandApdu& command);
    // The response to `command` for `reply`, as its Le allows: all of it, 6Cxx, or
    // the first Ne bytes with 61xx (the rest kept here); without Le, 61xx and all
    // of it kept here (T=0 sends case-4 commands without Le).
    Bytes fit(Reply reply, const apdu::CommandApdu& command);

  private:
    Bytes take(std::size_t ne);
    Bytes rest_;  // may hold a plaintext: wiped by clear()
};

Bytes status_only(apdu::StatusWord status);

}  // namespace carta::sim
