// The login model: CKU_USER = PIN, CKU_SO = PUK, one login state per token;
// C_Login, C_Logout, C_SetPIN, C_InitPIN, C_InitToken and the try counters.
// (A login through pcscd, and a card reset by another PC/SC client:
// pcscd_layer_test.cpp.)
#include <algorithm>
#include <cstring>

#include "carta/card/card.hpp"
#include "pkcs11_fixture.hpp"

namespace carta::pkcs11::test {
namespace {

class Login : public Pkcs11Test {
  protected:
    CK_RV set_pin(CK_SESSION_HANDLE session, std::string old_pin, std::string new_pin) {
        return p11().C_SetPIN(session, reinterpret_cast<CK_UTF8CHAR_PTR>(old_pin.data()), old_pin.size(),
                              reinterpret_cast<CK_UTF8CHAR_PTR>(new_pin.data()), new_pin.size());
    }
    CK_RV init_pin(CK_SESSION_HANDLE session, std::string pin) {
        return p11().C_InitPIN(session, reinterpret_cast<CK_UTF8CHAR_PTR>(pin.data()), pin.size());
    }
};

TEST_F(Login, ReadOnlySessionGetsReadOnlyUserFunctions) {
    const auto session = open_session(false);
    ASSERT_RV(CKR_OK, login(session));
    EXPECT_EQ(session_state(session), CKS_RO_USER_FUNCTIONS);
}

TEST_F(Login, WrongPinReportsPinIncorrectAndCountsDown) {
    const auto session = open_session();
    EXPECT_RV(CKR_PIN_INCORRECT, login(session, CKU_USER, "999999"));
    const auto flags = token_info(common_slot()).flags;
    EXPECT_TRUE(flags & CKF_USER_PIN_COUNT_LOW);
    EXPECT_FALSE(flags & CKF_USER_PIN_FINAL_TRY);
    EXPECT_EQ(session_state(session), CKS_RW_PUBLIC_SESSION);
}

TEST_F(Login, SecondWrongPinLeavesTheFinalTry) {
    const auto session = open_session();
    EXPECT_RV(CKR_PIN_INCORRECT, login(session, CKU_USER, "999999"));
    EXPECT_RV(CKR_PIN_INCORRECT, login(session, CKU_USER, "999999"));
    EXPECT_TRUE(token_info(common_slot()).flags & CKF_USER_PIN_FINAL_TRY);
}

TEST_F(Login, ThirdWrongPinLocksThePin) {
    const auto session = open_session();
    EXPECT_RV(CKR_PIN_INCORRECT, login(session, CKU_USER, "999999"));
    EXPECT_RV(CKR_PIN_INCORRECT, login(session, CKU_USER, "999999"));
    EXPECT_RV(CKR_PIN_LOCKED, login(session, CKU_USER, "999999"));
    EXPECT_TRUE(token_info(common_slot()).flags & CKF_USER_PIN_LOCKED);
    EXPECT_RV(CKR_PIN_LOCKED, login(session));
}

TEST_F(Login, RightPinResetsTheCounter) {
    const auto session = open_session();
    EXPECT_RV(CKR_PIN_INCORRECT, login(session, CKU_USER, "999999"));
    ASSERT_RV(CKR_OK, login(session));
    EXPECT_FALSE(token_info(common_slot()).flags & CKF_USER_PIN_COUNT_LOW);
}

TEST_F(Login, PinOfWrongLengthIsPinLenRangeAndCostsNoTry) {
    const auto session = open_session();
    EXPECT_RV(CKR_PIN_LEN_RANGE, login(session, CKU_USER, "123"));
    EXPECT_RV(CKR_PIN_LEN_RANGE, login(session, CKU_USER, std::string(33, '1')));
    EXPECT_FALSE(token_info(common_slot()).flags & CKF_USER_PIN_COUNT_LOW);
}

TEST_F(Login, SecondLoginIsUserAlreadyLoggedIn) {
    const auto session = open_session();
    ASSERT_RV(CKR_OK, login(session));
    EXPECT_RV(CKR_USER_ALREADY_LOGGED_IN, login(session));
}

TEST_F(Login, SoLoginWhileUserLoggedInIsAnotherAlreadyLoggedIn) {
    const auto session = open_session();
    ASSERT_RV(CKR_OK, login(session));
    EXPECT_RV(CKR_USER_ANOTHER_ALREADY_LOGGED_IN, login(session, CKU_SO, kPuk));
}

TEST_F(Login, SoLoginWithAReadOnlySessionOpenIsReadOnlyExists) {
    open_session(false);
    const auto session = open_session(true);
    EXPECT_RV(CKR_SESSION_READ_ONLY_EXISTS, login(session, CKU_SO, kPuk));
}

TEST_F(Login, ReadOnlySessionCannotOpenWhileSoLoggedIn) {
    const auto session = open_session(true);
    ASSERT_RV(CKR_OK, login(session, CKU_SO, kPuk));
    EXPECT_EQ(session_state(session), CKS_RW_SO_FUNCTIONS);
    CK_SESSION_HANDLE other = 0;
    EXPECT_RV(CKR_SESSION_READ_WRITE_SO_EXISTS,
              p11().C_OpenSession(common_slot(), CKF_SERIAL_SESSION, nullptr, nullptr, &other));
}

TEST_F(Login, UnknownUserTypeIsUserTypeInvalid) {
    EXPECT_RV(CKR_USER_TYPE_INVALID, login(open_session(), 7));
}

TEST_F(Login, ContextSpecificLoginIsNeverNeeded) {
    const auto session = user_session();
    EXPECT_RV(CKR_OPERATION_NOT_INITIALIZED, login(session, CKU_CONTEXT_SPECIFIC));
}

TEST_F(Login, LoginIsSharedByEverySessionOfTheToken) {
    const auto first = open_session();
    const auto second = open_session(false);
    ASSERT_RV(CKR_OK, login(first));
    EXPECT_EQ(session_state(second), CKS_RO_USER_FUNCTIONS);
    ASSERT_RV(CKR_OK, p11().C_Logout(second));
    EXPECT_EQ(session_state(first), CKS_RW_PUBLIC_SESSION);
}

TEST_F(Login, LogoutWithoutLoginIsUserNotLoggedIn) {
    EXPECT_RV(CKR_USER_NOT_LOGGED_IN, p11().C_Logout(open_session()));
}

TEST_F(Login, ClosingTheLastSessionLogsOut) {
    const auto session = user_session();
    ASSERT_RV(CKR_OK, p11().C_CloseSession(session));
    EXPECT_EQ(session_state(open_session()), CKS_RW_PUBLIC_SESSION);
}

TEST_F(Login, ClosedSessionHandleIsInvalid) {
    const auto session = open_session();
    ASSERT_RV(CKR_OK, p11().C_CloseSession(session));
    CK_SESSION_INFO info{};
    EXPECT_RV(CKR_SESSION_HANDLE_INVALID, p11().C_GetSessionInfo(session, &info));
    EXPECT_RV(CKR_SESSION_HANDLE_INVALID, p11().C_CloseSession(session));
}

TEST_F(Login, OtherProfileSelectedByAnotherProcessShowsAsLoggedOut) {
    const auto session = user_session();
    {
        // Another application selects the secure profile, which clears the common
        // profile's security state on the card.
        const auto other = card().connect();
        card::Card secure(*other, card::Profile::Secure);
        secure.status();
    }
    EXPECT_RV(CKR_USER_NOT_LOGGED_IN, sign_something(session));
    EXPECT_EQ(session_state(session), CKS_RW_PUBLIC_SESSION);
}

TEST_F(Login, LoginAgainAfterTheCardForgotItWorks) {
    const auto session = user_session();
    {
        const auto other = card().connect();
        card::Card common(*other, card::Profile::Common);
        common.logout(card::Code::Pin);
    }
    // The module thinks the user is logged in, asks the card, and logs in afresh.
    EXPECT_RV(CKR_OK, login(session));
    EXPECT_RV(CKR_OK, sign_something(session));
}

TEST_F(Login, SetPinChangesTheUserPin) {
    const auto session = user_session();
    ASSERT_RV(CKR_OK, set_pin(session, kPin, "654321"));
    ASSERT_RV(CKR_OK, p11().C_Logout(session));
    EXPECT_RV(CKR_PIN_INCORRECT, login(session));
    EXPECT_RV(CKR_OK, login(session, CKU_USER, "654321"));
}

TEST_F(Login, SetPinWithoutLoginChangesThePinAndStaysLoggedOut) {
    const auto session = open_session();
    ASSERT_RV(CKR_OK, set_pin(session, kPin, "654321"));
    EXPECT_EQ(session_state(session), CKS_RW_PUBLIC_SESSION);
    EXPECT_RV(CKR_OK, login(session, CKU_USER, "654321"));
}

TEST_F(Login, SetPinWithWrongOldPinIsPinIncorrect) {
    EXPECT_RV(CKR_PIN_INCORRECT, set_pin(open_session(), "999999", "654321"));
}

TEST_F(Login, SetPinWithTooShortNewPinIsPinLenRange) {
    EXPECT_RV(CKR_PIN_LEN_RANGE, set_pin(open_session(), kPin, "12"));
}

TEST_F(Login, SetPinInReadOnlySessionIsSessionReadOnly) {
    EXPECT_RV(CKR_SESSION_READ_ONLY, set_pin(open_session(false), kPin, "654321"));
}

TEST_F(Login, SoSetPinChangesThePuk) {
    const auto session = open_session();
    ASSERT_RV(CKR_OK, login(session, CKU_SO, kPuk));
    ASSERT_RV(CKR_OK, set_pin(session, kPuk, "11112222"));
    ASSERT_RV(CKR_OK, p11().C_Logout(session));
    EXPECT_RV(CKR_PIN_INCORRECT, login(session, CKU_SO, kPuk));
    EXPECT_RV(CKR_OK, login(session, CKU_SO, "11112222"));
}

TEST_F(Login, InitPinAsSoSetsANewUserPin) {
    const auto session = open_session();
    ASSERT_RV(CKR_OK, login(session, CKU_SO, kPuk));
    ASSERT_RV(CKR_OK, init_pin(session, "24682468"));
    ASSERT_RV(CKR_OK, p11().C_Logout(session));
    EXPECT_RV(CKR_OK, login(session, CKU_USER, "24682468"));
}

TEST_F(Login, InitPinUnblocksALockedPin) {
    const auto session = open_session();
    for (int i = 0; i < 3; ++i) login(session, CKU_USER, "999999");
    ASSERT_TRUE(token_info(common_slot()).flags & CKF_USER_PIN_LOCKED);
    ASSERT_RV(CKR_OK, login(session, CKU_SO, kPuk));
    ASSERT_RV(CKR_OK, init_pin(session, "24682468"));
    ASSERT_RV(CKR_OK, p11().C_Logout(session));
    EXPECT_FALSE(token_info(common_slot()).flags & CKF_USER_PIN_LOCKED);
    EXPECT_RV(CKR_OK, login(session, CKU_USER, "24682468"));
}

TEST_F(Login, InitPinWithoutSoLoginIsUserNotLoggedIn) {
    EXPECT_RV(CKR_USER_NOT_LOGGED_IN, init_pin(user_session(), "24682468"));
}

TEST_F(Login, WrongPukCountsDownTheSoPin) {
    EXPECT_RV(CKR_PIN_INCORRECT, login(open_session(), CKU_SO, "99999999"));
    EXPECT_TRUE(token_info(common_slot()).flags & CKF_SO_PIN_COUNT_LOW);
}

class InitToken : public BlankCardTest {
  protected:
    CK_RV init_token(CK_SLOT_ID slot, std::string so_pin, const std::string& label) {
        CK_UTF8CHAR padded[32];
        std::memset(padded, ' ', sizeof padded);
        std::memcpy(padded, label.data(), std::min(label.size(), sizeof padded));
        return p11().C_InitToken(slot, reinterpret_cast<CK_UTF8CHAR_PTR>(so_pin.data()), so_pin.size(),
                                 padded);
    }
};

TEST_F(InitToken, InitialisesTheCommonProfileWithLabelAndSoPin) {
    ASSERT_RV(CKR_OK, init_token(common_slot(), kPuk, "Moja karta"));
    const auto info = token_info(common_slot());
    EXPECT_TRUE(info.flags & CKF_TOKEN_INITIALIZED);
    EXPECT_FALSE(info.flags & CKF_USER_PIN_INITIALIZED);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(info.label), 10), "Moja karta");
    const auto session = open_session();
    EXPECT_RV(CKR_USER_PIN_NOT_INITIALIZED, login(session));
    ASSERT_RV(CKR_OK, login(session, CKU_SO, kPuk));
    std::string pin = "13572468";
    ASSERT_RV(CKR_OK, p11().C_InitPIN(session, reinterpret_cast<CK_UTF8CHAR_PTR>(pin.data()), pin.size()));
    EXPECT_TRUE(token_info(common_slot()).flags & CKF_USER_PIN_INITIALIZED);
}

