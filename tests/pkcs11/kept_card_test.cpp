// The card kept between operations (pkcs11/src/slots/reader.hpp, docs/card-protocol.md §10):
// after an operation the module keeps its transaction for a moment, and an operation in that
// moment needs no SELECT and no repeated MSE:SET, because nobody else can have used the card.
// Each shortcut is counted in the commands the card receives; the cases that must still reach
// the card (the other profile selected in between, another host waiting) are checked too.
#include <openssl/rsa.h>

#include <algorithm>
#include <cstdlib>

#include "pkcs11_fixture.hpp"
#include "test_pki.hpp"

namespace carta::pkcs11::test {
namespace {

constexpr std::uint8_t kSelect = 0xA4;
constexpr std::uint8_t kManageEnvironment = 0x22;
constexpr std::uint8_t kSecurityOperation = 0x2A;
const Bytes kData = bytes_of("podpis z zachowaną kartą");
CK_MECHANISM kSha256Rsa{CKM_SHA256_RSA_PKCS, nullptr, 0};

class KeptCard : public Pkcs11Test {
  protected:
    void TearDown() override {
        ::unsetenv("CARTA_CARD_HOLD_MS");
        Pkcs11Test::TearDown();
    }

    std::vector<Bytes> commands() { return card().take_commands(); }
    static long profile_selects(const std::vector<Bytes>& commands) {
        return std::count_if(commands.begin(), commands.end(), [](const Bytes& c) {
            return c.size() > 2 && c[1] == kSelect && c[2] == 0x04;  // SELECT by AID
        });
    }
    static std::vector<std::uint8_t> instructions(const std::vector<Bytes>& commands) {
        std::vector<std::uint8_t> out;
        for (const auto& c : commands) out.push_back(c.size() > 1 ? c[1] : 0);
        return out;
    }

    Bytes sign_and_check(CK_SESSION_HANDLE session) {
        const auto key = find_one(session, CKO_PRIVATE_KEY, kRsaId);
        const auto signature = sign(session, kSha256Rsa, key, kData);
        const auto spki = attribute(session, find_one(session, CKO_PUBLIC_KEY, kRsaId), CKA_PUBLIC_KEY_INFO);
        EXPECT_TRUE(openssl_verifies(spki, "SHA256", kData, signature, RSA_PKCS1_PADDING));
        return signature;
    }

    // Another host takes the card (it waits while the module keeps it), sends `command`
    // outside any transaction of the module, and gives the card back.
    Bytes other_host_sends(const Bytes& command) {
        const auto connection = card().connect();
        connection->begin_transaction();
        auto answer = connection->transmit(command);
        connection->end_transaction();
        return answer;
    }

