// The fault matrix through the PKCS#11 module (docs/fault-matrix.md): each fault
// while each operation is on the card (realistic card timings), then
//   1. the function returns the one correct error for that fault,
//   2. the same process, without C_Finalize, opens a new session, logs in and makes
//      a signature that verifies,
//   3. the card holds its old state or the operation's complete new state.
#include <openssl/rsa.h>
#include <unistd.h>

#include "fault.hpp"
#include "pkcs11_fixture.hpp"
#include "test_pki.hpp"

namespace carta::pkcs11::test {
namespace {

using carta::test::fault::Change;
using carta::test::fault::Fault;
using carta::test::fault::OnCommand;
using carta::test::fault::Outcome;
namespace fault = carta::test::fault;

const std::string kNewPin = "654321";
const Bytes kData = bytes_of("podpis w chwili awarii");
CK_MECHANISM kSha256Rsa{CKM_SHA256_RSA_PKCS, nullptr, 0};

class ModuleFaults;

// The module opens CARTA_APDU_TRACE at its first APDU and keeps it open: one file for
// all the tests of this process, set before that first APDU, removed after the last.
class TraceFile : public ::testing::Environment {
  public:
    static std::filesystem::path path() {
        return std::filesystem::temp_directory_path() /
               ("carta-fault-" + std::to_string(getpid()) + ".trace");
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove(path(), ec);
    }
};
[[maybe_unused]] ::testing::Environment* const kTraceFile =
    ::testing::AddGlobalTestEnvironment(new TraceFile);

struct Operation {
    const char* name;
    // Header of the APDU during which the fault strikes (see OnCommand); nullptr: the session is
    // idle, the fault strikes first and the operation (a signature) comes after it.
    const char* command;
    CK_RV (ModuleFaults::*run)(CK_SESSION_HANDLE session);
    Change change;
    // The card's part is shorter than a fault takes to land (a few ms): the card may
    // have answered first, and then the function rightly succeeds.
    bool may_finish_first;
};

// Test names and ctest show the operation by its name.
void PrintTo(const Operation& operation, std::ostream* out) {
    *out << operation.name;
}

using Cell = std::tuple<Fault, Operation>;

class ModuleFaults : public Pkcs11Test, public ::testing::WithParamInterface<Cell> {
  public:
    CK_RV sign_once(CK_SESSION_HANDLE session) {
        CK_RV rv = p11().C_SignInit(session, &kSha256Rsa, rsa_key_);
        if (rv != CKR_OK) return rv;
        Bytes input = kData, signature(256);
        CK_ULONG length = signature.size();
        return p11().C_Sign(session, input.data(), input.size(), signature.data(), &length);
    }
    CK_RV generate_key(CK_SESSION_HANDLE session) {
        CK_MECHANISM mechanism{CKM_RSA_PKCS_KEY_PAIR_GEN, nullptr, 0};
        Attributes pub = Attributes().ulong(CKA_MODULUS_BITS, 2048);
        Attributes priv = Attributes().text(CKA_LABEL, fault::kNewKeyLabel);
        CK_OBJECT_HANDLE public_key = 0, private_key = 0;
        return p11().C_GenerateKeyPair(session, &mechanism, pub.data(), pub.size(), priv.data(), priv.size(),
                                       &public_key, &private_key);
    }
    CK_RV import_certificate(CK_SESSION_HANDLE session) {
        Attributes certificate = Attributes()
                                     .ulong(CKA_CLASS, CKO_CERTIFICATE)
                                     .ulong(CKA_CERTIFICATE_TYPE, CKC_X_509)
                                     .boolean(CKA_TOKEN, true)
                                     .text(CKA_LABEL, "fault certificate")
                                     .bytes(CKA_VALUE, certificate_);
        CK_OBJECT_HANDLE handle = 0;
        return p11().C_CreateObject(session, certificate.data(), certificate.size(), &handle);
    }
    CK_RV change_pin(CK_SESSION_HANDLE session) {
        std::string old_pin = kPin, new_pin = kNewPin;
        return p11().C_SetPIN(session, reinterpret_cast<CK_UTF8CHAR_PTR>(old_pin.data()), old_pin.size(),
                              reinterpret_cast<CK_UTF8CHAR_PTR>(new_pin.data()), new_pin.size());
    }

  protected:
    carta::test::SimCard::Latency latency() const override {
        return carta::test::SimCard::Latency::Realistic;
    }

    void SetUp() override {
        trace_ = TraceFile::path();
        ::setenv("CARTA_APDU_TRACE", trace_.c_str(), 1);
        Pkcs11Test::SetUp();
        if (HasFatalFailure()) return;
        session_ = user_session();
        rsa_key_ = find_one(session_, CKO_PRIVATE_KEY, kRsaId);
        rsa_spki_ = attribute(session_, find_one(session_, CKO_PUBLIC_KEY, kRsaId), CKA_PUBLIC_KEY_INFO);
        if (operation().change == Change::CertificateStored)
            certificate_ = issue_certificate(fault::ready_card_ca(cards_dir()), rsa_spki_,
                                             "Jan Testowy (fault)", "jan@example.com");
        before_ = view();
    }