TEST_F(InitToken, ReinitialisingErasesEverything) {
    ASSERT_RV(CKR_OK, init_token(common_slot(), kPuk, "pierwsza"));
    const auto session = open_session();
    ASSERT_RV(CKR_OK, login(session, CKU_SO, kPuk));
    std::string pin = "13572468";
    ASSERT_RV(CKR_OK, p11().C_InitPIN(session, reinterpret_cast<CK_UTF8CHAR_PTR>(pin.data()), pin.size()));
    ASSERT_RV(CKR_OK, p11().C_CloseSession(session));
    ASSERT_RV(CKR_OK, init_token(common_slot(), kPuk, "druga"));
    const auto info = token_info(common_slot());
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(info.label), 5), "druga");
    EXPECT_FALSE(info.flags & CKF_USER_PIN_INITIALIZED);
}

TEST_F(InitToken, WrongSoPinOfAnInitialisedTokenIsPinIncorrect) {
    ASSERT_RV(CKR_OK, init_token(common_slot(), kPuk, "pierwsza"));
    EXPECT_RV(CKR_PIN_INCORRECT, init_token(common_slot(), "99999999", "druga"));
}

TEST_F(InitToken, OpenSessionIsSessionExists) {
    open_session();
    EXPECT_RV(CKR_SESSION_EXISTS, init_token(common_slot(), kPuk, "x"));
}