    // True if another host can send an APDU at once, with no transaction of its own: the
    // module keeps no transaction then (a kept one makes the card answer "sharing violation").
    bool card_is_free() {
        const auto connection = card().connect();
        try {
            connection->transmit(Bytes{0x00, 0x84, 0x00, 0x00, 0x08});
            return true;
        } catch (const apdu::TransportError& e) {
            return e.kind() != apdu::TransportError::Kind::Sharing;
        }
    }
};

TEST_F(KeptCard, SignaturesInARowSendOnlyTheHashAndTheSignature) {
    const auto session = user_session();
    sign_and_check(session);
    commands();
    sign_and_check(session);
    EXPECT_EQ(instructions(commands()), (std::vector<std::uint8_t>{kSecurityOperation, kSecurityOperation}));
}

TEST_F(KeptCard, LoginThenSignatureSelectOnce) {
    const auto session = open_session();
    find_one(session, CKO_PUBLIC_KEY, kRsaId);
    other_host_sends(Bytes{0x00, 0x84, 0x00, 0x00, 0x08});  // the card went back: nothing known
    commands();
    ASSERT_RV(CKR_OK, login(session));
    sign(session, kSha256Rsa, find_one(session, CKO_PRIVATE_KEY, kRsaId), kData);
    const auto sent = commands();
    EXPECT_EQ(count_ins(sent, kSelect), 1u);  // VERIFY, MSE:SET, PSO:HASH, PSO:CDS after it
    EXPECT_EQ(count_ins(sent, kManageEnvironment), 1u);
}

TEST_F(KeptCard, OtherProfileInBetweenMeansSelectAndEnvironmentAgain) {
    const auto session = user_session();
    sign_and_check(session);
    token_info(secure_slot());  // selects the secure profile (and logs the common one out on the card)
    commands();
    ASSERT_RV(CKR_OK, login(session));
    sign_and_check(session);
    const auto sent = commands();
    EXPECT_EQ(count_ins(sent, kSelect), 1u);
    EXPECT_EQ(count_ins(sent, kManageEnvironment), 1u);
}

TEST_F(KeptCard, AnotherHostGetsTheCardAndItsSelectionIsNotTrusted) {
    const auto session = user_session();
    sign_and_check(session);
    // Waits for the module to give the card back, then selects the secure profile.
    const Bytes secure_aid{0xA0, 0x00, 0x00, 0x01, 0x67, 0x45, 0x53, 0x49, 0x47, 0x4E};
    Bytes select{0x00, 0xA4, 0x04, 0x0C, static_cast<std::uint8_t>(secure_aid.size())};
    select.insert(select.end(), secure_aid.begin(), secure_aid.end());
    ASSERT_EQ(other_host_sends(select), (Bytes{0x90, 0x00}));
    commands();
    // The common profile's login is gone on the card; the module must find out, not sign
    // with whatever the secure profile would offer under key 21.
    const auto key = find_one(session, CKO_PRIVATE_KEY, kRsaId);
    Bytes signature(256);
    CK_ULONG length = signature.size();
    ASSERT_RV(CKR_OK, p11().C_SignInit(session, &kSha256Rsa, key));
    Bytes input = kData;
    const CK_RV rv = p11().C_Sign(session, input.data(), input.size(), signature.data(), &length);
    const auto sent = commands();
    ASSERT_FALSE(sent.empty());
    EXPECT_EQ(sent.front()[1], kSelect);  // the module's first command after another host's
    EXPECT_RV(CKR_USER_NOT_LOGGED_IN, rv);
}

TEST_F(KeptCard, CardGoesBackByItselfAfterTheHold) {
    const auto session = user_session();
    sign_and_check(session);
    // Blocks until the module gives the card back; a card kept for ever hangs the test.
    EXPECT_EQ(other_host_sends(Bytes{0x00, 0x84, 0x00, 0x00, 0x08}).size(), 10u);
}

TEST_F(KeptCard, FinalizeGivesTheCardBackAtOnce) {
    const auto session = user_session();
    sign_and_check(session);
    ASSERT_FALSE(card_is_free());
    reinitialize();
    EXPECT_TRUE(card_is_free());
}

TEST_F(KeptCard, HoldOfZeroKeepsNothing) {
    ::setenv("CARTA_CARD_HOLD_MS", "0", 1);
    reinitialize();
    const auto session = user_session();
    sign_and_check(session);
    EXPECT_TRUE(card_is_free());
    commands();
    sign_and_check(session);
    EXPECT_EQ(count_ins(commands(), kSelect), 1u);
}

// A mail client's second day: the cache holds the certificates (a start lists them), and the
// key files are read right after the login, in the card the login kept: the login's VERIFY
// changed only the tries, which the module knows were restored, so no SELECT is needed.
TEST_F(KeptCard, KeyFilesReadRightAfterALoginNeedNoSelect) {
    EXPECT_FALSE(find(open_session(false), Attributes().ulong(CKA_CLASS, CKO_CERTIFICATE)).empty());
    reinitialize();             // a new process, the same cache
    token_info(common_slot());  // as a client does before it asks for the PIN
    const auto session = open_session(false);
    ASSERT_RV(CKR_OK, login(session));
    commands();
    find_one(session, CKO_PRIVATE_KEY, kRsaId);
    EXPECT_EQ(profile_selects(commands()), 0);
}

// Without a kept card (hold 0, or an application that forbids threads, as NSS does) each call
// is a transaction of its own: the first reading of a profile's objects takes the status from
// its own SELECT, rather than a SELECT for the status and another for the reading.
TEST_F(KeptCard, FirstReadingOfTheObjectsWithoutAKeptCardSelectsTheProfileOnce) {
    ::setenv("CARTA_CARD_HOLD_MS", "0", 1);
    reinitialize();
    const auto session = open_session(false);
    commands();
    EXPECT_FALSE(find(session, Attributes().ulong(CKA_CLASS, CKO_CERTIFICATE)).empty());
    EXPECT_EQ(profile_selects(commands()), 1);
}

TEST_F(KeptCard, ApplicationThatForbidsThreadsGetsTheCardBackAfterEachCall) {
    ASSERT_RV(CKR_OK, p11().C_Finalize(nullptr));
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_LIBRARY_CANT_CREATE_OS_THREADS | CKF_OS_LOCKING_OK;
    ASSERT_RV(CKR_OK, p11().C_Initialize(&args));
    const auto session = user_session();
    sign_and_check(session);
    EXPECT_TRUE(card_is_free());
}

}  // namespace
}  // namespace carta::pkcs11::test
