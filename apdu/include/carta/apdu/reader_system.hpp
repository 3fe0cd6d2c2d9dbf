// Where a client's readers and cards come from. In production that is PC/SC
// (pcscd); tests put the simulator's card in a reader of the test process instead
// (tests/support/in_process_card.*), so that most PKCS#11 and CLI behaviour is
// tested in milliseconds without pcscd — the seam OpenSC's reader drivers and
// p11-kit's mock module give their tests.
//
// Which system a client uses is the client's business, not this layer's: the
// PKCS#11 module keeps a switch of its own inside the shared object
// (pkcs11/src/reader_system.hpp), the CLI is handed one (carta::cli::run).
//
// A monitor polls and waits (one per thread that blocks: PC/SC serialises the
// calls of one context); each card connection gets a transport of its own.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "carta/apdu/pcsc_transport.hpp"
#include "carta/apdu/transport.hpp"

namespace carta::apdu {

class ReaderMonitor {
  public:
    virtual ~ReaderMonitor() = default;
    // Every reader and whether (which) card is in it. Throws
    // TransportError(ServiceGone) while the reader service is down.
    virtual std::vector<ReaderState> reader_states() = 0;
    // Whether anything changed since the last reader_states() or wait; blocks up
    // to `timeout` for a change. False when cancel() was called.
    virtual bool wait_for_change(std::chrono::milliseconds timeout) = 0;
    // Wakes a wait_for_change from another thread.
    virtual void cancel() = 0;
};

class ReaderSystem {
  public:
    virtual ~ReaderSystem() = default;
    // Throws TransportError(ServiceGone) if the service cannot be reached.
    virtual std::unique_ptr<ReaderMonitor> monitor() = 0;
    // A connection to the card in `reader` (throws TransportError).
    virtual std::unique_ptr<Transport> connect(const std::string& reader) = 0;
};

// PC/SC through libpcsclite.
std::shared_ptr<ReaderSystem> pcsc_reader_system();

}  // namespace carta::apdu
