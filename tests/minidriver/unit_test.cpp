// The minidriver's parts that need no pcscd: the error table, cardcf, the file names,
// and the in-process seam (set_transport_maker), over the simulator's card in this
// process: the CSP's calls without a reader.
#include <PCSC/pcsclite.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <new>

#include "carta/apdu/in_process_transport.hpp"
#include "carta/minidriver/minidriver.h"
#include "carta/sim/virtual_card.hpp"
#include "csp_transport.hpp"
#include "errors.hpp"
#include "files.hpp"

namespace carta::md {
namespace {

using card::CardError;
using card::ErrorKind;
using Kind = apdu::TransportError::Kind;

// pcsc-lite's numbers are Windows' numbers (the DLL's build checks ours against winerror.h),
// except one: pcsc-lite's SCARD_E_UNSUPPORTED_FEATURE is Windows' SCARD_E_UNEXPECTED. The
// minidriver answers Windows' code.
static_assert(static_cast<Dword>(SCARD_E_UNSUPPORTED_FEATURE) != rc::kUnsupportedFeature);
static_assert(static_cast<Dword>(SCARD_E_UNEXPECTED) == rc::kUnexpected);
static_assert(static_cast<Dword>(SCARD_W_WRONG_CHV) == rc::kWrongChv);
static_assert(static_cast<Dword>(SCARD_W_CHV_BLOCKED) == rc::kChvBlocked);
static_assert(static_cast<Dword>(SCARD_W_REMOVED_CARD) == rc::kRemovedCard);
static_assert(static_cast<Dword>(SCARD_E_NO_KEY_CONTAINER) == rc::kNoKeyContainer);
static_assert(static_cast<Dword>(SCARD_E_FILE_NOT_FOUND) == rc::kFileNotFound);
static_assert(static_cast<Dword>(SCARD_E_INSUFFICIENT_BUFFER) == rc::kInsufficientBuffer);

template <typename E>
Dword thrown(E error) {
    return guarded([&] { throw error; });
}

TEST(MinidriverErrors, CodeErrorsBecomeTheCspsPinCodes) {
    EXPECT_EQ(thrown(CardError(ErrorKind::CodeIncorrect, "wrong", {}, 2)), rc::kWrongChv);
    EXPECT_EQ(thrown(CardError(ErrorKind::CodeBlocked, "blocked")), rc::kChvBlocked);
    EXPECT_EQ(thrown(CardError(ErrorKind::CodeLength, "short")), rc::kInvalidChv);
    EXPECT_EQ(thrown(CardError(ErrorKind::NotAuthenticated, "pin first")), rc::kSecurityViolation);
}

TEST(MinidriverErrors, TransportFailuresSayWhatHappenedToTheCard) {
    EXPECT_EQ(thrown(CardError::from(apdu::TransportError(Kind::CardRemoved, "pulled"))), rc::kRemovedCard);
    EXPECT_EQ(thrown(CardError::from(apdu::TransportError(Kind::CardReset, "reset"))), rc::kResetCard);
    EXPECT_EQ(thrown(CardError::from(apdu::TransportError(Kind::ServiceGone, "pcscd"))), rc::kNoService);
    EXPECT_EQ(thrown(CardError::from(apdu::TransportError(Kind::NoCard, "empty"))), rc::kNoSmartcard);
    EXPECT_EQ(thrown(apdu::TransportError(Kind::Sharing, "exclusive")), rc::kSharingViolation);
    EXPECT_EQ(thrown(CardError(ErrorKind::AnswerLost, "cut short")), rc::kCommDataLost);
}

TEST(MinidriverErrors, EveryOtherExceptionStopsAtTheCAbi) {
    EXPECT_EQ(thrown(MdError(rc::kDirNotFound)), rc::kDirNotFound);
    EXPECT_EQ(thrown(std::bad_alloc()), rc::kNoMemory);
    EXPECT_EQ(thrown(std::runtime_error("anything")), rc::kUnexpected);
    EXPECT_EQ(thrown(42), rc::kUnexpected);
    EXPECT_EQ(guarded([] {}), rc::kSuccess);
    EXPECT_EQ(thrown(CardError(ErrorKind::NotSupported, "no")), rc::kUnsupportedFeature);
    EXPECT_EQ(thrown(CardError(ErrorKind::InvalidData, "padding")), rc::kBadData);
}

TEST(MinidriverFiles, CardcfChangesWithEitherProfilesCounter) {
    const auto base = cache_file(10, 20);
    ASSERT_EQ(base.size(), 6u);
    EXPECT_EQ(cache_file(10, 20), base);
    EXPECT_NE(cache_file(11, 20), base);
    EXPECT_NE(cache_file(10, 21), base);
}

TEST(MinidriverFiles, CertificateFilesAreNamedInDecimal) {
    EXPECT_EQ(certificate_file_name(0), "kxc00");
    EXPECT_EQ(certificate_file_name(9), "kxc09");
    EXPECT_EQ(certificate_file_name(14), "kxc14");
}

// The seam: a test's transport instead of the CSP's handle.
sim::VirtualCard* g_card = nullptr;
std::unique_ptr<apdu::Transport> in_process(const CardData&) {
    return std::make_unique<apdu::InProcessTransport>(*g_card);
}

void* CARTA_MD_API plain_alloc(std::size_t size) {
    return std::malloc(size);
}
void* CARTA_MD_API plain_realloc(void* p, std::size_t size) {
    return std::realloc(p, size);
}
void CARTA_MD_API plain_free(void* p) {
    std::free(p);
}

TEST(MinidriverInProcess, TheCspsCallsReachACardInThisProcess) {
    const auto state = std::filesystem::temp_directory_path() / ("carta-md-" + std::to_string(::getpid()));
    std::filesystem::copy_file(std::filesystem::path(CARTA_PKCS11_TEST_CARDS) / "ready.state", state,
                               std::filesystem::copy_options::overwrite_existing);
    {
        sim::VirtualCard card(state);
        g_card = &card;
        set_transport_maker(in_process);
        Bytes atr = card.atr();
        CardData data{};
        data.dwVersion = version::kSeven;
        data.pbAtr = atr.data();
        data.cbAtr = static_cast<Dword>(atr.size());
        data.pfnCspAlloc = plain_alloc;
        data.pfnCspReAlloc = plain_realloc;
        data.pfnCspFree = plain_free;
        ASSERT_EQ(CardAcquireContext(&data, 0), rc::kSuccess);
        Byte* cmapfile = nullptr;
        Dword size = 0;
        EXPECT_EQ(data.pfnCardReadFile(&data, const_cast<char*>("mscp"), const_cast<char*>("cmapfile"), 0,
                                       &cmapfile, &size),
                  rc::kSuccess);
        EXPECT_EQ(size, 6u * sizeof(ContainerMapRecord));
        plain_free(cmapfile);
        EXPECT_EQ(data.pfnCardDeleteContext(&data), rc::kSuccess);
        set_transport_maker(nullptr);
    }
    std::filesystem::remove(state);
}

}  // namespace
}  // namespace carta::md
