// carta's own declarations of the Smart Card Minidriver interface, version 7: the
// structures the Base CSP / Smart Card KSP hand a minidriver, its function table, and
// the constants carta uses. Written from the public specification's facts, with
// fixed-width types, so that the same header serves the Windows DLL (mingw's
// cardmod.h stops at version 5) and the Linux harness, where pcsc-lite's DWORD is
// 8 bytes and must not appear here. The layout is checked below for x64 and i686.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(_WIN32) && !defined(_WIN64)
#define CARTA_MD_API __stdcall  // WINAPI: the 32-bit CSP calls with stdcall
#else
#define CARTA_MD_API
#endif

namespace carta::md {

using Dword = std::uint32_t;  // Windows DWORD, ULONG, ALG_ID, BOOL and enums: 4 bytes
using Word = std::uint16_t;
using Byte = std::uint8_t;
using Wchar = char16_t;              // Windows WCHAR: UTF-16 code unit
using ScardHandle = std::uintptr_t;  // SCARDCONTEXT / SCARDHANDLE: ULONG_PTR

struct CardData;

// Callbacks the CSP offers.
using CspAlloc = void*(CARTA_MD_API*)(std::size_t size);
using CspReAlloc = void*(CARTA_MD_API*)(void* address, std::size_t size);
using CspFree = void(CARTA_MD_API*)(void* address);
using AnyFunction = void*;  // callbacks and entry points carta never calls or fills with a typed stub

// Entry points carta implements (the others are filled with typed stubs of their own).
using Entry = Dword(CARTA_MD_API*)(CardData*);

struct CardCapabilities {
    Dword dwVersion;
    Dword fCertificateCompression;  // BOOL
    Dword fKeyGen;                  // BOOL
};

struct ContainerInfo {
    Dword dwVersion;
    Dword dwReserved;
    Dword cbSigPublicKey;
    Byte* pbSigPublicKey;
    Dword cbKeyExPublicKey;
    Byte* pbKeyExPublicKey;
};

struct CardFileInfo {
    Dword dwVersion;
    Dword cbFileSize;
    Dword AccessCondition;
};

struct CardFreeSpaceInfo {
    Dword dwVersion;
    Dword dwBytesAvailable;
    Dword dwKeyContainersAvailable;
    Dword dwMaxKeyContainers;
};

struct CardKeySizes {
    Dword dwVersion;
    Dword dwMinimumBitlen;
    Dword dwDefaultBitlen;  // before the maximum, unlike the field names' usual order
    Dword dwMaximumBitlen;
    Dword dwIncrementalBitlen;
};

struct CardSigningInfo {
    Dword dwVersion;
    Byte bContainerIndex;
    Dword dwKeySpec;
    Dword dwSigningFlags;
    Dword aiHashAlg;  // ALG_ID
    Byte* pbData;
    Dword cbData;
    Byte* pbSignedData;  // allocated by the minidriver with pfnCspAlloc
    Dword cbSignedData;
    void* pPaddingInfo;
    Dword dwPaddingType;
};

struct CardRsaDecryptInfo {
    Dword dwVersion;
    Byte bContainerIndex;
    Dword dwKeySpec;
    Byte* pbData;  // in: ciphertext, out: the result, both little-endian
    Dword cbData;
    void* pPaddingInfo;  // version 2
    Dword dwPaddingType;
};

struct PinCachePolicyInfo {
    Dword dwVersion;
    Dword PinCachePolicyType;
    Dword dwPinCachePolicyInfo;
};

struct PinInfo {
    Dword dwVersion;
    Dword PinType;
    Dword PinPurpose;
    Dword dwChangePermission;  // PIN_SET
    Dword dwUnblockPermission;
    PinCachePolicyInfo PinCachePolicy;
    Dword dwFlags;
};

#pragma pack(push, 1)
// cmapfile's records are packed: 86 bytes on every architecture.
struct ContainerMapRecord {
    Wchar wszGuid[40];
    Byte bFlags;
    Byte bReserved;
    Word wSigKeySizeBits;
    Word wKeyExchangeKeySizeBits;
};
// cardcf.
struct CardCacheFile {
    Byte bVersion;
    Byte bPinsFreshness;
    Word wContainersFreshness;
    Word wFilesFreshness;
};
#pragma pack(pop)

// CNG's padding descriptions (bcrypt.h), as CardSignData / CardRSADecrypt receive them.
struct Pkcs1PaddingInfo {
    const Wchar* pszAlgId;
};
struct PssPaddingInfo {
    const Wchar* pszAlgId;
    Dword cbSalt;
};
struct OaepPaddingInfo {
    const Wchar* pszAlgId;
    Byte* pbLabel;
    Dword cbLabel;
};

struct CardData {
    Dword dwVersion;
    Byte* pbAtr;
    Dword cbAtr;
    Wchar* pwszCardName;
    CspAlloc pfnCspAlloc;
    CspReAlloc pfnCspReAlloc;
    CspFree pfnCspFree;
    AnyFunction pfnCspCacheAddFile;
    AnyFunction pfnCspCacheLookupFile;
    AnyFunction pfnCspCacheDeleteFile;
    void* pvCacheContext;
    AnyFunction pfnCspPadData;
    ScardHandle hSCardCtx;
    ScardHandle hScard;
    void* pvVendorSpecific;
    // The function table the minidriver fills (typed where carta implements the entry).
    Dword(CARTA_MD_API* pfnCardDeleteContext)(CardData*);
    Dword(CARTA_MD_API* pfnCardQueryCapabilities)(CardData*, CardCapabilities*);
    Dword(CARTA_MD_API* pfnCardDeleteContainer)(CardData*, Byte, Dword);
    Dword(CARTA_MD_API* pfnCardCreateContainer)(CardData*, Byte, Dword, Dword, Dword, Byte*);
    Dword(CARTA_MD_API* pfnCardGetContainerInfo)(CardData*, Byte, Dword, ContainerInfo*);
    Dword(CARTA_MD_API* pfnCardAuthenticatePin)(CardData*, Wchar*, Byte*, Dword, Dword*);
    Dword(CARTA_MD_API* pfnCardGetChallenge)(CardData*, Byte**, Dword*);
    Dword(CARTA_MD_API* pfnCardAuthenticateChallenge)(CardData*, Byte*, Dword, Dword*);
    Dword(CARTA_MD_API* pfnCardUnblockPin)(CardData*, Wchar*, Byte*, Dword, Byte*, Dword, Dword, Dword);
    Dword(CARTA_MD_API* pfnCardChangeAuthenticator)(CardData*, Wchar*, Byte*, Dword, Byte*, Dword, Dword,
                                                    Dword, Dword*);
    Dword(CARTA_MD_API* pfnCardDeauthenticate)(CardData*, Wchar*, Dword);
    Dword(CARTA_MD_API* pfnCardCreateDirectory)(CardData*, char*, Dword);
    Dword(CARTA_MD_API* pfnCardDeleteDirectory)(CardData*, char*);
    void* pvUnused3;
    void* pvUnused4;
    Dword(CARTA_MD_API* pfnCardCreateFile)(CardData*, char*, char*, Dword, Dword);
    Dword(CARTA_MD_API* pfnCardReadFile)(CardData*, char*, char*, Dword, Byte**, Dword*);
    Dword(CARTA_MD_API* pfnCardWriteFile)(CardData*, char*, char*, Dword, Byte*, Dword);
    Dword(CARTA_MD_API* pfnCardDeleteFile)(CardData*, char*, char*, Dword);
    Dword(CARTA_MD_API* pfnCardEnumFiles)(CardData*, char*, char**, Dword*, Dword);
    Dword(CARTA_MD_API* pfnCardGetFileInfo)(CardData*, char*, char*, CardFileInfo*);
    Dword(CARTA_MD_API* pfnCardQueryFreeSpace)(CardData*, Dword, CardFreeSpaceInfo*);
    Dword(CARTA_MD_API* pfnCardQueryKeySizes)(CardData*, Dword, Dword, CardKeySizes*);
    Dword(CARTA_MD_API* pfnCardSignData)(CardData*, CardSigningInfo*);
    Dword(CARTA_MD_API* pfnCardRSADecrypt)(CardData*, CardRsaDecryptInfo*);
    Dword(CARTA_MD_API* pfnCardConstructDHAgreement)(CardData*, void*);
    // version 5
    Dword(CARTA_MD_API* pfnCardDeriveKey)(CardData*, void*);
    Dword(CARTA_MD_API* pfnCardDestroyDHAgreement)(CardData*, Byte, Dword);
    AnyFunction pfnCspGetDHAgreement;  // the CSP's
    // version 6
    Dword(CARTA_MD_API* pfnCardGetChallengeEx)(CardData*, Dword, Byte**, Dword*, Dword);
    Dword(CARTA_MD_API* pfnCardAuthenticateEx)(CardData*, Dword, Dword, Byte*, Dword, Byte**, Dword*, Dword*);
    Dword(CARTA_MD_API* pfnCardChangeAuthenticatorEx)(CardData*, Dword, Dword, Byte*, Dword, Dword, Byte*,
                                                      Dword, Dword, Dword*);
    Dword(CARTA_MD_API* pfnCardDeauthenticateEx)(CardData*, Dword, Dword);
    Dword(CARTA_MD_API* pfnCardGetContainerProperty)(CardData*, Byte, const Wchar*, Byte*, Dword, Dword*,
                                                     Dword);
    Dword(CARTA_MD_API* pfnCardSetContainerProperty)(CardData*, Byte, const Wchar*, Byte*, Dword, Dword);
    Dword(CARTA_MD_API* pfnCardGetProperty)(CardData*, const Wchar*, Byte*, Dword, Dword*, Dword);
    Dword(CARTA_MD_API* pfnCardSetProperty)(CardData*, const Wchar*, Byte*, Dword, Dword);
    AnyFunction pfnCspUnpadData;  // the CSP's
    // version 7
    Dword(CARTA_MD_API* pfnMDImportSessionKey)(CardData*, const Wchar*, const Wchar*, std::uintptr_t*, Byte*,
                                               Dword);
    Dword(CARTA_MD_API* pfnMDEncryptData)(CardData*, std::uintptr_t, const Wchar*, Byte*, Dword, Dword,
                                          void**, Dword*);
    Dword(CARTA_MD_API* pfnCardImportSessionKey)(CardData*, Byte, void*, const Wchar*, const Wchar*,
                                                 std::uintptr_t*, Byte*, Dword, Dword);
    Dword(CARTA_MD_API* pfnCardGetSharedKeyHandle)(CardData*, Byte*, Dword, Byte**, Dword*, std::uintptr_t*);
    Dword(CARTA_MD_API* pfnCardGetAlgorithmProperty)(CardData*, const Wchar*, const Wchar*, Byte*, Dword,
                                                     Dword*, Dword);
    Dword(CARTA_MD_API* pfnCardGetKeyProperty)(CardData*, std::uintptr_t, const Wchar*, Byte*, Dword, Dword*,
                                               Dword);
    Dword(CARTA_MD_API* pfnCardSetKeyProperty)(CardData*, std::uintptr_t, const Wchar*, Byte*, Dword, Dword);
    Dword(CARTA_MD_API* pfnCardDestroyKey)(CardData*, std::uintptr_t);
    Dword(CARTA_MD_API* pfnCardProcessEncryptedData)(CardData*, std::uintptr_t, const Wchar*, void*, Dword,
                                                     Byte*, Dword, Dword*, Dword);
    Dword(CARTA_MD_API* pfnCardCreateContainerEx)(CardData*, Byte, Dword, Dword, Dword, Byte*, Dword);
};

// The sizes Windows' own header gives (x64), and their i686 counterparts.
#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
static_assert(sizeof(CardData) == 504);
static_assert(offsetof(CardData, hScard) == 104);
static_assert(offsetof(CardData, pvVendorSpecific) == 112);
static_assert(offsetof(CardData, pfnCardDeleteContext) == 120);
static_assert(offsetof(CardData, pfnCardReadFile) == 248);
static_assert(offsetof(CardData, pfnCardGetChallengeEx) == 352);
static_assert(offsetof(CardData, pfnCardGetProperty) == 400);
static_assert(offsetof(CardData, pfnMDImportSessionKey) == 424);
static_assert(sizeof(CardRsaDecryptInfo) == 48);
static_assert(offsetof(CardRsaDecryptInfo, pbData) == 16);
static_assert(offsetof(CardRsaDecryptInfo, dwPaddingType) == 40);
static_assert(sizeof(CardSigningInfo) == 72);
static_assert(offsetof(CardSigningInfo, pbData) == 24);
static_assert(offsetof(CardSigningInfo, pPaddingInfo) == 56);
static_assert(sizeof(ContainerInfo) == 40);
#else
static_assert(sizeof(CardData) == 252);
static_assert(offsetof(CardData, pvVendorSpecific) == 56);
static_assert(sizeof(CardRsaDecryptInfo) == 28);
static_assert(sizeof(CardSigningInfo) == 44);
#endif
static_assert(sizeof(ContainerMapRecord) == 86);
static_assert(offsetof(ContainerMapRecord, bFlags) == 80);
static_assert(sizeof(PinInfo) == 36);
static_assert(offsetof(PinInfo, PinCachePolicy) == 20);
static_assert(sizeof(CardCacheFile) == 6);
static_assert(sizeof(CardCapabilities) == 12);
static_assert(sizeof(CardFileInfo) == 12);
static_assert(sizeof(CardFreeSpaceInfo) == 16);
static_assert(sizeof(CardKeySizes) == 20);

// --- constants (values from the public specification)
namespace version {
constexpr Dword kMinimum = 6;  // CardAuthenticateEx and the properties start at 6
constexpr Dword kSeven = 7;
constexpr Dword kCacheFile = 1;
constexpr Dword kCapabilities = 1;
constexpr Dword kContainerInfo = 1;
constexpr Dword kPinInfo = 6;
constexpr Dword kPinCachePolicy = 6;
constexpr Dword kFileInfo = 1;
constexpr Dword kFreeSpace = 1;
constexpr Dword kKeySizes = 1;
constexpr Dword kSigningInfo = 2;
constexpr Dword kRsaDecryptOne = 1;
constexpr Dword kRsaDecryptTwo = 2;
}  // namespace version

constexpr Dword kAtKeyExchange = 1;
constexpr Dword kAtSignature = 2;

constexpr Byte kContainerValid = 0x01;
constexpr Byte kContainerDefault = 0x02;

// PIN identifiers and sets: carta's roles (docs/windows.md).
constexpr Dword kRoleEveryone = 0;
constexpr Dword kRoleUser = 1;   // the common profile's PIN
constexpr Dword kRoleAdmin = 2;  // the common profile's PUK
constexpr Dword kSecurePin = 3;  // the secure profile's PIN
constexpr Dword kSecurePuk = 4;  // the secure profile's PUK
constexpr Dword pin_set(Dword pin_id) {
    return Dword{1} << pin_id;
}
constexpr Dword kPinSetNone = 0;
constexpr Dword kPinSetAllRoles = 0xFF;

namespace secret_type {
constexpr Dword kAlphaNumeric = 0;
}
namespace secret_purpose {
constexpr Dword kPrimaryCardPin = 5;
constexpr Dword kUnblockOnly = 6;
constexpr Dword kDigitalSignature = 1;
}  // namespace secret_purpose
constexpr Dword kPinCacheNormal = 0;

constexpr Dword kAuthenticatePinPin = 0x2;         // CARD_AUTHENTICATE_PIN_PIN
constexpr Dword kGenerateSessionPin = 0x10000000;  // CARD_AUTHENTICATE_GENERATE_SESSION_PIN
constexpr Dword kSessionPin = 0x20000000;          // CARD_AUTHENTICATE_SESSION_PIN
constexpr Dword kPinSilentContext = 0x00000040;    // CARD_PIN_SILENT_CONTEXT
constexpr Dword kPinChangeUnblock = 0x01;          // PIN_CHANGE_FLAG_UNBLOCK
constexpr Dword kPinChangeChangePin = 0x02;        // PIN_CHANGE_FLAG_CHANGEPIN
constexpr Dword kPinStrengthPlaintext = 0x1;       // CARD_PIN_STRENGTH_PLAINTEXT

namespace access {
constexpr Dword kEveryoneReadUserWrite = 1;
constexpr Dword kEveryoneReadAdminWrite = 3;
}  // namespace access

namespace padding {
constexpr Dword kNone = 1;
constexpr Dword kPkcs1 = 2;
constexpr Dword kPss = 4;
constexpr Dword kOaep = 8;
}  // namespace padding
constexpr Dword kPaddingInfoPresent = 0x40000000;  // CARD_PADDING_INFO_PRESENT
constexpr Dword kBufferSizeOnly = 0x20000000;      // CARD_BUFFER_SIZE_ONLY
constexpr Dword kNoHashOid = 0x00000001;           // CRYPT_NOHASHOID

namespace calg {
constexpr Dword kMd5 = 0x8003;
constexpr Dword kSha1 = 0x8004;
constexpr Dword kSslShaMd5 = 0x8008;
constexpr Dword kSha256 = 0x800C;
constexpr Dword kSha384 = 0x800D;
constexpr Dword kSha512 = 0x800E;
constexpr Dword kRsaKeyExchange = 0xA400;  // CALG_RSA_KEYX
}  // namespace calg

namespace cache_mode {
constexpr Dword kGlobal = 1;
}

// --- return codes (SCARD_* / NTE_*: the same numbers on Windows and in pcsc-lite)
namespace rc {
constexpr Dword kSuccess = 0;
constexpr Dword kInternalError = 0x80100001;
constexpr Dword kInvalidHandle = 0x80100003;
constexpr Dword kInvalidParameter = 0x80100004;
constexpr Dword kNoMemory = 0x80100006;
constexpr Dword kInsufficientBuffer = 0x80100008;
constexpr Dword kTimeout = 0x8010000A;
constexpr Dword kSharingViolation = 0x8010000B;
constexpr Dword kNoSmartcard = 0x8010000C;
constexpr Dword kUnknownCard = 0x8010000D;
constexpr Dword kInvalidValue = 0x80100011;
constexpr Dword kReaderUnavailable = 0x80100017;
constexpr Dword kNoService = 0x8010001D;
constexpr Dword kUnexpected = 0x8010001F;
constexpr Dword kUnsupportedFeature = 0x80100022;
constexpr Dword kDirNotFound = 0x80100023;
constexpr Dword kFileNotFound = 0x80100024;
constexpr Dword kNoAccess = 0x80100027;
constexpr Dword kWriteTooMany = 0x80100028;
constexpr Dword kInvalidChv = 0x8010002A;
constexpr Dword kCommDataLost = 0x8010002F;
constexpr Dword kNoKeyContainer = 0x80100030;
constexpr Dword kResetCard = 0x80100068;
constexpr Dword kRemovedCard = 0x80100069;
constexpr Dword kSecurityViolation = 0x8010006A;
constexpr Dword kWrongChv = 0x8010006B;
constexpr Dword kChvBlocked = 0x8010006C;
constexpr Dword kBadData = 0x80090005;           // NTE_BAD_DATA
constexpr Dword kBadAlgorithm = 0x80090008;      // NTE_BAD_ALGID
constexpr Dword kBadLength = 0x80090004;         // NTE_BAD_LEN
constexpr Dword kRevisionMismatch = 0x0000051A;  // ERROR_REVISION_MISMATCH
}  // namespace rc

}  // namespace carta::md
