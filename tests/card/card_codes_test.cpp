// The card library's PIN/PUK handling and life cycle, against the in-process simulator.
#include "card_fixture.hpp"

namespace carta::card::test {
namespace {

using CardCodes = CardTest;

TEST_F(CardCodes, FreshCommonProfileIsUninitialisedWithItsCardNumber) {
    const auto status = common().status();
    EXPECT_EQ(status.life_cycle, LifeCycle::Uninitialised);
    EXPECT_EQ(status.card_number, CARTA_TEMPLATE_CARD_NUMBER);
    EXPECT_FALSE(status.pin.set);
    EXPECT_FALSE(status.puk.set);
}

TEST_F(CardCodes, InitialiseSetsPinAndPukWithFullTries) {
    initialise();
    const auto status = common().status();
    EXPECT_EQ(status.life_cycle, LifeCycle::Operational);
    EXPECT_EQ(status.pin.tries_left, 3);
    EXPECT_EQ(status.puk.tries_left, 10);
    EXPECT_EQ(common().contents().label, "test card");
}

TEST_F(CardCodes, InitialiseTwiceIsRefused) {
    initialise();
    auto pin = secret(kPin);
    EXPECT_EQ(error_of([&] { common().initialise(secret(kPuk), &pin, ""); }).kind(), ErrorKind::WrongState);
}

TEST_F(CardCodes, WrongPinSaysHowManyTriesAreLeft) {
    initialise();
    const auto error = error_of([&] { common().verify(Code::Pin, secret("000000")); });
    EXPECT_EQ(error.kind(), ErrorKind::CodeIncorrect);
    EXPECT_EQ(error.tries_left(), 2);
    EXPECT_NE(std::string(error.what()).find("2 tries left"), std::string::npos) << error.what();
}

TEST_F(CardCodes, PinOfWrongLengthIsRefusedWithoutTalkingToTheCard) {
    initialise();
    const auto before = apdus();
    EXPECT_EQ(error_of([&] { common().verify(Code::Pin, secret("123")); }).kind(), ErrorKind::CodeLength);
    EXPECT_EQ(error_of([&] { common().verify(Code::Pin, secret(std::string(33, '1'))); }).kind(),
              ErrorKind::CodeLength);
    EXPECT_EQ(apdus(), before);
    EXPECT_EQ(common().status().pin.tries_left, 3);
}

TEST_F(CardCodes, PinThatIsNotUtf8IsRefusedWithoutTalkingToTheCard) {
    initialise();
    const auto before = apdus();
    const auto error = error_of([&] {
        common().verify(Code::Pin, SecretBytes(Bytes{0xFF, 0xFE, 0x80, 0x81}));
    });
    EXPECT_EQ(error.kind(), ErrorKind::CodeLength);
    EXPECT_EQ(apdus(), before);
    EXPECT_EQ(common().status().pin.tries_left, 3);
}

TEST_F(CardCodes, NewPinThatIsNotUtf8IsRefusedBeforeTheOldOneIsTried) {
    initialise();
    const auto before = apdus();
    EXPECT_EQ(error_of([&] {
                  common().change(Code::Pin, secret(kPin), SecretBytes(Bytes{0xFF, 0xFE, 0x80, 0x81}));
              }).kind(),
              ErrorKind::CodeLength);
    EXPECT_EQ(apdus(), before);
}

TEST_F(CardCodes, ProfileLabelWithAnEscapeSequenceIsRefused) {
    auto pin = secret(kPin);
    EXPECT_EQ(error_of([&] { common().initialise(secret(kPuk), &pin, "\x1b[31mRED"); }).kind(),
              ErrorKind::InvalidData);
    EXPECT_EQ(common().status().life_cycle, LifeCycle::Uninitialised);
}

TEST_F(CardCodes, ThirdWrongPinBlocksItEvenForTheRightPin) {
    initialise();
    error_of([&] { common().verify(Code::Pin, secret("000000")); });
    error_of([&] { common().verify(Code::Pin, secret("000000")); });
    EXPECT_EQ(error_of([&] { common().verify(Code::Pin, secret("000000")); }).kind(), ErrorKind::CodeBlocked);
    EXPECT_EQ(error_of([&] { common().verify(Code::Pin, secret(kPin)); }).kind(), ErrorKind::CodeBlocked);
    EXPECT_TRUE(common().status().pin.blocked());
}

TEST_F(CardCodes, PukUnblocksAndResetsThePin) {
    initialise();
    for (int i = 0; i < 3; ++i) error_of([&] { common().verify(Code::Pin, secret("000000")); });
    common().unblock_pin(secret(kPuk), secret("246810"));
    common().verify(Code::Pin, secret("246810"));
    EXPECT_EQ(common().status().pin.tries_left, 3);
}

TEST_F(CardCodes, VerifiedPukLetsThePinBeSetWithoutSendingThePukAgain) {
    common().initialise(secret(kPuk), nullptr, "");
    EXPECT_EQ(common().status().life_cycle, LifeCycle::PinNotSet);
    common().verify(Code::Puk, secret(kPuk));
    common().set_pin_with_verified_puk(secret(kPin));
    EXPECT_EQ(common().status().life_cycle, LifeCycle::Operational);
    common().verify(Code::Pin, secret(kPin));
}

TEST_F(CardCodes, TenWrongPuksBlockThePuk) {
    initialise();
    for (int i = 0; i < 9; ++i)
        EXPECT_EQ(error_of([&] { common().unblock_pin(secret("99999999"), secret(kPin)); }).kind(),
                  ErrorKind::CodeIncorrect);
    EXPECT_EQ(error_of([&] { common().unblock_pin(secret("99999999"), secret(kPin)); }).kind(),
              ErrorKind::CodeBlocked);
    EXPECT_TRUE(common().status().puk.blocked());
}

TEST_F(CardCodes, ChangedPinReplacesTheOldOne) {
    initialise();
    common().change(Code::Pin, secret(kPin), secret("13572468"));
    EXPECT_EQ(error_of([&] { common().verify(Code::Pin, secret(kPin)); }).kind(), ErrorKind::CodeIncorrect);
    common().verify(Code::Pin, secret("13572468"));
}

TEST_F(CardCodes, ChangedPukReplacesTheOldOne) {
    initialise();
    common().change(Code::Puk, secret(kPuk), secret("a-longer-puk-of-32-characters-xx"));
    common().verify(Code::Puk, secret("a-longer-puk-of-32-characters-xx"));
}

TEST_F(CardCodes, VerifiedStateIsReportedAndEndsWithLogout) {
    initialise();
    EXPECT_FALSE(common().is_verified(Code::Pin));
    common().verify(Code::Pin, secret(kPin));
    EXPECT_TRUE(common().is_verified(Code::Pin));
    common().logout(Code::Pin);
    EXPECT_FALSE(common().is_verified(Code::Pin));
}

TEST_F(CardCodes, EraseReturnsTheProfileToUninitialised) {
    initialise();
    common().verify(Code::Pin, secret(kPin));
    common().generate_key(KeyAlgorithm::P256, "key");
    common().erase(secret(kPuk));
    EXPECT_EQ(common().status().life_cycle, LifeCycle::Uninitialised);
    EXPECT_TRUE(common().contents().keys.empty());
}

TEST_F(CardCodes, SecureProfilePinIsBlockedAtDeliveryUntilThePukSetsOne) {
    EXPECT_TRUE(secure().status().pin.blocked());
    secure().unblock_pin(secret(kSecurePuk), secret("5555"));
    secure().verify(Code::Pin, secret("5555"));
}

TEST_F(CardCodes, SelectingTheOtherProfileEndsThisProfilesLogin) {
    initialise();
    common().verify(Code::Pin, secret(kPin));
    secure().status();
    EXPECT_FALSE(common().is_verified(Code::Pin));
}

}  // namespace
}  // namespace carta::card::test
