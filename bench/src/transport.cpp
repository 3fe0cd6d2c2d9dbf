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

class Card {
  public:
    Card(const Context& context, const std::string& reader) {
        DWORD protocol = 0;
        pcsc_check(SCardConnect(context.get(), reader.c_str(), SCARD_SHARE_SHARED,
                                SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &card_, &protocol),
                   ("SCardConnect to '" + reader + "'").c_str());
        pci_ = protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    }
    ~Card() { SCardDisconnect(card_, SCARD_LEAVE_CARD); }
    Card(const Card&) = delete;
    Card& operator=(const Card&) = delete;

    // The response without its status word; throws unless the SW is 9000.
    std::vector<BYTE> transmit(const std::vector<BYTE>& command, const char* what) {
        std::vector<BYTE> response(258 + 2);
        DWORD length = static_cast<DWORD>(response.size());
        pcsc_check(SCardTransmit(card_, pci_, command.data(), static_cast<DWORD>(command.size()), nullptr,
                                 response.data(), &length),
                   "SCardTransmit");
        if (length < 2 || response[length - 2] != 0x90 || response[length - 1] != 0x00) {
            char sw[8];
            std::snprintf(sw, sizeof sw, "%02X%02X", length >= 2 ? response[length - 2] : 0,
                          length >= 2 ? response[length - 1] : 0);
            throw std::runtime_error(std::string(what) + " answered SW " + sw);
        }
        response.resize(length - 2);
        return response;
    }

  private:
    SCARDHANDLE card_ = 0;
    const SCARD_IO_REQUEST* pci_ = nullptr;
};

}  // namespace

CardFloorResult measure_card_floor(const std::string& reader, const std::string& pin, std::uint8_t key_ref,
                                   int verifies, int signatures) {
    if (pin.size() < 4 || pin.size() > 16)
        throw std::runtime_error("card floor: the PIN must have 4 to 16 bytes");
    Context context;
    Card card(context, reader);
    card.transmit({0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xA0, 0x00, 0x00, 0x01, 0x67, 0x45, 0x53, 0x49, 0x47, 0x4F},
                  "SELECT common profile");
    std::vector<BYTE> verify{0x00, 0x20, 0x00, 0x83, 0x10};
    verify.insert(verify.end(), pin.begin(), pin.end());
    verify.resize(5 + 16, 0x00);
    const std::vector<BYTE> mse{0x00, 0x22, 0x81, 0xB6, 0x06, 0x80, 0x01, 0x42, 0x84, 0x01, key_ref};
    std::vector<BYTE> hash{0x00, 0x2A, 0x90, 0xA0, 0x22, 0x90, 0x20};
    for (BYTE i = 0; i < 32; ++i) hash.push_back(static_cast<BYTE>(0xA0 ^ i));  // any 32 bytes
    const std::vector<BYTE> cds{0x00, 0x2A, 0x9E, 0x9A, 0x00};

    CardFloorResult result;
    for (int i = 0; i <= verifies; ++i) {  // the first one untimed
        const auto start = Clock::now();
        card.transmit(verify, "VERIFY");
        if (i > 0) result.verify.push_back(seconds_since(start));
    }
    for (int i = 0; i <= signatures; ++i) {
        const auto start = Clock::now();
        card.transmit(mse, "MSE:SET");
        card.transmit(hash, "PSO:HASH");
        if (card.transmit(cds, "PSO:CDS").size() != 256)
            throw std::runtime_error("PSO:CDS: not an RSA-2048 signature");
        if (i > 0) result.signature.push_back(seconds_since(start));
    }
    // Leave the card as found: PIN state reset.
    card.transmit({0x00, 0x20, 0xFF, 0x83}, "VERIFY (log out)");
    return result;
}

TransportResult measure_transport(const std::string& reader, int warmup, int count) {
    Context context;
    Card card(context, reader);
    const std::vector<BYTE> command{0x00, 0x84, 0x00, 0x00, 0x08};  // GET CHALLENGE, 8 bytes
    TransportResult result;
    result.reader = reader;
    result.apdu = "00 84 00 00 08";
    result.round_trips.reserve(count);
    for (int i = 0; i < warmup + count; ++i) {
        const auto start = Clock::now();
        const auto challenge = card.transmit(command, "GET CHALLENGE");
        const double elapsed = seconds_since(start);
        if (challenge.size() != 8) throw std::runtime_error("GET CHALLENGE: not 8 bytes");
        if (i >= warmup) result.round_trips.push_back(elapsed);
    }
    return result;
}

}  // namespace carta::bench
