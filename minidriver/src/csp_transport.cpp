// SCardTransmit on the CSP's handle. The only file of the minidriver that includes a
// PC/SC header: winscard.h from mingw on Windows, pcsc-lite's on Linux (the harness),
// whose DWORD/LONG are 8 bytes: they stay inside this file.
#include "csp_transport.hpp"

#include <array>
#include <string>

#ifdef _WIN32
#include <windows.h>
#include <winscard.h>
#else
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>
#endif

namespace carta::md {

namespace {

using apdu::TransportError;

TransportError transport_error(LONG rv) {
    const auto kind = [rv] {
        switch (static_cast<Dword>(rv)) {
            case rc::kRemovedCard:
                return TransportError::Kind::CardRemoved;
            case rc::kNoSmartcard:
                return TransportError::Kind::NoCard;
            case rc::kResetCard:
                return TransportError::Kind::CardReset;
            case rc::kNoService:
            case 0x8010001E:  // SCARD_E_SERVICE_STOPPED
                return TransportError::Kind::ServiceGone;
            case rc::kReaderUnavailable:
                return TransportError::Kind::NoReader;
            case rc::kSharingViolation:
                return TransportError::Kind::Sharing;
            case rc::kTimeout:
                return TransportError::Kind::Timeout;
            default:
                return TransportError::Kind::Other;
        }
    }();
    return TransportError(kind, "SCardTransmit failed: " + std::to_string(static_cast<Dword>(rv)));
}

TransportMaker g_maker = nullptr;

}  // namespace

CspTransport::CspTransport(ScardHandle card, ByteView atr) : card_(card), atr_(atr.begin(), atr.end()) {}

Bytes CspTransport::transmit(ByteView command) {
    // Extended APDUs and their answers fit; the card's largest answer is a 4096-bit
    // signature or a certificate page.
    std::array<BYTE, 65538 + 2> answer{};
    DWORD length = answer.size();
    // The CSP connected with T=0 or T=1; the PCI of the protocol it chose is asked once
    // per command (SCardStatus is cheap and keeps no state here).
    DWORD protocol = 0, state = 0, reader_length = 0, atr_length = 0;
    LONG rv = SCardStatus(static_cast<SCARDHANDLE>(card_), nullptr, &reader_length, &state, &protocol,
                          nullptr, &atr_length);
    if (rv != SCARD_S_SUCCESS) throw transport_error(rv);
    const SCARD_IO_REQUEST* pci = protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    rv = SCardTransmit(static_cast<SCARDHANDLE>(card_), pci, command.data(),
                       static_cast<DWORD>(command.size()), nullptr, answer.data(), &length);
    if (rv != SCARD_S_SUCCESS) throw transport_error(rv);
    return Bytes(answer.begin(), answer.begin() + static_cast<std::ptrdiff_t>(length));
}

void CspTransport::reconnect() {
    throw TransportError(TransportError::Kind::CardReset, "the CSP reconnects the card, not the minidriver");
}

void set_transport_maker(TransportMaker maker) {
    g_maker = maker;
}

std::unique_ptr<apdu::Transport> make_transport(const CardData& data) {
    if (g_maker) return g_maker(data);
    return std::make_unique<CspTransport>(data.hScard, ByteView(data.pbAtr, data.pbAtr ? data.cbAtr : 0));
}

}  // namespace carta::md
