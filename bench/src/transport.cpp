#include "transport.hpp"

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include <cstdio>
#include <stdexcept>

#include "measure.hpp"

namespace carta::bench {

namespace {

void pcsc_check(LONG rv, const char* what) {
    if (rv == SCARD_S_SUCCESS) return;
    throw std::runtime_error(std::string(what) + ": " + pcsc_stringify_error(rv));
}

class Context {
  public:
    Context() {
        pcsc_check(SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context_),
                   "SCardEstablishContext");
    }
    ~Context() { SCardReleaseContext(context_); }
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
    SCARDCONTEXT get() const { return context_; }

  private:
    SCARDCONTEXT context_ = 0;
};

}  // namespace

TransportResult measure_transport(const std::string& reader, int warmup, int count) {
    Context context;
    SCARDHANDLE card = 0;
    DWORD protocol = 0;
    pcsc_check(SCardConnect(context.get(), reader.c_str(), SCARD_SHARE_SHARED,
                            SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &card, &protocol),
               ("SCardConnect to '" + reader + "'").c_str());
    const SCARD_IO_REQUEST* pci = protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    const BYTE command[] = {0x00, 0x84, 0x00, 0x00, 0x08};  // GET CHALLENGE, 8 bytes

    TransportResult result;
    result.reader = reader;
    result.apdu = "00 84 00 00 08";
    result.round_trips.reserve(count);
    try {
        for (int i = 0; i < warmup + count; ++i) {
            BYTE response[258];
            DWORD length = sizeof response;
            const auto start = Clock::now();
            pcsc_check(SCardTransmit(card, pci, command, sizeof command, nullptr, response, &length),
                       "SCardTransmit");
            const double elapsed = seconds_since(start);
            if (length != 10 || response[8] != 0x90 || response[9] != 0x00) {
                char sw[8];
                std::snprintf(sw, sizeof sw, "%02X%02X", length >= 2 ? response[length - 2] : 0,
                              length >= 2 ? response[length - 1] : 0);
                throw std::runtime_error(std::string("GET CHALLENGE answered SW ") + sw);
            }
            if (i >= warmup) result.round_trips.push_back(elapsed);
        }
    } catch (...) {
        SCardDisconnect(card, SCARD_LEAVE_CARD);
        throw;
    }
    SCardDisconnect(card, SCARD_LEAVE_CARD);
    return result;
}

}  // namespace carta::bench
