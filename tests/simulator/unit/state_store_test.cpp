// The state file: round trip, strict parsing with errors that name the field.
#include "carta/sim/state_store.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <regex>

#include "card_harness.hpp"
#include "carta/sim/key_ops.hpp"
#include "code_store.hpp"
#include "file_contents.hpp"

namespace carta::sim::testing {
namespace {

namespace fs = std::filesystem;

// The template card with an initialised common profile holding a key and a certificate.
CardState sample_state() {
    CardState state = StateStore(template_state()).load();
    Profile& common = state.profile(ProfileId::common);
    common.life_cycle = LifeCycle::operational;
    common.change_counter = 4711;
    common.label = "profil standardowy";
    common.pin = make_code_record(as_bytes("1234"), CodeKind::pin);
    common.pin->tries_left = 2;
    common.puk = make_code_record(as_bytes("12345678"), CodeKind::puk);
    KeyObject key;
    key.keyref = 0x31;
    key.flags = flags::kMaySign | flags::kImported;
    key.name = "klucz \xC5\xBC\xC3\xB3\xC5\x82w";
    key.key = AsymmetricKey::generate(KeyAlgorithm::p256);
    common.keys.emplace(0x31, key);
    CertificateObject certificate;
    certificate.index = 15;
    certificate.flags = flags::kCertificateIsCa;
    certificate.name = "CA";
    certificate.der = from_hex("30 03 02 01 07");
    common.certificates.emplace(15, certificate);
    return state;
}

TEST(StateStore, RoundTrip) {
    const CardState original = sample_state();
    const SecretBytes text = serialise_state(original);
    const CardState parsed = parse_state(text.view(), "memory");
    EXPECT_EQ(parsed.identity.card_number, original.identity.card_number);
    EXPECT_EQ(parsed.identity.factory_id, original.identity.factory_id);
    for (const ProfileId id : {ProfileId::common, ProfileId::secure}) {
        const Profile& a = original.profile(id);
        const Profile& b = parsed.profile(id);
        EXPECT_EQ(a.life_cycle, b.life_cycle);
        EXPECT_EQ(a.change_counter, b.change_counter);
        EXPECT_EQ(a.label, b.label);
        EXPECT_EQ(a.pin, b.pin);
        EXPECT_EQ(a.puk, b.puk);
        ASSERT_EQ(a.keys.size(), b.keys.size());
        for (const auto& [keyref, key] : a.keys) {
            const KeyObject& other = b.keys.at(keyref);
            EXPECT_EQ(key.flags, other.flags);
            EXPECT_EQ(key.name, other.name);
            EXPECT_EQ(key.key->public_key_template(), other.key->public_key_template());
            EXPECT_EQ(key.key->algorithm(), other.key->algorithm());
        }
        ASSERT_EQ(a.certificates.size(), b.certificates.size());
        for (const auto& [index, certificate] : a.certificates) {
            EXPECT_EQ(certificate.der, b.certificates.at(index).der);
            EXPECT_EQ(certificate.name, b.certificates.at(index).name);
            EXPECT_EQ(certificate.flags, b.certificates.at(index).flags);
        }
    }
    // Serialising again gives the same text: nothing is lost or reordered.
    EXPECT_EQ(serialise_state(parsed).view().size(), text.view().size());
}

TEST(StateStore, SaveAndLoadThroughTheFile) {
    TempDir dir;
    StateStore store(dir / "card.state");
    EXPECT_FALSE(store.exists());
    store.save(sample_state());
    EXPECT_TRUE(store.exists());
    EXPECT_EQ(store.load().profile(ProfileId::common).change_counter, 4711u);
}

// Replaces the first match of `pattern` in the serialised sample state.
std::string corrupt(const std::string& pattern, const std::string& replacement) {
    const SecretBytes text = serialise_state(sample_state());
    const std::string original(text.view().begin(), text.view().end());
    const std::string changed = std::regex_replace(original, std::regex(pattern), replacement,
                                                   std::regex_constants::format_first_only);
    EXPECT_NE(changed, original) << "pattern " << pattern << " did not match";
    return changed;
}

std::string error_for(const std::string& text) {
    try {
        parse_state(as_bytes(text), "card.state");
    } catch (const StateFileError& error) {
        return error.what();
    }
    return "(no error)";
}

struct Corruption {
    std::string pattern, replacement, expected;
};

void PrintTo(const Corruption& corruption, std::ostream* out) {
    *out << "'" << corruption.pattern << "' -> error mentioning '" << corruption.expected << "'";
}

class CorruptStateFile : public ::testing::TestWithParam<Corruption> {};

TEST_P(CorruptStateFile, NamesTheBadField) {
    const std::string message = error_for(corrupt(GetParam().pattern, GetParam().replacement));
    EXPECT_NE(message.find("card.state line "), std::string::npos) << message;
    EXPECT_NE(message.find(GetParam().expected), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Fields, CorruptStateFile,
    ::testing::Values(Corruption{"carta-sim-state 1", "carta-sim-state 2", "header"},
                      Corruption{"card_number \\d+", "card_number 0123456789012345", "card_number"},
                      Corruption{"factory_id [0-9A-F]+", "factory_id 00FF", "factory_id: must be 8 bytes"},
                      Corruption{"life_cycle 05", "life_cycle 07", "life_cycle"},
                      Corruption{"change_counter 4711", "change_counter -1", "change_counter"},
                      Corruption{"(pin pbkdf2-sha256 \\d+ [0-9A-F]+ [0-9A-F]+) 2", "$1 7", "pin tries left"},
                      Corruption{"(pin pbkdf2-sha256 \\d+) [0-9A-F]+", "$1 ABCD", "pin salt"},
                      Corruption{"pin pbkdf2-sha256", "pin md5", "unknown hash scheme"},
                      Corruption{"puk pbkdf2[^\\n]*", "puk -", "pin/puk"},
                      Corruption{"key 31 flags 09", "key 3B flags 09", "key keyref"},
                      Corruption{"key 31 flags 09", "key 31 flags F9", "key flags"},
                      Corruption{"(key 31 flags 09 name [0-9A-F]+ pkcs8) 30", "$1 31", "key pkcs8"},
                      Corruption{"key 22 flags", "key 21 flags", "appears twice"},
                      Corruption{"certificate 15", "certificate 16", "certificate index"},
                      Corruption{"der 3003020107", "der 3103020107", "not a DER SEQUENCE"},
                      Corruption{"label [0-9A-F]+", "label 7G", "label: not hexadecimal"},
                      Corruption{"\\nend\\n", "\n", "ends too early"},
                      Corruption{"\\nend\\n", "\nend\nmore\n", "after 'end'"},
                      Corruption{"profile secure", "profile other", "profile"},
                      Corruption{"\\nlabel", "\nbogus 1\nlabel", "expected 'label'"}));

TEST(StateStore, UninitialisedProfileHoldsNothing) {
    const std::string text = corrupt("life_cycle 05", "life_cycle 03");
    EXPECT_NE(error_for(text).find("pin/puk"), std::string::npos);
}

TEST(StateStore, MissingFileIsASystemError) {
    TempDir dir;
    EXPECT_THROW(StateStore(dir / "missing").load(), std::system_error);
}

TEST(StateStore, TemplateCardLooksLikeADeliveredCard) {
    const CardState state = StateStore(template_state()).load();
    EXPECT_EQ(state.identity.card_number, kTemplateCardNumber);
    EXPECT_EQ(state.profile(ProfileId::common).life_cycle, LifeCycle::uninitialised);
    const Profile& secure = state.profile(ProfileId::secure);
    EXPECT_EQ(secure.life_cycle, LifeCycle::operational);
    EXPECT_EQ(secure.pin->tries_left, 0);
    EXPECT_TRUE(code_matches(*secure.puk, as_bytes(kTemplateSecurePuk)));
    ASSERT_EQ(secure.keys.size(), 10u);
    for (std::uint8_t i = 0; i < 5; ++i) {
        EXPECT_EQ(secure.keys.at(0x21 + i).key->algorithm(), KeyAlgorithm::rsa3072);
        EXPECT_EQ(secure.keys.at(0x31 + i).key->algorithm(), KeyAlgorithm::p384);
    }
    EXPECT_EQ(file_contents(template_state()).find("\r"), std::string::npos);
}

}  // namespace
}  // namespace carta::sim::testing
