// The card pulled and put back, and C_WaitForSlotEvent. (pcscd restarted, and
// a card pulled in the middle of an exchange: pcscd_layer_test.cpp.)
#include <chrono>
#include <future>

#include "pkcs11_fixture.hpp"

namespace carta::pkcs11::test {
namespace {

using namespace std::chrono_literals;

class Removal : public Pkcs11Test {
  protected:
    CK_RV wait(CK_FLAGS flags, CK_SLOT_ID* slot) { return p11().C_WaitForSlotEvent(flags, slot, nullptr); }
};

TEST_F(Removal, PulledCardLeavesTheSlotsWithoutToken) {
    ASSERT_EQ(slots_with_token().size(), 2u);
    card().pull();
    EXPECT_TRUE(slots_with_token().empty());
    CK_SLOT_INFO info{};
    ASSERT_RV(CKR_OK, p11().C_GetSlotInfo(common_slot(), &info));
    EXPECT_FALSE(info.flags & CKF_TOKEN_PRESENT);
    CK_TOKEN_INFO token{};
    EXPECT_RV(CKR_TOKEN_NOT_PRESENT, p11().C_GetTokenInfo(common_slot(), &token));
    CK_SESSION_HANDLE session = 0;
    EXPECT_RV(CKR_TOKEN_NOT_PRESENT,
              p11().C_OpenSession(common_slot(), CKF_SERIAL_SESSION, nullptr, nullptr, &session));
}

TEST_F(Removal, SessionOfAPulledCardEndsWithDeviceRemoved) {
    const auto session = user_session();
    card().pull();
    CK_SESSION_INFO info{};
    EXPECT_RV(CKR_DEVICE_REMOVED, p11().C_GetSessionInfo(session, &info));
    EXPECT_RV(CKR_SESSION_HANDLE_INVALID, p11().C_GetSessionInfo(session, &info));
}

TEST_F(Removal, ReinsertedCardNeedsANewSessionAndLogin) {
    const auto old_session = user_session();
    card().pull();
    card().insert();
    CK_SESSION_INFO info{};
    EXPECT_RV(CKR_DEVICE_REMOVED, p11().C_GetSessionInfo(old_session, &info));
    ASSERT_EQ(slots_with_token().size(), 2u);
    const auto session = open_session();
    EXPECT_EQ(session_state(session), CKS_RW_PUBLIC_SESSION);
    ASSERT_RV(CKR_OK, login(session));
    const Bytes data = bytes_of("po ponownym włożeniu");
    EXPECT_EQ(
        sign(session, {CKM_SHA256_RSA_PKCS, nullptr, 0}, find_one(session, CKO_PRIVATE_KEY, kRsaId), data)
            .size(),
        256u);
}

TEST_F(Removal, CardOperationOnAPulledCardIsDeviceRemoved) {
    const auto session = user_session();
    CK_MECHANISM mechanism{CKM_SHA256_RSA_PKCS, nullptr, 0};
    ASSERT_RV(CKR_OK, p11().C_SignInit(session, &mechanism, find_one(session, CKO_PRIVATE_KEY, kRsaId)));
    card().pull();
    Bytes data = bytes_of("x"), signature(256);
    CK_ULONG length = signature.size();
    EXPECT_RV(CKR_DEVICE_REMOVED, p11().C_Sign(session, data.data(), data.size(), signature.data(), &length));
}

TEST_F(Removal, WaitWithoutBlockingAndNoEventIsNoEvent) {
    CK_SLOT_ID slot = 99;
    EXPECT_RV(CKR_NO_EVENT, wait(CKF_DONT_BLOCK, &slot));
}

TEST_F(Removal, RemovalIsAnEventOnBothSlotsOfTheReader) {
    card().pull();
    CK_SLOT_ID first = 99, second = 99, none = 99;
    ASSERT_RV(CKR_OK, wait(CKF_DONT_BLOCK, &first));
    ASSERT_RV(CKR_OK, wait(CKF_DONT_BLOCK, &second));
    EXPECT_EQ(first, common_slot());
    EXPECT_EQ(second, secure_slot());
    EXPECT_RV(CKR_NO_EVENT, wait(CKF_DONT_BLOCK, &none));
}

TEST_F(Removal, BlockingWaitReturnsWhenTheCardComesBack) {
    card().pull();
    CK_SLOT_ID slot = 99;
    while (wait(CKF_DONT_BLOCK, &slot) == CKR_OK) {
    }
    auto waiting = std::async(std::launch::async, [&] {
        CK_SLOT_ID event = 99;
        const CK_RV rv = wait(0, &event);
        return std::make_pair(rv, event);
    });
    EXPECT_EQ(waiting.wait_for(500ms), std::future_status::timeout) << "nothing happened yet";
    card().insert();
    ASSERT_EQ(waiting.wait_for(20s), std::future_status::ready);
    const auto [rv, event] = waiting.get();
    EXPECT_RV(CKR_OK, rv);
    EXPECT_EQ(event, common_slot());
}

TEST_F(Removal, FinalizeWakesABlockedWait) {
    auto waiting = std::async(std::launch::async, [&] {
        CK_SLOT_ID event = 99;
        return wait(0, &event);
    });
    ASSERT_EQ(waiting.wait_for(500ms), std::future_status::timeout);
    ASSERT_RV(CKR_OK, p11().C_Finalize(nullptr));
    ASSERT_EQ(waiting.wait_for(10s), std::future_status::ready);
    EXPECT_RV(CKR_CRYPTOKI_NOT_INITIALIZED, waiting.get());
    ASSERT_RV(CKR_OK, p11().C_Initialize(nullptr));
}

TEST_F(Removal, WaitWithReservedPointerIsArgumentsBad) {
    CK_SLOT_ID slot = 0;
    int reserved = 0;
    EXPECT_RV(CKR_ARGUMENTS_BAD, p11().C_WaitForSlotEvent(CKF_DONT_BLOCK, &slot, &reserved));
}

}  // namespace
}  // namespace carta::pkcs11::test
