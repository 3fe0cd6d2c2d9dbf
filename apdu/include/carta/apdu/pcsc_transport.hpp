// PC/SC through libpcsclite. Every SCARDCONTEXT / SCARDHANDLE is owned by an RAII type.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "carta/apdu/transport.hpp"

namespace carta::apdu {

struct ReaderState {
    std::string name;
    bool card_present = false;
    bool card_in_use_exclusively = false;
    Bytes atr;
};

// An established PC/SC context. Re-establishes itself when pcscd restarted.
// One thread at a time, except cancel(). libpcsclite serialises the calls on a
// context, so a blocking wait_for_change also holds up the PcscTransports made
// on the same context: monitor readers with a PcscContext of its own.
class PcscContext {
  public:
    PcscContext();  // throws TransportError(ServiceGone) if pcscd is not reachable
    ~PcscContext();
    PcscContext(const PcscContext&) = delete;
    PcscContext& operator=(const PcscContext&) = delete;

    std::vector<std::string> list_readers();  // empty if there are none
    std::vector<ReaderState> reader_states();
    // Blocks until a reader appears/disappears or a card is inserted/removed, or
    // the timeout passes (returns false) or cancel() is called (returns false).
    // Changes are relative to the states last returned by reader_states() (or seen
    // by the previous wait), so nothing is missed between two calls. Returns true
    // after re-establishing the context when pcscd restarted.
    // Throws TransportError(ServiceGone) while pcscd is down.
    bool wait_for_change(std::chrono::milliseconds timeout);
    // Wakes a wait_for_change from another thread (or makes the next one return
    // false at once if none is waiting yet).
    void cancel();
    // Re-establish after ServiceGone (pcscd restarted).
    void reestablish();

    struct Impl;
    Impl& impl() { return *impl_; }

  private:
    std::unique_ptr<Impl> impl_;
};

class PcscTransport final : public Transport {
  public:
    // Connects shared, T=0 or T=1. Throws TransportError (NoReader / NoCard / Sharing ...).
    PcscTransport(PcscContext& context, std::string reader);
    ~PcscTransport() override;

    Bytes transmit(ByteView command) override;
    void begin_transaction() override;
    void end_transaction() override;
    // Handles a reset card (SCARD_W_RESET_CARD) and a restarted pcscd.
    void reconnect() override;
    Bytes atr() const override;
    std::string reader_name() const override { return reader_; }

  private:
    // After a cut exchange: CardRemoved or ServiceGone if that is what cut it, else nothing.
    std::optional<TransportError::Kind> what_cut_the_exchange() const;

    struct Handle;
    PcscContext& context_;
    std::string reader_;
    std::unique_ptr<Handle> handle_;
};

}  // namespace carta::apdu
