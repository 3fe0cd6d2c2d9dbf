// Slots, tokens and mechanisms: C_GetSlotList, C_GetSlotInfo, C_GetTokenInfo,
// C_GetMechanismList, C_GetMechanismInfo; and which calls stay off the card.
// (Slots of a real reader through pcscd: pcscd_layer_test.cpp.)
#include <algorithm>
#include <chrono>
#include <future>
#include <memory>

#include "pkcs11_fixture.hpp"

namespace carta::pkcs11::test {
namespace {

class Slots : public Pkcs11Test {
  protected:
    // Another application holds a transaction on the card: any APDU from the
    // module waits for it, as through PC/SC.
    struct CardBusy {
        std::unique_ptr<apdu::Transport> connection;
        explicit CardBusy(TestCard& card) : connection(card.connect()) { connection->begin_transaction(); }
        ~CardBusy() { connection->end_transaction(); }
    };
    // True if `call` finishes while the card is busy (so it sent no APDU).
    template <typename F>
    bool finishes_without_card(F&& call) {
        auto busy = std::make_unique<CardBusy>(card());
        auto result = std::async(std::launch::async, std::forward<F>(call));
        const bool quick = result.wait_for(std::chrono::seconds(3)) == std::future_status::ready;
        // The card free again: a call that waited for it ends, and the test fails instead of hanging.
        busy.reset();
        result.get();
        return quick;
    }
};

TEST_F(Slots, SlotVersionsAreCartasVersion) {
    CK_SLOT_INFO info{};
    ASSERT_RV(CKR_OK, p11().C_GetSlotInfo(common_slot(), &info));
    CK_INFO library{};
    ASSERT_RV(CKR_OK, p11().C_GetInfo(&library));
    EXPECT_EQ(info.hardwareVersion.major, library.libraryVersion.major);
    EXPECT_EQ(info.hardwareVersion.minor, library.libraryVersion.minor);
    EXPECT_EQ(info.firmwareVersion.major, library.libraryVersion.major);
    EXPECT_EQ(info.firmwareVersion.minor, library.libraryVersion.minor);
    EXPECT_NE(info.hardwareVersion.major + info.hardwareVersion.minor, 0);
}

TEST_F(Slots, SlotListCountThenBufferGivesTheSameSlots) {
    CK_ULONG count = 0;
    ASSERT_RV(CKR_OK, p11().C_GetSlotList(CK_FALSE, nullptr, &count));
    std::vector<CK_SLOT_ID> slots(count);
    ASSERT_RV(CKR_OK, p11().C_GetSlotList(CK_FALSE, slots.data(), &count));
    EXPECT_EQ(count, slots.size());
    EXPECT_GE(count, 2u);
}

TEST_F(Slots, ShortSlotListBufferIsBufferTooSmall) {
    CK_SLOT_ID slot = 0;
    CK_ULONG count = 1;
    EXPECT_RV(CKR_BUFFER_TOO_SMALL, p11().C_GetSlotList(CK_TRUE, &slot, &count));
    EXPECT_GE(count, 2u);
}

TEST_F(Slots, UnknownSlotIsSlotIdInvalid) {
    CK_SLOT_INFO info{};
    EXPECT_RV(CKR_SLOT_ID_INVALID, p11().C_GetSlotInfo(999, &info));
    CK_TOKEN_INFO token{};
    EXPECT_RV(CKR_SLOT_ID_INVALID, p11().C_GetTokenInfo(999, &token));
}

TEST_F(Slots, TokenInfoNamesTheCardAndItsProfile) {
    const auto info = token_info(common_slot());
    EXPECT_EQ(text(info.label, 32), "carta test");
    EXPECT_EQ(text(info.manufacturerID, 32), "Certum common profile v.1");  // as Certum's library says
    EXPECT_EQ(text(info.model, 16), "cryptoCertum 3.6");
    EXPECT_EQ(text(info.serialNumber, 16).size(), 16u);
    EXPECT_EQ(info.ulMinPinLen, 4u);
    EXPECT_EQ(info.ulMaxPinLen, 32u);
    const auto secure = token_info(secure_slot());
    EXPECT_EQ(text(secure.manufacturerID, 32), "carta (cryptoCertum secure)");
    EXPECT_EQ(text(secure.serialNumber, 16), text(info.serialNumber, 16));
}

TEST_F(Slots, InitialisedTokenFlags) {
    const auto info = token_info(common_slot());
    EXPECT_TRUE(info.flags & CKF_LOGIN_REQUIRED);
    EXPECT_TRUE(info.flags & CKF_USER_PIN_INITIALIZED);
    EXPECT_TRUE(info.flags & CKF_TOKEN_INITIALIZED);
    EXPECT_TRUE(info.flags & CKF_RNG);
    EXPECT_FALSE(info.flags & (CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED));
    EXPECT_FALSE(info.flags & CKF_WRITE_PROTECTED);
}

TEST_F(Slots, SecureProfileDeliveredWithItsPinLocked) {
    EXPECT_TRUE(token_info(secure_slot()).flags & CKF_USER_PIN_LOCKED);
}

TEST_F(Slots, SessionCountsInTokenInfo) {
    open_session(true);
    open_session(false);
    const auto info = token_info(common_slot());
    EXPECT_EQ(info.ulSessionCount, 2u);
    EXPECT_EQ(info.ulRwSessionCount, 1u);
}

TEST_F(Slots, SlotInfoSendsNothingToTheCard) {
    CK_SLOT_INFO info{};
    EXPECT_TRUE(finishes_without_card([&] { return p11().C_GetSlotInfo(common_slot(), &info); }));
    EXPECT_TRUE(info.flags & CKF_TOKEN_PRESENT);
}

TEST_F(Slots, SessionInfoSendsNothingToTheCard) {
    const auto session = user_session();
    CK_SESSION_INFO info{};
    EXPECT_TRUE(finishes_without_card([&] { return p11().C_GetSessionInfo(session, &info); }));
    EXPECT_EQ(info.state, CKS_RW_USER_FUNCTIONS);
}

TEST_F(Slots, RepeatedTokenInfoIsServedFromTheCache) {
    token_info(common_slot());
    CK_TOKEN_INFO info{};
    EXPECT_TRUE(finishes_without_card([&] { return p11().C_GetTokenInfo(common_slot(), &info); }));
    EXPECT_TRUE(info.flags & CKF_TOKEN_INITIALIZED);
}

TEST_F(Slots, RsaMechanismsReportCardKeySizesAndHardware) {
    CK_MECHANISM_INFO info{};
    ASSERT_RV(CKR_OK, p11().C_GetMechanismInfo(common_slot(), CKM_SHA256_RSA_PKCS, &info));
    EXPECT_EQ(info.ulMinKeySize, 2048u);
    EXPECT_EQ(info.ulMaxKeySize, 4096u);
    EXPECT_TRUE(info.flags & CKF_HW);
    EXPECT_TRUE(info.flags & CKF_SIGN);
    ASSERT_RV(CKR_OK, p11().C_GetMechanismInfo(common_slot(), CKM_RSA_PKCS_OAEP, &info));
    EXPECT_TRUE(info.flags & CKF_DECRYPT);
}

TEST_F(Slots, EcMechanismsReportP256ToP384) {
    CK_MECHANISM_INFO info{};
    ASSERT_RV(CKR_OK, p11().C_GetMechanismInfo(common_slot(), CKM_ECDSA_SHA256, &info));
    EXPECT_EQ(info.ulMinKeySize, 256u);
    EXPECT_EQ(info.ulMaxKeySize, 384u);
    EXPECT_TRUE(info.flags & CKF_EC_NAMEDCURVE);
}

TEST_F(Slots, DigestsAreSoftwareMechanisms) {
    CK_MECHANISM_INFO info{};
    ASSERT_RV(CKR_OK, p11().C_GetMechanismInfo(common_slot(), CKM_SHA256, &info));
    EXPECT_TRUE(info.flags & CKF_DIGEST);
    EXPECT_FALSE(info.flags & CKF_HW);
}

TEST_F(Slots, UnknownMechanismIsMechanismInvalid) {
    CK_MECHANISM_INFO info{};
    EXPECT_RV(CKR_MECHANISM_INVALID, p11().C_GetMechanismInfo(common_slot(), CKM_MD5, &info));
}

TEST_F(Slots, SecureProfileOffersNoKeyGeneration) {
    CK_ULONG count = 0;
    ASSERT_RV(CKR_OK, p11().C_GetMechanismList(secure_slot(), nullptr, &count));
    std::vector<CK_MECHANISM_TYPE> types(count);
    ASSERT_RV(CKR_OK, p11().C_GetMechanismList(secure_slot(), types.data(), &count));
    EXPECT_EQ(std::count(types.begin(), types.end(), CKM_RSA_PKCS_KEY_PAIR_GEN), 0);
    EXPECT_EQ(std::count(types.begin(), types.end(), CKM_SHA256_RSA_PKCS), 1);
    CK_MECHANISM_INFO info{};
    EXPECT_RV(CKR_MECHANISM_INVALID, p11().C_GetMechanismInfo(secure_slot(), CKM_EC_KEY_PAIR_GEN, &info));
}

class BlankSlots : public BlankCardTest {};

TEST_F(BlankSlots, UninitialisedTokenHasNoInitialisedFlags) {
    const auto info = token_info(common_slot());
    EXPECT_FALSE(info.flags & CKF_TOKEN_INITIALIZED);
    EXPECT_FALSE(info.flags & CKF_USER_PIN_INITIALIZED);
    EXPECT_EQ(text(info.label, 32), "profil standardowy");
}

}  // namespace
}  // namespace carta::pkcs11::test
