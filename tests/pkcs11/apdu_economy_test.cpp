// What the module spares the card (docs/card-protocol.md §8, §10): each shortcut,
// counted in the commands the card receives, and the case that must still reach it
// (another host changing the card between two operations).
#include <algorithm>
#include <set>

#include "carta/card/card.hpp"
#include "pkcs11_fixture.hpp"

namespace carta::pkcs11::test {
namespace {

constexpr std::uint8_t kGetChallenge = 0x84;

class ApduEconomy : public Pkcs11Test {
  protected:
    void SetUp() override {
        Pkcs11Test::SetUp();
        card().take_commands();  // what C_Initialize and C_GetSlotList sent (nothing, today)
    }

    std::vector<Bytes> commands() { return card().take_commands(); }

    // The elementary files the commands selected (SELECT 00 A4 02 0C 02 FID).
    static std::set<std::uint16_t> files_selected(const std::vector<Bytes>& commands) {
        std::set<std::uint16_t> files;
        for (const auto& c : commands)
            if (c.size() == 7 && c[1] == 0xA4 && c[2] == 0x02)
                files.insert(static_cast<std::uint16_t>(c[5] << 8 | c[6]));
        return files;
    }
    static bool any_key_file(const std::set<std::uint16_t>& files) {
        return std::any_of(files.begin(), files.end(), [](std::uint16_t fid) { return (fid >> 8) == 0x10; });
    }
    static bool any_certificate_file(const std::set<std::uint16_t>& files) {
        return std::any_of(files.begin(), files.end(), [](std::uint16_t fid) { return (fid >> 8) == 0x20; });
    }