TEST_F(InitToken, SecureProfileCannotBeInitialised) {
    EXPECT_RV(CKR_TOKEN_WRITE_PROTECTED, init_token(secure_slot(), kSecurePuk, "x"));
}

TEST_F(InitToken, NewSoPinOfWrongLengthIsPinLenRange) {
    EXPECT_RV(CKR_PIN_LEN_RANGE, init_token(common_slot(), "12", "x"));
    EXPECT_FALSE(token_info(common_slot()).flags & CKF_TOKEN_INITIALIZED);
}

TEST_F(InitToken, SecureProfilePinIsSetWithItsPuk) {
    const auto session = open_session_on(secure_slot());
    ASSERT_RV(CKR_OK, login(session, CKU_SO, kSecurePuk));
    std::string pin = "97531975";
    ASSERT_RV(CKR_OK, p11().C_InitPIN(session, reinterpret_cast<CK_UTF8CHAR_PTR>(pin.data()), pin.size()));
    ASSERT_RV(CKR_OK, p11().C_Logout(session));
    EXPECT_FALSE(token_info(secure_slot()).flags & CKF_USER_PIN_LOCKED);
    EXPECT_RV(CKR_OK, login(session, CKU_USER, pin));
}

}  // namespace
}  // namespace carta::pkcs11::test
