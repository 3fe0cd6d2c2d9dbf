// How APDUs reach a card: PC/SC (pcsc_transport.hpp) or a card object in the
// same process (in_process_transport.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "carta/apdu/apdu.hpp"
#include "carta/apdu/bytes.hpp"

namespace carta::apdu {

// A transport-level failure; `kind` tells callers what recovery makes sense.
class TransportError : public std::runtime_error {
  public:
    enum class Kind {
        NoReader,     // reader gone or unknown
        NoCard,       // no card in the reader
        CardRemoved,  // the card was pulled during this session
        CardReset,    // another process reset the card: security state is lost
        ServiceGone,  // the PC/SC service (pcscd) stopped or restarted
        Sharing,      // another process holds the card exclusively
        Timeout,
        Other,
    };
    TransportError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
    Kind kind() const { return kind_; }

  private:
    Kind kind_;
};

class Transport {
  public:
    virtual ~Transport() = default;
    // Sends one raw command APDU and returns the raw response (data + SW1 SW2).
    // No GET RESPONSE / chaining logic here: see ApduChannel.
    virtual Bytes transmit(ByteView command) = 0;
    // Exclusive access across several APDUs (SCardBeginTransaction). Nestable
    // only through TransactionGuard, which counts.
    virtual void begin_transaction() = 0;
    virtual void end_transaction() = 0;
    // Re-establishes the connection after CardReset/ServiceGone (same reader).
    // The card's security state is gone afterwards.
    virtual void reconnect() = 0;
    virtual Bytes atr() const = 0;
    virtual std::string reader_name() const = 0;
};

// What one host knows of the card's volatile state while it holds a transaction:
// nobody else can send the card anything then, so what the host's own commands
// set (ISO 7816-4: the selected application and the security environments) is
// still set. Written by the card library after each answer; it ends with the
// transaction, because between two transactions another process may use the card.
struct KnownCardState {
    Bytes application;                      // AID of the selected application; empty: not known
    std::optional<Bytes> selection_answer;  // its SELECT's answer, while no command since can have changed it
    // ... except for the try counters in it (a VERIFY since): what identifies the contents holds.
    bool answer_tries_changed = false;
    std::map<std::uint16_t, Bytes> environments;  // MSE:SET data by P1-P2, as the card accepted it

    void forget() {
        application.clear();
        selection_answer.reset();
        answer_tries_changed = false;
        environments.clear();
    }
    // Updates what is known after the card answered `command` (its apdu_flags say how).
    void after(const CommandApdu& command, const ResponseApdu& response);
    // Whether the card holds the environment this MSE:SET `command` would set.
    bool has_environment(const CommandApdu& command) const;

  private:
    static std::uint16_t environment_key(const CommandApdu& command) {
        return static_cast<std::uint16_t>(command.p1 << 8 | command.p2);
    }
};

// Holds a transaction for its lifetime; nested guards on one transport share it.
class TransactionGuard {
  public:
    explicit TransactionGuard(Transport& transport);
    ~TransactionGuard();
    TransactionGuard(const TransactionGuard&) = delete;
    TransactionGuard& operator=(const TransactionGuard&) = delete;

    // The known state of the card inside the transaction `transport` holds now; nullptr
    // outside one. Valid until that transaction ends; used by the one thread that holds it.
    static KnownCardState* known_state(const Transport& transport);

  private:
    Transport& transport_;
    bool owner_;
};

}  // namespace carta::apdu