    std::vector<CK_OBJECT_HANDLE> find_class(CK_SESSION_HANDLE session, CK_OBJECT_CLASS object_class) {
        return find(session, Attributes().ulong(CKA_CLASS, object_class));
    }
    Bytes random(CK_SESSION_HANDLE session, std::size_t length) {
        Bytes out(length);
        EXPECT_RV(CKR_OK, p11().C_GenerateRandom(session, out.data(), out.size()));
        return out;
    }
};

TEST_F(ApduEconomy, SearchForTheProfileObjectReadsNoObjectFile) {
    const auto session = open_session_on(secure_slot(), false);
    EXPECT_EQ(find_class(session, CKO_PROFILE).size(), 1u);
    EXPECT_TRUE(files_selected(commands()).empty());
}

TEST_F(ApduEconomy, CertificateSearchReadsNoKeyFile) {
    const auto session = open_session(false);
    EXPECT_FALSE(find_class(session, CKO_CERTIFICATE).empty());
    const auto files = files_selected(commands());
    EXPECT_TRUE(any_certificate_file(files));
    EXPECT_FALSE(any_key_file(files));
}

TEST_F(ApduEconomy, KeysAfterCertificatesReadOnlyTheKeyFiles) {
    const auto session = open_session(false);
    find_class(session, CKO_CERTIFICATE);
    commands();
    EXPECT_FALSE(find_class(session, CKO_PUBLIC_KEY).empty());
    const auto files = files_selected(commands());
    EXPECT_TRUE(any_key_file(files));
    EXPECT_FALSE(any_certificate_file(files));
}

TEST_F(ApduEconomy, NewProcessWithAWarmCacheReadsNoFile) {
    find_class(open_session(false), CKO_PUBLIC_KEY);
    reinitialize();  // a new process, the same cache directory
    commands();
    token_info(common_slot());
    const auto session = open_session(false);
    EXPECT_FALSE(find_class(session, CKO_CERTIFICATE).empty());
    EXPECT_FALSE(find_class(session, CKO_PUBLIC_KEY).empty());
    const auto sent = commands();
    EXPECT_TRUE(files_selected(sent).empty());
    EXPECT_EQ(sent.size(), 1u);  // the SELECT whose FCI proves the cached copy
}

// A token list (pkcs11-tool -L, a device manager) reads no object: the next one, in a new
// process, finds the label in the cache and needs only the SELECT.
TEST_F(ApduEconomy, TokenListInANewProcessAfterATokenListSendsOnlyTheSelect) {
    token_info(common_slot());
    reinitialize();
    commands();
    EXPECT_EQ(text(token_info(common_slot()).label, 32), "carta test");
    const auto sent = commands();
    EXPECT_TRUE(files_selected(sent).empty());
    EXPECT_EQ(sent.size(), 1u);
}

TEST_F(ApduEconomy, LabelChangedByAnotherHostIsSeenDespiteACachedLabel) {
    token_info(common_slot());
    const auto connection = card().connect();
    card::Card other(*connection, card::Profile::Common);
    other.verify(card::Code::Pin, SecretBytes(std::string_view(kPin)));
    other.set_label("renamed elsewhere");
    reinitialize();
    EXPECT_EQ(text(token_info(common_slot()).label, 32), "renamed elsewhere");
}

TEST_F(ApduEconomy, ChangeByAnotherHostIsSeenDespiteAWarmCache) {
    const auto session = open_session(false);
    const auto before = find_class(session, CKO_CERTIFICATE).size();
    // Another program deletes a certificate between two runs of this one.
    const auto connection = card().connect();
    card::Card other(*connection, card::Profile::Common);
    other.verify(card::Code::Pin, SecretBytes(std::string_view(kPin)));
    const auto certificates = other.contents().certificates;
    ASSERT_FALSE(certificates.empty());
    other.delete_object(certificates.front().fid());
    reinitialize();
    EXPECT_EQ(find_class(open_session(false), CKO_CERTIFICATE).size(), before - 1);
}

TEST_F(ApduEconomy, LoginLeavesTheObjectsAsTheyWereRead) {
    const auto session = open_session();
    find_class(session, CKO_PUBLIC_KEY);
    ASSERT_RV(CKR_OK, login(session));
    commands();
    EXPECT_FALSE(find_class(session, CKO_PRIVATE_KEY).empty());
    EXPECT_TRUE(commands().empty());  // VERIFY does not move the change counter
}

TEST_F(ApduEconomy, TokenInfoAfterALoginKnowsTheRestoredTriesWithoutASelect) {
    const auto session = open_session();
    ASSERT_RV(CKR_PIN_INCORRECT, login(session, CKU_USER, "000000"));
    EXPECT_TRUE(token_info(common_slot()).flags & CKF_USER_PIN_COUNT_LOW);
    ASSERT_RV(CKR_OK, login(session));
    commands();
    EXPECT_FALSE(token_info(common_slot()).flags & CKF_USER_PIN_COUNT_LOW);  // the card reset the counter
    EXPECT_TRUE(commands().empty());
}

TEST_F(ApduEconomy, SeedingBothTokensCostsOneGetChallenge) {
    const auto common = random(open_session(false), 32);
    const auto secure = random(open_session_on(secure_slot(), false), 32);
    EXPECT_NE(common, secure);
    EXPECT_EQ(count_ins(commands(), kGetChallenge), 1u);
}

TEST_F(ApduEconomy, BufferedRandomBytesAreHandedOutOnce) {
    const auto session = open_session(false);
    std::set<Bytes> seen;
    for (int i = 0; i < 20; ++i) seen.insert(random(session, 32));  // 640 bytes
    EXPECT_EQ(seen.size(), 20u);
    EXPECT_EQ(count_ins(commands(), kGetChallenge), 3u);  // 256 bytes each
}

TEST_F(ApduEconomy, RemovedCardTakesItsUnusedRandomBytesAlong) {
    const auto first = random(open_session(false), 16);
    card().pull();
    card().insert();
    commands();
    CK_SLOT_ID slots[4];
    CK_ULONG count = 4;
    ASSERT_RV(CKR_OK, p11().C_GetSlotList(CK_TRUE, slots, &count));
    const auto second = random(open_session(false), 16);
    EXPECT_NE(first, second);
    EXPECT_EQ(count_ins(commands(), kGetChallenge), 1u);
}

}  // namespace
}  // namespace carta::pkcs11::test
