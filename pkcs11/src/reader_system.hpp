// Where the module's readers and cards come from. In production that is PC/SC
// (pcscd); the module's own tests put the simulator's card in this process
// instead (tests/pkcs11/in_process_readers.*), so that most PKCS#11 behaviour is
// tested in milliseconds without pcscd — the seam OpenSC's reader drivers and
// p11-kit's mock module give their tests.
//
// The slot manager polls and waits through monitors (one per thread that
// blocks: PC/SC serialises the calls of one context); each reader's card
// connection gets a transport of its own.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "carta/apdu/pcsc_transport.hpp"
#include "carta/apdu/transport.hpp"

namespace carta::pkcs11 {

class ReaderMonitor {
  public:
    virtual ~ReaderMonitor() = default;
    // Every reader and whether (which) card is in it. Throws
    // apdu::TransportError(ServiceGone) while the reader service is down.
    virtual std::vector<apdu::ReaderState> reader_states() = 0;
    // Whether anything changed since the last reader_states() or wait; blocks up
    // to `timeout` for a change. False when cancel() was called.
    virtual bool wait_for_change(std::chrono::milliseconds timeout) = 0;
    // Wakes a wait_for_change from another thread.
    virtual void cancel() = 0;
};

class ReaderSystem {
  public:
    virtual ~ReaderSystem() = default;
    // Throws apdu::TransportError(ServiceGone) if the service cannot be reached.
    virtual std::unique_ptr<ReaderMonitor> monitor() = 0;
    // A connection to the card in `reader` (throws apdu::TransportError).
    virtual std::unique_ptr<apdu::Transport> connect(const std::string& reader) = 0;
};

// PC/SC through libpcsclite.
std::shared_ptr<ReaderSystem> pcsc_reader_system();

// The system the next C_Initialize uses: PC/SC unless a test linking the
// module's code in-process said otherwise (nullptr: PC/SC again). Not reachable
// from outside the shared object: only C_* functions are exported.
void use_reader_system(std::shared_ptr<ReaderSystem> system);
std::shared_ptr<ReaderSystem> reader_system();

}  // namespace carta::pkcs11
