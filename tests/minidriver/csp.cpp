#include "csp.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace carta::md::test {

namespace {

std::atomic<long> g_live{0};
std::atomic<long> g_total{0};

void* CARTA_MD_API counting_alloc(std::size_t size) {
    ++g_live;
    ++g_total;
    return std::calloc(1, size);
}
void* CARTA_MD_API counting_realloc(void* address, std::size_t size) {
    if (!address) {
        ++g_live;
        ++g_total;
    }
    return std::realloc(address, size);
}
void CARTA_MD_API counting_free(void* address) {
    if (address) --g_live;
    std::free(address);
}

void check(LONG rv, const char* what) {
    if (rv != SCARD_S_SUCCESS) throw std::runtime_error(std::string(what) + ": " + pcsc_stringify_error(rv));
}

}  // namespace

Allocations allocations() {
    return {g_live.load(), g_total.load()};
}

Csp::Csp(const std::string& reader, Dword version) {
    check(SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context_), "SCardEstablishContext");
    DWORD protocol = 0;
    check(SCardConnect(context_, reader.c_str(), SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                       &card_, &protocol),
          "SCardConnect");
    BYTE atr[MAX_ATR_SIZE];
    DWORD atr_length = sizeof atr, state = 0, reader_length = 0;
    check(SCardStatus(card_, nullptr, &reader_length, &state, &protocol, atr, &atr_length), "SCardStatus");
    atr_.assign(atr, atr + atr_length);

    data_.dwVersion = version;
    data_.pbAtr = atr_.data();
    data_.cbAtr = static_cast<Dword>(atr_.size());
    data_.pwszCardName = name_.data();
    data_.pfnCspAlloc = counting_alloc;
    data_.pfnCspReAlloc = counting_realloc;
    data_.pfnCspFree = counting_free;
    data_.hSCardCtx = static_cast<ScardHandle>(context_);
    data_.hScard = static_cast<ScardHandle>(card_);
    acquire_status_ = transact([](CardData& d) { return CardAcquireContext(&d, 0); });
}

Csp::~Csp() {
    if (data_.pvVendorSpecific) data_.pfnCardDeleteContext(&data_);
    SCardDisconnect(card_, SCARD_LEAVE_CARD);
    SCardReleaseContext(context_);
}

void Csp::begin() {
    // A card that is gone fails here for the CSP too; the minidriver's own answer to a
    // pulled card is what the removal test asks of it, so that test calls without this.
    SCardBeginTransaction(card_);
}

void Csp::end() {
    SCardEndTransaction(card_, SCARD_LEAVE_CARD);
}

Dword Csp::read_file(const char* directory, const char* name, Bytes& out) {
    Byte* bytes = nullptr;
    Dword size = 0;
    const Dword rv = transact([&](CardData& d) {
        return d.pfnCardReadFile(&d, const_cast<char*>(directory), const_cast<char*>(name), 0, &bytes, &size);
    });
    out.clear();
    if (rv == rc::kSuccess) {
        out.assign(bytes, bytes + size);
        free(bytes);
    }
    return rv;
}

Dword Csp::enum_files(const char* directory, std::string& multi) {
    char* names = nullptr;
    Dword size = 0;
    const Dword rv = transact(
        [&](CardData& d) { return d.pfnCardEnumFiles(&d, const_cast<char*>(directory), &names, &size, 0); });
    multi.clear();
    if (rv == rc::kSuccess) {
        multi.assign(names, size);
        free(names);
    }
    return rv;
}

Dword Csp::authenticate(Dword pin_id, std::string_view pin, Dword* tries_left) {
    Bytes code(pin.begin(), pin.end());
    return transact([&](CardData& d) {
        return d.pfnCardAuthenticateEx(&d, pin_id, 0, code.data(), static_cast<Dword>(code.size()), nullptr,
                                       nullptr, tries_left);
    });
}

Dword Csp::get_property(const char16_t* name, Bytes& out, Dword flags) {
    Dword size = 0;
    Dword rv =
        transact([&](CardData& d) { return d.pfnCardGetProperty(&d, name, nullptr, 0, &size, flags); });
    if (rv != rc::kInsufficientBuffer && rv != rc::kSuccess) return rv;
    out.assign(size, 0);
    return transact(
        [&](CardData& d) { return d.pfnCardGetProperty(&d, name, out.data(), size, &size, flags); });
}

Dword Csp::container_property(Byte index, const char16_t* name, Bytes& out) {
    out.assign(64, 0);
    Dword size = 0;
    const Dword rv = transact([&](CardData& d) {
        return d.pfnCardGetContainerProperty(&d, index, name, out.data(), static_cast<Dword>(out.size()),
                                             &size, 0);
    });
    out.resize(rv == rc::kSuccess ? size : 0);
    return rv;
}

Dword Csp::sign(CardSigningInfo& info, Bytes& signature) {
    const Dword rv = transact([&](CardData& d) { return d.pfnCardSignData(&d, &info); });
    signature.clear();
    if (rv == rc::kSuccess) {
        signature.assign(info.pbSignedData, info.pbSignedData + info.cbSignedData);
        std::reverse(signature.begin(), signature.end());
        free(info.pbSignedData);
        info.pbSignedData = nullptr;
    }
    return rv;
}

Dword Csp::decrypt(Byte index, ByteView ciphertext, Dword version, Dword padding, void* padding_info,
                   Bytes& result) {
    Bytes buffer(ciphertext.rbegin(), ciphertext.rend());
    CardRsaDecryptInfo info{};
    info.dwVersion = version;
    info.bContainerIndex = index;
    info.dwKeySpec = kAtKeyExchange;
    info.pbData = buffer.data();
    info.cbData = static_cast<Dword>(buffer.size());
    info.pPaddingInfo = padding_info;
    info.dwPaddingType = padding;
    const Dword rv = transact([&](CardData& d) { return d.pfnCardRSADecrypt(&d, &info); });
    result.clear();
    if (rv == rc::kSuccess) result.assign(buffer.rend() - info.cbData, buffer.rend());
    return rv;
}

}  // namespace carta::md::test
