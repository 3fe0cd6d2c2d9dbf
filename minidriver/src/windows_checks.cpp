// Compiled into the Windows DLL only, and only for what it checks: carta's own
// declarations (v7.hpp) against what mingw-w64's headers know of the same interface.
// mingw's cardmod.h stops at version 5 and is a partial reconstruction (its CARD_PADDING_*
// values say NONE 0, PKCS1 1; Windows' are 1, 2, PSS 4, OAEP 8; its CARD_KEY_SIZES has no
// default size), so only what it has right is compared; the v6/v7 parts are checked by
// v7.hpp's own size asserts.
// windows.h before the headers that need its types.
// clang-format off
#include <windows.h>
#include <bcrypt.h>
#include <wincrypt.h>
#include <winscard.h>
#include <cardmod.h>
// clang-format on

#include <cstddef>

#include "carta/minidriver/v7.hpp"

namespace carta::md {

#define CARTA_SAME_LAYOUT(ours, theirs)                     \
    static_assert(sizeof(ours) == sizeof(theirs), #theirs); \
    static_assert(alignof(ours) == alignof(theirs), #theirs)
#define CARTA_SAME_OFFSET(ours, theirs, field, their_field) \
    static_assert(offsetof(ours, field) == offsetof(theirs, their_field), #theirs "." #their_field)

CARTA_SAME_LAYOUT(CardSigningInfo, CARD_SIGNING_INFO);
CARTA_SAME_OFFSET(CardSigningInfo, CARD_SIGNING_INFO, pbData, pbData);
CARTA_SAME_OFFSET(CardSigningInfo, CARD_SIGNING_INFO, pPaddingInfo, pPaddingInfo);
CARTA_SAME_OFFSET(CardSigningInfo, CARD_SIGNING_INFO, dwPaddingType, dwPaddingType);
CARTA_SAME_LAYOUT(CardCapabilities, CARD_CAPABILITIES);
CARTA_SAME_LAYOUT(ContainerInfo, CONTAINER_INFO);
CARTA_SAME_OFFSET(ContainerInfo, CONTAINER_INFO, pbKeyExPublicKey, pbKeyExPublicKey);
CARTA_SAME_LAYOUT(CardFileInfo, CARD_FILE_INFO);
CARTA_SAME_LAYOUT(CardFreeSpaceInfo, CARD_FREE_SPACE_INFO);
// Not CARD_KEY_SIZES: mingw's lacks dwDefaultBitlen (the real one has it, after the minimum).
CARTA_SAME_OFFSET(CardRsaDecryptInfo, CARD_RSA_DECRYPT_INFO, pbData, pbData);
CARTA_SAME_OFFSET(CardRsaDecryptInfo, CARD_RSA_DECRYPT_INFO, cbData, cbData);
// CARD_DATA up to version 5's end: every member carta reads or fills at its place.
CARTA_SAME_OFFSET(CardData, CARD_DATA, pbAtr, pbAtr);
CARTA_SAME_OFFSET(CardData, CARD_DATA, pfnCspAlloc, pfnCspAlloc);
CARTA_SAME_OFFSET(CardData, CARD_DATA, pfnCspFree, pfnCspFree);
CARTA_SAME_OFFSET(CardData, CARD_DATA, hScard, hScard);
CARTA_SAME_OFFSET(CardData, CARD_DATA, pvVendorSpecific, pvVendorSpecific);
CARTA_SAME_OFFSET(CardData, CARD_DATA, pfnCardDeleteContext, pfnCardDeleteContext);
CARTA_SAME_OFFSET(CardData, CARD_DATA, pfnCardReadFile, pfnCardReadFile);
CARTA_SAME_OFFSET(CardData, CARD_DATA, pfnCardSignData, pfnCardSignData);
CARTA_SAME_OFFSET(CardData, CARD_DATA, pfnCardRSADecrypt, pfnCardRSADecrypt);
CARTA_SAME_OFFSET(CardData, CARD_DATA, pfnCspGetDHAgreement, pfnCspGetDHAgreement);
static_assert(offsetof(CardData, pfnCardGetChallengeEx) == sizeof(CARD_DATA), "v6 starts where v5 ends");

CARTA_SAME_LAYOUT(Pkcs1PaddingInfo, BCRYPT_PKCS1_PADDING_INFO);
CARTA_SAME_LAYOUT(PssPaddingInfo, BCRYPT_PSS_PADDING_INFO);
CARTA_SAME_LAYOUT(OaepPaddingInfo, BCRYPT_OAEP_PADDING_INFO);
CARTA_SAME_OFFSET(OaepPaddingInfo, BCRYPT_OAEP_PADDING_INFO, cbLabel, cbLabel);

static_assert(calg::kMd5 == CALG_MD5 && calg::kSha1 == CALG_SHA1 && calg::kSslShaMd5 == CALG_SSL3_SHAMD5);
static_assert(calg::kSha256 == CALG_SHA_256 && calg::kSha384 == CALG_SHA_384 &&
              calg::kSha512 == CALG_SHA_512);
static_assert(calg::kRsaKeyExchange == CALG_RSA_KEYX);
static_assert(kAtKeyExchange == AT_KEYEXCHANGE && kAtSignature == AT_SIGNATURE);
static_assert(kNoHashOid == CRYPT_NOHASHOID);
static_assert(kPaddingInfoPresent == CARD_PADDING_INFO_PRESENT);
static_assert(access::kEveryoneReadAdminWrite == EveryoneReadAdminWriteAc);
static_assert(padding::kPss == CARD_PADDING_PSS);  // the one padding value mingw has right
static_assert(sizeof(Wchar) == sizeof(WCHAR));

}  // namespace carta::md
