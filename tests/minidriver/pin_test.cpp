// CardAuthenticatePin/Ex, CardDeauthenticate(Ex), CardChangeAuthenticatorEx: the tries
// left the CSP shows, the lockout, and the PUK's way back.
#include <cstring>

#include "fixture.hpp"

namespace carta::md::test {
namespace {

Dword authenticated_state(Csp& csp) {
    Bytes value;
    EXPECT_EQ(csp.get_property(u"Authenticated State", value), rc::kSuccess);
    Dword state = 0;
    std::memcpy(&state, value.data(), sizeof state);
    return state;
}

TEST_F(MinidriverTest, TheCorrectPinAuthenticatesTheUser) {
    EXPECT_EQ(authenticated_state(csp()), kPinSetNone);
    EXPECT_EQ(csp().authenticate(kRoleUser, kPin), rc::kSuccess);
    EXPECT_EQ(authenticated_state(csp()), pin_set(kRoleUser));
    EXPECT_EQ(
        csp().transact([](CardData& d) { return d.pfnCardDeauthenticateEx(&d, pin_set(kRoleUser), 0); }),
        rc::kSuccess);
    EXPECT_EQ(authenticated_state(csp()), kPinSetNone);
}

TEST_F(MinidriverTest, CardAuthenticatePinTakesTheUserByName) {
    Bytes pin(kPin.begin(), kPin.end());
    char16_t user[] = u"user";
    Dword tries = 99;
    EXPECT_EQ(csp().transact([&](CardData& d) {
        return d.pfnCardAuthenticatePin(&d, user, pin.data(), static_cast<Dword>(pin.size()), &tries);
    }),
              rc::kSuccess);
    EXPECT_EQ(csp().transact([&](CardData& d) { return d.pfnCardDeauthenticate(&d, user, 0); }),
              rc::kSuccess);
    char16_t nobody[] = u"nobody";
    EXPECT_EQ(csp().transact([&](CardData& d) {
        return d.pfnCardAuthenticatePin(&d, nobody, pin.data(), static_cast<Dword>(pin.size()), &tries);
    }),
              rc::kInvalidParameter);
}

TEST_F(MinidriverTest, AWrongPinReportsTheTriesLeftAndTheThirdBlocksIt) {
    Dword tries = 99;
    EXPECT_EQ(csp().authenticate(kRoleUser, "000000", &tries), rc::kWrongChv);
    EXPECT_EQ(tries, 2u);
    EXPECT_EQ(csp().authenticate(kRoleUser, "000000", &tries), rc::kWrongChv);
    EXPECT_EQ(tries, 1u);
    const Dword third = csp().authenticate(kRoleUser, "000000", &tries);
    EXPECT_TRUE(third == rc::kChvBlocked || (third == rc::kWrongChv && tries == 0)) << std::hex << third;
    // Blocked now: even the right PIN is refused.
    EXPECT_EQ(csp().authenticate(kRoleUser, kPin, &tries), rc::kChvBlocked);
    EXPECT_EQ(tries, 0u);
}

TEST_F(MinidriverTest, ThePukUnblocksThePinThroughChangeAuthenticatorEx) {
    Dword tries = 0;
    for (int i = 0; i < 3; ++i) csp().authenticate(kRoleUser, "000000", &tries);
    ASSERT_EQ(csp().authenticate(kRoleUser, kPin, &tries), rc::kChvBlocked);
    Bytes puk(kPuk.begin(), kPuk.end());
    Bytes new_pin{'6', '5', '4', '3', '2', '1'};
    ASSERT_EQ(csp().transact([&](CardData& d) {
        return d.pfnCardChangeAuthenticatorEx(&d, kPinChangeUnblock, kRoleAdmin, puk.data(),
                                              static_cast<Dword>(puk.size()), kRoleUser, new_pin.data(),
                                              static_cast<Dword>(new_pin.size()), 0, &tries);
    }),
              rc::kSuccess);
    EXPECT_EQ(csp().authenticate(kRoleUser, "654321"), rc::kSuccess);
}

TEST_F(MinidriverTest, ThePinChangesItself) {
    Bytes old_pin(kPin.begin(), kPin.end());
    Bytes new_pin{'1', '1', '1', '1', '1', '1'};
    Dword tries = 0;
    ASSERT_EQ(csp().transact([&](CardData& d) {
        return d.pfnCardChangeAuthenticatorEx(&d, kPinChangeChangePin, kRoleUser, old_pin.data(),
                                              static_cast<Dword>(old_pin.size()), kRoleUser, new_pin.data(),
                                              static_cast<Dword>(new_pin.size()), 0, &tries);
    }),
              rc::kSuccess);
    EXPECT_EQ(csp().authenticate(kRoleUser, kPin, &tries), rc::kWrongChv);
    EXPECT_EQ(csp().authenticate(kRoleUser, "111111"), rc::kSuccess);
}

TEST_F(MinidriverTest, ThePukAuthenticatesAsTheAdministrator) {
    EXPECT_EQ(csp().authenticate(kRoleAdmin, kPuk), rc::kSuccess);
    EXPECT_EQ(authenticated_state(csp()), pin_set(kRoleAdmin));
    Dword tries = 99;
    EXPECT_EQ(csp().authenticate(kRoleAdmin, "00000000", &tries), rc::kWrongChv);
    EXPECT_EQ(tries, 9u);  // the PUK has ten tries
}

TEST_F(MinidriverTest, TheSecureProfilesPinIsBlockedUntilItsPukSetsOne) {
    Dword tries = 99;
    EXPECT_EQ(csp().authenticate(kSecurePin, "123456", &tries), rc::kChvBlocked);
    EXPECT_EQ(tries, 0u);
}

TEST_F(MinidriverTest, SessionPinsAreNotOffered) {
    Bytes pin(kPin.begin(), kPin.end());
    EXPECT_EQ(csp().transact([&](CardData& d) {
        return d.pfnCardAuthenticateEx(&d, kRoleUser, kGenerateSessionPin, pin.data(),
                                       static_cast<Dword>(pin.size()), nullptr, nullptr, nullptr);
    }),
              rc::kUnsupportedFeature);
}

TEST_F(MinidriverTest, ReadingTheFilesKeepsTheUserAuthenticated) {
    // cardcf looks at both profiles' counters; selecting the secure profile would end
    // the common profile's login, so the minidriver must not while the user is in.
    ASSERT_EQ(csp().authenticate(kRoleUser, kPin), rc::kSuccess);
    Bytes bytes;
    ASSERT_EQ(csp().read_file(nullptr, "cardcf", bytes), rc::kSuccess);
    ASSERT_EQ(csp().read_file("mscp", "cmapfile", bytes), rc::kSuccess);
    Bytes hash(32, 0x5A);
    CardSigningInfo request{};
    request.dwVersion = version::kSigningInfo;
    request.dwKeySpec = kAtKeyExchange;
    request.aiHashAlg = calg::kSha256;
    request.pbData = hash.data();
    request.cbData = 32;
    Bytes signature;
    EXPECT_EQ(csp().sign(request, signature), rc::kSuccess);
}

}  // namespace
}  // namespace carta::md::test
