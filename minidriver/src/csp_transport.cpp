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

#ifdef _WIN32
// carta's numbers (v7.hpp) are Windows' own: checked against mingw's winerror.h.
static_assert(rc::kInternalError == static_cast<Dword>(SCARD_F_INTERNAL_ERROR));
static_assert(rc::kInvalidParameter == static_cast<Dword>(SCARD_E_INVALID_PARAMETER));
static_assert(rc::kNoMemory == static_cast<Dword>(SCARD_E_NO_MEMORY));
static_assert(rc::kInsufficientBuffer == static_cast<Dword>(SCARD_E_INSUFFICIENT_BUFFER));
static_assert(rc::kTimeout == static_cast<Dword>(SCARD_E_TIMEOUT));
static_assert(rc::kSharingViolation == static_cast<Dword>(SCARD_E_SHARING_VIOLATION));
static_assert(rc::kNoSmartcard == static_cast<Dword>(SCARD_E_NO_SMARTCARD));
static_assert(rc::kUnknownCard == static_cast<Dword>(SCARD_E_UNKNOWN_CARD));
static_assert(rc::kReaderUnavailable == static_cast<Dword>(SCARD_E_READER_UNAVAILABLE));
static_assert(rc::kNoService == static_cast<Dword>(SCARD_E_NO_SERVICE));
static_assert(rc::kUnexpected == static_cast<Dword>(SCARD_E_UNEXPECTED));
static_assert(rc::kUnsupportedFeature == static_cast<Dword>(SCARD_E_UNSUPPORTED_FEATURE));
static_assert(rc::kDirNotFound == static_cast<Dword>(SCARD_E_DIR_NOT_FOUND));
static_assert(rc::kFileNotFound == static_cast<Dword>(SCARD_E_FILE_NOT_FOUND));
static_assert(rc::kNoAccess == static_cast<Dword>(SCARD_E_NO_ACCESS));
static_assert(rc::kWriteTooMany == static_cast<Dword>(SCARD_E_WRITE_TOO_MANY));
static_assert(rc::kInvalidChv == static_cast<Dword>(SCARD_E_INVALID_CHV));
static_assert(rc::kCommDataLost == static_cast<Dword>(SCARD_E_COMM_DATA_LOST));
static_assert(rc::kNoKeyContainer == static_cast<Dword>(SCARD_E_NO_KEY_CONTAINER));
static_assert(rc::kResetCard == static_cast<Dword>(SCARD_W_RESET_CARD));
static_assert(rc::kRemovedCard == static_cast<Dword>(SCARD_W_REMOVED_CARD));
static_assert(rc::kSecurityViolation == static_cast<Dword>(SCARD_W_SECURITY_VIOLATION));
static_assert(rc::kWrongChv == static_cast<Dword>(SCARD_W_WRONG_CHV));
static_assert(rc::kChvBlocked == static_cast<Dword>(SCARD_W_CHV_BLOCKED));
static_assert(rc::kBadData == static_cast<Dword>(NTE_BAD_DATA));
static_assert(rc::kBadAlgorithm == static_cast<Dword>(NTE_BAD_ALGID));
static_assert(rc::kBadLength == static_cast<Dword>(NTE_BAD_LEN));
static_assert(rc::kRevisionMismatch == static_cast<Dword>(ERROR_REVISION_MISMATCH));
#endif

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
