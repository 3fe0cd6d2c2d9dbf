// A client that unloads the module without C_Finalize, for pcscd_layer_test.cpp
// (Module.UnloadWithoutFinalize...): it loads the module, lets it read the card (which the
// module then keeps for CARTA_CARD_HOLD_MS), unloads it with dlclose, checks that the card is
// free at once, and lives on past the hold, when the module's thread would have given the
// card back. Exit status: 0 as expected; 2 a step failed; 3 the card still taken after the
// unload. A thread of the module left behind wakes in unmapped code: the probe dies of a
// signal.
#include <dlfcn.h>
#include <winscard.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "../../pkcs11/src/ck.hpp"

namespace {

int failed(const char* step) {
    std::fprintf(stderr, "unload probe: %s failed\n", step);
    return 2;
}

// The module reads the card: the token's description (a SELECT at least).
bool let_module_read_card(void* library) {
    auto get_list = reinterpret_cast<CK_C_GetFunctionList>(dlsym(library, "C_GetFunctionList"));
    CK_FUNCTION_LIST* p11 = nullptr;
    if (get_list == nullptr || get_list(&p11) != CKR_OK || p11->C_Initialize(nullptr) != CKR_OK) return false;
    CK_SLOT_ID slots[4];
    CK_ULONG count = 4;
    CK_TOKEN_INFO info;
    return p11->C_GetSlotList(CK_TRUE, slots, &count) == CKR_OK && count > 0 &&
           p11->C_GetTokenInfo(slots[0], &info) == CKR_OK;
}

// Another user of the card: an APDU outside any transaction goes through only if no
// transaction of anybody holds the card (else SCARD_E_SHARING_VIOLATION).
LONG send_apdu_without_transaction() {
    SCARDCONTEXT context = 0;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context);
    if (rv != SCARD_S_SUCCESS) return rv;
    char readers[1024];
    DWORD length = sizeof readers;
    SCARDHANDLE card = 0;
    DWORD protocol = 0;
    rv = SCardListReaders(context, nullptr, readers, &length);
    if (rv == SCARD_S_SUCCESS)
        rv = SCardConnect(context, readers, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &card,
                          &protocol);
    if (rv == SCARD_S_SUCCESS) {
        const BYTE get_challenge[] = {0x00, 0x84, 0x00, 0x00, 0x08};
        BYTE answer[64];
        DWORD answer_length = sizeof answer;
        const SCARD_IO_REQUEST* pci = protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
        rv = SCardTransmit(card, pci, get_challenge, sizeof get_challenge, nullptr, answer, &answer_length);
        SCardDisconnect(card, SCARD_LEAVE_CARD);
    }
    SCardReleaseContext(context);
    return rv;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) return failed("usage: carta_pkcs11_unload_probe MODULE");
    const char* hold_text = std::getenv("CARTA_CARD_HOLD_MS");
    const long hold_ms = hold_text != nullptr ? std::atol(hold_text) : 250;
    void* library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) return failed("dlopen");
    if (!let_module_read_card(library)) return failed("C_Initialize + C_GetTokenInfo");
    if (dlclose(library) != 0) return failed("dlclose");
    const LONG rv = send_apdu_without_transaction();
    if (rv != SCARD_S_SUCCESS) {
        std::fprintf(stderr, "unload probe: the card after the unload: %s\n", pcsc_stringify_error(rv));
        return 3;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2 * hold_ms + 200));
    return 0;
}
