// The PKCS#11 tests' fixture: the module used through its function list, as an
// application does, and a simulated card started from a card state made at build
// time (make_test_cards.cpp). Two builds of the same fixture: the built module
// loaded with dlopen() and the card in a reader of a private pcscd per test
// (tests/support SimCard); or, with CARTA_PKCS11_IN_PROCESS, the module's code
// linked in and the card in a reader of this process (InProcessCard).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "../../pkcs11/src/ck.hpp"
#include "carta/apdu/bytes.hpp"
#include "support/host_crypto.hpp"
#include "support/simcard.hpp"
#ifdef CARTA_PKCS11_IN_PROCESS
#include "in_process_card.hpp"
#endif

namespace carta::pkcs11::test {

inline const std::string kPin = "123456";
inline const std::string kPuk = "87654321";
inline const std::string kSecurePuk = CARTA_TEMPLATE_SECURE_PUK;
inline const Bytes kRsaId{0x21};
inline const Bytes kEcId{0x31};
inline const Bytes kCaId{0x20, 0x03};

// Where the tests' card is: in a reader of a private pcscd (the module loaded with
// dlopen, as a client would), or, for the executable built with
// CARTA_PKCS11_IN_PROCESS, in a reader of this process (the module's code linked in).
#ifdef CARTA_PKCS11_IN_PROCESS
using TestCard = InProcessCard;
#else
using TestCard = carta::test::SimCard;
#endif

// The module's function list (dlopen once per process, never closed).
CK_FUNCTION_LIST& module_functions();
// An exported symbol of the module (nullptr if there is none), as a client finds it.
void* module_symbol(const char* name);
const std::filesystem::path& module_path();

std::filesystem::path cards_dir();
std::filesystem::path ready_card();  // initialised, keys and certificates (make_test_cards.cpp)
std::filesystem::path blank_card();  // the build's template: common profile uninitialised

// A template whose values it owns.
class Attributes {
  public:
    Attributes& bytes(CK_ATTRIBUTE_TYPE type, Bytes value);
    Attributes& ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG value);
    Attributes& boolean(CK_ATTRIBUTE_TYPE type, bool value);
    Attributes& text(CK_ATTRIBUTE_TYPE type, const std::string& value);
    CK_ATTRIBUTE* data();
    CK_ULONG size() const { return static_cast<CK_ULONG>(values_.size()); }

  private:
    std::vector<std::pair<CK_ATTRIBUTE_TYPE, Bytes>> values_;
    std::vector<CK_ATTRIBUTE> attributes_;
};

class Pkcs11Test : public ::testing::Test {
  protected:
    // The card state a test starts from.
    virtual std::filesystem::path initial_state() const { return ready_card(); }
    // How fast the simulated card answers (Realistic: a cryptoCertum's timings).
    virtual carta::test::SimCard::Latency latency() const { return carta::test::SimCard::Latency::None; }
    void SetUp() override;
    void TearDown() override;

    CK_FUNCTION_LIST& p11() { return *p11_; }
    TestCard& card() { return *card_; }
    CK_SLOT_ID common_slot() const { return common_slot_; }
    CK_SLOT_ID secure_slot() const { return secure_slot_; }
    // C_Finalize and C_Initialize: a new module state (as a new process would see it).
    void reinitialize();

    CK_SESSION_HANDLE open_session(bool read_write = true);
    CK_SESSION_HANDLE open_session_on(CK_SLOT_ID slot, bool read_write = true);
    CK_RV login(CK_SESSION_HANDLE session, CK_USER_TYPE user = CKU_USER, const std::string& pin = kPin);
    CK_SESSION_HANDLE user_session();  // read-write, user logged in
    CK_TOKEN_INFO token_info(CK_SLOT_ID slot);
    std::vector<CK_SLOT_ID> slots_with_token();
    CK_STATE session_state(CK_SESSION_HANDLE session);

    std::vector<CK_OBJECT_HANDLE> find(CK_SESSION_HANDLE session, Attributes search);
    // The one object of `object_class` with `id`; fails the test if there is not exactly one.
    CK_OBJECT_HANDLE find_one(CK_SESSION_HANDLE session, CK_OBJECT_CLASS object_class, const Bytes& id);
    Bytes attribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
    CK_ULONG ulong_attribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
    bool bool_attribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);

    // One-shot operations; fail the test on any error.
    Bytes sign(CK_SESSION_HANDLE session, CK_MECHANISM mechanism, CK_OBJECT_HANDLE key, ByteView data);
    Bytes decrypt(CK_SESSION_HANDLE session, CK_MECHANISM mechanism, CK_OBJECT_HANDLE key, ByteView data);
    // C_SignInit and C_Sign with the RSA key: the first answer that is not CKR_OK, if any.
    CK_RV sign_something(CK_SESSION_HANDLE session);

  private:
    std::unique_ptr<TestCard> card_;
    CK_FUNCTION_LIST* p11_ = nullptr;
    bool initialized_ = false;
    CK_SLOT_ID common_slot_ = 0;
    CK_SLOT_ID secure_slot_ = 1;
};

// A card whose common profile was never initialised.
class BlankCardTest : public Pkcs11Test {
  protected:
    std::filesystem::path initial_state() const override { return blank_card(); }
};

// OpenSSL checks, in carta's library context.
using carta::test::der_ecdsa;
using carta::test::openssl_encrypt;
using carta::test::openssl_verifies;

// How many of `commands` (as the card received them) have instruction byte `ins`.
inline std::size_t count_ins(const std::vector<Bytes>& commands, std::uint8_t ins) {
    return static_cast<std::size_t>(std::count_if(
        commands.begin(), commands.end(), [&](const Bytes& c) { return c.size() > 1 && c[1] == ins; }));
}

inline Bytes bytes_of(std::string_view text) {
    return Bytes(text.begin(), text.end());
}

// A blank-padded CK_UTF8CHAR field without its padding.
inline std::string text(const CK_UTF8CHAR* field, std::size_t size) {
    std::string s(reinterpret_cast<const char*>(field), size);
    return s.substr(0, s.find_last_not_of(' ') + 1);
}

// "CKR_PIN_INCORRECT" for readable assertion failures.
std::string rv_text(CK_RV rv);

}  // namespace carta::pkcs11::test

// EXPECT_RV(CKR_OK, p11().C_Login(...)) prints names, not numbers.
#define EXPECT_RV(expected, call) \
    EXPECT_EQ(::carta::pkcs11::test::rv_text(expected), ::carta::pkcs11::test::rv_text(call))
#define ASSERT_RV(expected, call) \
    ASSERT_EQ(::carta::pkcs11::test::rv_text(expected), ::carta::pkcs11::test::rv_text(call))
