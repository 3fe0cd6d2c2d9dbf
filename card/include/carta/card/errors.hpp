// Every status word the card can answer becomes a CardError with a kind the
// callers switch on, and a message a person understands.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "carta/apdu/apdu.hpp"
#include "carta/apdu/transport.hpp"
#include "carta/card/types.hpp"

namespace carta::card {

enum class ErrorKind {
    CodeIncorrect,     // 63Cx: wrong PIN/PUK; tries_left() says how many remain
    CodeBlocked,       // 6983
    CodeNotSet,        // 6A88 on VERIFY: profile not initialised / PIN not set
    CodeLength,        // 6A80/6700 on a code, or refused before sending
    NotAuthenticated,  // 6982: verify the PIN first
    WrongState,        // 6985: wrong life cycle, missing MSE, ...
    NotAllowed,        // 6986
    NotFound,          // 6A82 / 6A88: no such object or key
    AlreadyExists,     // 6A89
    NoSpace,           // 6A84 or no free key/certificate slot
    InvalidData,       // 6A80 outside code handling, malformed card answer
    CardMemory,        // 6581
    NotSupported,      // 6D00/6E00/6A81/6A86
    Transport,         // reader, card removed, pcscd gone: transport_kind() says which
    AnswerLost,        // the card's answer was lost or cut short: whether the command was done is unknown
    Unexpected,        // anything else
};

class CardError : public std::runtime_error {
  public:
    CardError(ErrorKind kind, const std::string& message, std::optional<apdu::StatusWord> sw = {},
              int tries_left = -1)
        : std::runtime_error(message), kind_(kind), sw_(sw), tries_left_(tries_left) {}
    ErrorKind kind() const { return kind_; }
    std::optional<apdu::StatusWord> status_word() const { return sw_; }
    int tries_left() const { return tries_left_; }  // -1 when not applicable
    // For ErrorKind::Transport: what went wrong underneath (card removed, pcscd gone, ...),
    // which decides the recovery (the PKCS#11 module reconnects after a reset card).
    std::optional<apdu::TransportError::Kind> transport_kind() const { return transport_kind_; }

    static CardError from(const apdu::TransportError& error) {
        CardError wrapped(ErrorKind::Transport, error.what());
        wrapped.transport_kind_ = error.kind();
        return wrapped;
    }

  private:
    ErrorKind kind_;
    std::optional<apdu::StatusWord> sw_;
    int tries_left_;
    std::optional<apdu::TransportError::Kind> transport_kind_;
};

// Maps a non-9000 status word of `operation` ("verify PIN", "generate key"...)
// to a CardError. `code` is set for commands about a PIN/PUK.
[[noreturn]] void throw_for_status(apdu::StatusWord sw, std::string_view operation,
                                   std::optional<Code> code = std::nullopt);

}  // namespace carta::card