    Fault fault() const { return std::get<Fault>(GetParam()); }
    const Operation& operation() const { return std::get<Operation>(GetParam()); }

    fault::CardView view() { return fault::read_card(card(), {kPin, kNewPin}); }
    fault::Expected expected() const {
        return {operation().change, fault::short_digest(certificate_), kNewPin};
    }

    // The operation with the fault striking while its command is on the card; the
    // fault's recovery comes once the operation has returned.
    CK_RV run_with_fault() {
        const Operation& op = operation();
        if (op.command == nullptr) {
            fault::strike_and_recover(card(), fault());
            return (this->*op.run)(session_);
        }
        CK_RV rv = CKR_OK;
        {
            OnCommand trigger(trace_, op.command, [this] { fault::strike(card(), fault()); });
            rv = (this->*op.run)(session_);
            // A short command may be answered before the trigger saw it: then only
            // success (and the new state) is right.
            EXPECT_TRUE(trigger.fired() || (op.may_finish_first && rv == CKR_OK))
                << op.name << " returned before its command " << op.command
                << " reached the card: the fault did not strike mid-flight; the trace ends with:"
                << trigger.trace_tail();
            EXPECT_EQ(trigger.error(), "");
        }
        fault::recover(card(), fault());
        return rv;
    }

    // A new session of the same module instance: log in with `pin`, sign, verify.
    void expect_client_recovers(const std::string& pin) {
        EXPECT_RV(CKR_OK, p11().C_CloseAllSessions(common_slot()));
        const auto session = open_session();
        ASSERT_RV(CKR_OK, login(session, CKU_USER, pin));
        rsa_key_ = find_one(session, CKO_PRIVATE_KEY, kRsaId);
        const Bytes signature = sign(session, kSha256Rsa, rsa_key_, kData);
        EXPECT_TRUE(openssl_verifies(rsa_spki_, "SHA256", kData, signature, RSA_PKCS1_PADDING));
    }

    std::filesystem::path trace_;
    CK_SESSION_HANDLE session_ = 0;
    CK_OBJECT_HANDLE rsa_key_ = 0;
    Bytes rsa_spki_;
    Bytes certificate_;
    fault::CardView before_;
};

// Every fault takes the card away from the application under the function (or, for
// the idle session, before the next one): PC/SC loses the card, or with pcscd every
// handle, and the card is powered off. docs/fault-matrix.md says why this code.
constexpr CK_RV kCorrectError = CKR_DEVICE_REMOVED;

TEST_P(ModuleFaults, ClientGetsTheCorrectErrorRecoversAndTheCardIsOldOrNew) {
    const CK_RV rv = run_with_fault();
    const auto after = view();
    const Outcome outcome = fault::judge(before_, after, expected());
    if (operation().may_finish_first && rv == CKR_OK) {
        EXPECT_EQ(outcome, Outcome::New) << "the function succeeded: " << fault::difference(before_, after);
    } else {
        EXPECT_RV(kCorrectError, rv);
    }
    EXPECT_NE(outcome, Outcome::InBetween) << fault::difference(before_, after);
    RecordProperty("card", fault::outcome_name(outcome));
    std::cerr << "cell: " << rv_text(rv) << "; card " << fault::outcome_name(outcome) << " ("
              << fault::difference(before_, after) << ")\n";

    expect_client_recovers(after.pin.empty() ? kPin : after.pin);
}

const Operation kIdle{"IdleSession", nullptr, &ModuleFaults::sign_once, Change::None, false};
const Operation kSign{"CSign", "XX 2A 9E 9A", &ModuleFaults::sign_once, Change::None, false};
const Operation kGenerate{"KeyGeneration", "XX 47 00", &ModuleFaults::generate_key, Change::KeyGenerated,
                          false};
const Operation kCertificate{"CertificateImport", "00 DB 3F FF", &ModuleFaults::import_certificate,
                             Change::CertificateStored, true};
const Operation kPinChange{"PinChange", "XX 24 00 83", &ModuleFaults::change_pin, Change::PinChanged, true};

const std::vector<Operation> kOperations{kIdle, kSign, kGenerate, kCertificate, kPinChange};

INSTANTIATE_TEST_SUITE_P(Matrix, ModuleFaults, ::testing::ValuesIn(fault::cells(kOperations, {}, false)),
                         fault::cell_name<Operation>);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ModuleFaults);

}  // namespace
}  // namespace carta::pkcs11::test
