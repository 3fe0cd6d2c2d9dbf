// CardAcquireContext, the DLL's one export, and CardDeleteContext: the context's
// life, and the function table. Entries carta does not implement get a typed stub
// that answers SCARD_E_UNSUPPORTED_FEATURE (a NULL slot would crash a CSP that calls
// it without checking).
#include <memory>
#include <mutex>

#include "carta/minidriver/minidriver.h"
#include "context.hpp"
#include "csp_transport.hpp"
#include "entries.hpp"

namespace carta::md {

namespace {

template <typename Function>
struct Unsupported;
template <typename... Args>
struct Unsupported<Dword(CARTA_MD_API*)(Args...)> {
    static Dword CARTA_MD_API call(Args...) { return rc::kUnsupportedFeature; }
};
template <typename Function>
void unsupported(Function& slot) {
    slot = &Unsupported<Function>::call;
}

void fill_table(CardData& d) {
    d.pfnCardDeleteContext = CardDeleteContext;
    d.pfnCardQueryCapabilities = CardQueryCapabilities;
    unsupported(d.pfnCardDeleteContainer);
    unsupported(d.pfnCardCreateContainer);
    d.pfnCardGetContainerInfo = CardGetContainerInfo;
    d.pfnCardAuthenticatePin = CardAuthenticatePin;
    unsupported(d.pfnCardGetChallenge);
    unsupported(d.pfnCardAuthenticateChallenge);
    unsupported(d.pfnCardUnblockPin);
    unsupported(d.pfnCardChangeAuthenticator);
    d.pfnCardDeauthenticate = CardDeauthenticate;
    unsupported(d.pfnCardCreateDirectory);
    unsupported(d.pfnCardDeleteDirectory);
    d.pvUnused3 = nullptr;
    d.pvUnused4 = nullptr;
    unsupported(d.pfnCardCreateFile);
    d.pfnCardReadFile = CardReadFile;
    unsupported(d.pfnCardWriteFile);
    unsupported(d.pfnCardDeleteFile);
    d.pfnCardEnumFiles = CardEnumFiles;
    d.pfnCardGetFileInfo = CardGetFileInfo;
    d.pfnCardQueryFreeSpace = CardQueryFreeSpace;
    d.pfnCardQueryKeySizes = CardQueryKeySizes;
    d.pfnCardSignData = CardSignData;
    d.pfnCardRSADecrypt = CardRSADecrypt;
    unsupported(d.pfnCardConstructDHAgreement);
    unsupported(d.pfnCardDeriveKey);
    unsupported(d.pfnCardDestroyDHAgreement);
    unsupported(d.pfnCardGetChallengeEx);
    d.pfnCardAuthenticateEx = CardAuthenticateEx;
    d.pfnCardChangeAuthenticatorEx = CardChangeAuthenticatorEx;
    d.pfnCardDeauthenticateEx = CardDeauthenticateEx;
    d.pfnCardGetContainerProperty = CardGetContainerProperty;
    unsupported(d.pfnCardSetContainerProperty);
    d.pfnCardGetProperty = CardGetProperty;
    d.pfnCardSetProperty = CardSetProperty;
    if (d.dwVersion >= version::kSeven) {  // a v6 CSP's structure ends before these
        unsupported(d.pfnMDImportSessionKey);
        unsupported(d.pfnMDEncryptData);
        unsupported(d.pfnCardImportSessionKey);
        unsupported(d.pfnCardGetSharedKeyHandle);
        unsupported(d.pfnCardGetAlgorithmProperty);
        unsupported(d.pfnCardGetKeyProperty);
        unsupported(d.pfnCardSetKeyProperty);
        unsupported(d.pfnCardDestroyKey);
        unsupported(d.pfnCardProcessEncryptedData);
        unsupported(d.pfnCardCreateContainerEx);
    }
}

}  // namespace

Dword CARTA_MD_API CardDeleteContext(CardData* data) {
    return guarded([&] {
        require(data != nullptr);
        // The CSP serialises this with every other call on the context.
        delete static_cast<Context*>(data->pvVendorSpecific);
        data->pvVendorSpecific = nullptr;
    });
}

}  // namespace carta::md

extern "C" CARTA_MD_EXPORT carta::md::Dword CARTA_MD_API CardAcquireContext(carta::md::CardData* data,
                                                                            carta::md::Dword flags) {
    using namespace carta::md;
    return guarded([&] {
        require(data != nullptr && flags == 0);
        require(data->pfnCspAlloc != nullptr && data->pfnCspReAlloc != nullptr &&
                data->pfnCspFree != nullptr);
        require(data->pbAtr != nullptr && data->cbAtr > 0);
        if (data->dwVersion < version::kMinimum) fail(rc::kRevisionMismatch);
        if (data->dwVersion > version::kSeven) data->dwVersion = version::kSeven;
        auto context = std::make_unique<Context>(*data, make_transport(*data));
        // One look at the card now: a card that is not carta's answers its SELECT with
        // 6A82, and the CSP hears at once that this minidriver cannot serve it.
        try {
            context->refresh();
        } catch (const carta::card::CardError& e) {
            if (e.kind() == carta::card::ErrorKind::NotFound) fail(rc::kUnknownCard);
            throw;
        }
        fill_table(*data);
        data->pvVendorSpecific = context.release();
    });
}
