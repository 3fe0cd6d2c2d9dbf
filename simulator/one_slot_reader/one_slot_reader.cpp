// A pcscd reader driver that is vsmartcard's vpcd with one slot instead of two.
//
// vpcd is built with two slots per reader (a compile-time constant of the
// Debian package), so every simulated card came with a second, always-empty
// reader ("carta-sim 00 01") that PKCS#11 clients such as Thunderbird list as
// extra slots. pcscd asks a driver how many slots it has through
// IFDHGetCapabilities(TAG_IFD_SLOTS_NUMBER) and makes one reader per slot: this
// driver answers 1 and hands every other call to vpcd unchanged.
//
// The real driver is loaded from this library's own directory, under the name
// libifdvpcd.so (scripts/simcard puts a private copy of each side by side).
#include <dlfcn.h>

// pcsc-lite's driver header declares the IFDH* functions without C linkage.
extern "C" {
#include <ifdhandler.h>
}

#include <cstdio>
#include <string>

namespace {

struct Vpcd {
    void* library = nullptr;
    decltype(&IFDHCreateChannelByName) create_channel_by_name = nullptr;
    decltype(&IFDHCreateChannel) create_channel = nullptr;
    decltype(&IFDHCloseChannel) close_channel = nullptr;
    decltype(&IFDHGetCapabilities) get_capabilities = nullptr;
    decltype(&IFDHSetCapabilities) set_capabilities = nullptr;
    decltype(&IFDHSetProtocolParameters) set_protocol_parameters = nullptr;
    decltype(&IFDHPowerICC) power_icc = nullptr;
    decltype(&IFDHTransmitToICC) transmit_to_icc = nullptr;
    decltype(&IFDHControl) control = nullptr;
    decltype(&IFDHICCPresence) icc_presence = nullptr;
    bool complete() const {
        return create_channel_by_name && create_channel && close_channel && get_capabilities &&
               set_capabilities && set_protocol_parameters && power_icc && transmit_to_icc && control &&
               icc_presence;
    }
};

std::string own_directory() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&own_directory), &info) == 0 || info.dli_fname == nullptr) return ".";
    const std::string path = info.dli_fname;
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? "." : path.substr(0, slash);
}

template <typename F>
void bind(void* library, F& function, const char* name) {
    function = reinterpret_cast<F>(dlsym(library, name));
}

Vpcd load() {
    Vpcd vpcd;
    const std::string path = own_directory() + "/libifdvpcd.so";
    // DEEPBIND: vpcd's calls to its own IFDH* functions must not land here.
    vpcd.library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (vpcd.library == nullptr) {
        std::fprintf(stderr, "carta one-slot reader: cannot load %s: %s\n", path.c_str(), dlerror());
        return vpcd;
    }
    bind(vpcd.library, vpcd.create_channel_by_name, "IFDHCreateChannelByName");
    bind(vpcd.library, vpcd.create_channel, "IFDHCreateChannel");
    bind(vpcd.library, vpcd.close_channel, "IFDHCloseChannel");
    bind(vpcd.library, vpcd.get_capabilities, "IFDHGetCapabilities");
    bind(vpcd.library, vpcd.set_capabilities, "IFDHSetCapabilities");
    bind(vpcd.library, vpcd.set_protocol_parameters, "IFDHSetProtocolParameters");
    bind(vpcd.library, vpcd.power_icc, "IFDHPowerICC");
    bind(vpcd.library, vpcd.transmit_to_icc, "IFDHTransmitToICC");
    bind(vpcd.library, vpcd.control, "IFDHControl");
    bind(vpcd.library, vpcd.icc_presence, "IFDHICCPresence");
    if (!vpcd.complete())
        std::fprintf(stderr, "carta one-slot reader: %s lacks IFDH functions\n", path.c_str());
    return vpcd;
}

// nullptr when vpcd could not be loaded: every call then fails as a dead reader would.
const Vpcd* vpcd() {
    static const Vpcd loaded = load();
    return loaded.complete() ? &loaded : nullptr;
}

}  // namespace

extern "C" {

RESPONSECODE IFDHCreateChannelByName(DWORD Lun, LPSTR DeviceName) {
    return vpcd() ? vpcd()->create_channel_by_name(Lun, DeviceName) : IFD_COMMUNICATION_ERROR;
}

RESPONSECODE IFDHCreateChannel(DWORD Lun, DWORD Channel) {
    return vpcd() ? vpcd()->create_channel(Lun, Channel) : IFD_COMMUNICATION_ERROR;
}

RESPONSECODE IFDHCloseChannel(DWORD Lun) {
    return vpcd() ? vpcd()->close_channel(Lun) : IFD_COMMUNICATION_ERROR;
}

RESPONSECODE IFDHGetCapabilities(DWORD Lun, DWORD Tag, PDWORD Length, PUCHAR Value) {
    if (Tag == TAG_IFD_SLOTS_NUMBER) {
        if (Length == nullptr || Value == nullptr || *Length < 1) return IFD_ERROR_INSUFFICIENT_BUFFER;
        *Length = 1;
        Value[0] = 1;
        return IFD_SUCCESS;
    }
    return vpcd() ? vpcd()->get_capabilities(Lun, Tag, Length, Value) : IFD_COMMUNICATION_ERROR;
}

RESPONSECODE IFDHSetCapabilities(DWORD Lun, DWORD Tag, DWORD Length, PUCHAR Value) {
    return vpcd() ? vpcd()->set_capabilities(Lun, Tag, Length, Value) : IFD_COMMUNICATION_ERROR;
}

RESPONSECODE IFDHSetProtocolParameters(DWORD Lun, DWORD Protocol, UCHAR Flags, UCHAR PTS1, UCHAR PTS2,
                                       UCHAR PTS3) {
    return vpcd() ? vpcd()->set_protocol_parameters(Lun, Protocol, Flags, PTS1, PTS2, PTS3)
                  : IFD_COMMUNICATION_ERROR;
}

RESPONSECODE IFDHPowerICC(DWORD Lun, DWORD Action, PUCHAR Atr, PDWORD AtrLength) {
    return vpcd() ? vpcd()->power_icc(Lun, Action, Atr, AtrLength) : IFD_COMMUNICATION_ERROR;
}

RESPONSECODE IFDHTransmitToICC(DWORD Lun, SCARD_IO_HEADER SendPci, PUCHAR TxBuffer, DWORD TxLength,
                               PUCHAR RxBuffer, PDWORD RxLength, PSCARD_IO_HEADER RecvPci) {
    return vpcd() ? vpcd()->transmit_to_icc(Lun, SendPci, TxBuffer, TxLength, RxBuffer, RxLength, RecvPci)
                  : IFD_COMMUNICATION_ERROR;
}

RESPONSECODE IFDHControl(DWORD Lun, DWORD dwControlCode, PUCHAR TxBuffer, DWORD TxLength, PUCHAR RxBuffer,
                         DWORD RxLength, LPDWORD pdwBytesReturned) {
    return vpcd()
               ? vpcd()->control(Lun, dwControlCode, TxBuffer, TxLength, RxBuffer, RxLength, pdwBytesReturned)
               : IFD_COMMUNICATION_ERROR;
}

RESPONSECODE IFDHICCPresence(DWORD Lun) {
    return vpcd() ? vpcd()->icc_presence(Lun) : IFD_COMMUNICATION_ERROR;
}

}  // extern "C"
