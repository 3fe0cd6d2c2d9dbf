// The fault matrix through the `carta` CLI (docs/fault-matrix.md): each fault while
// `carta p12 import`, `cert import` or `pin change` has its command on the card
// (realistic card timings), then
//   1. carta exits 7 (communication failure) or 10 (outcome unknown: the card went
//      away during a write), as `carta --help` documents,
//   2. the next carta run works,
//   3. after exit 7 the card holds its old state (or, for a PIN change whose answer
//      was lost, either PIN); after exit 10 its old or new state, or the parts of an
//      import written under "carta-pending:" names, which the next run reports and
//      running the same import again completes.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rsa.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "carta/card/openssl.hpp"
#include "fault.hpp"
#include "process.hpp"
#include "test_pki.hpp"

#ifndef CARTA_BINARY
#error "CARTA_BINARY must be defined (path of the built carta)"
#endif
#ifndef CARTA_PKCS11_TEST_CARDS
#error "CARTA_PKCS11_TEST_CARDS must be defined (the card states of the PKCS#11 tests)"
#endif

namespace carta::test::fault {
namespace {

namespace fs = std::filesystem;

const fs::path kCards = CARTA_PKCS11_TEST_CARDS;
const std::string kPin = "123456";  // of the PKCS#11 tests' ready card
const std::string kNewPin = "654321";
const std::string kP12Password = "hasło do p12";
constexpr int kCommunicationFailure = 7;
constexpr int kOutcomeUnknown = 10;
const std::string kPendingMark = "carta-pending:";

struct Operation {
    const char* name;
    std::vector<std::string> args;  // FILE stands for the input file
    const char* command;            // header of the APDU during which the fault strikes (see OnCommand)
    Change change;
    bool failure_means_old;  // an exit 7 must leave the old state
    // The card's part is shorter than a fault takes to land: the card may have
    // answered first, and then carta rightly succeeds.
    bool may_finish_first;
};

// Test names and ctest show the operation by its name.
void PrintTo(const Operation& operation, std::ostream* out) {
    *out << operation.name;
}

using Cell = std::tuple<Fault, Operation>;

struct Pkcs12Deleter {
    void operator()(PKCS12* p12) const { PKCS12_free(p12); }
};

class CliFaults : public ::testing::TestWithParam<Cell> {
  protected:
    void SetUp() override {
        card_ = std::make_unique<SimCard>(kCards / "ready.state", SimCard::Latency::Realistic);
        trace_ = card_->dir() / "apdu.trace";
        write_inputs();
        before_ = view();
    }
    void TearDown() override { card_.reset(); }

    Fault fault() const { return std::get<Fault>(GetParam()); }
    const Operation& operation() const { return std::get<Operation>(GetParam()); }
    CardView view() const { return read_card(*card_, {kPin, kNewPin}); }

    Environment environment() const {
        return {{"CARTA_PIN", kPin},
                {"CARTA_NEW_PIN", kNewPin},
                {"CARTA_P12_PASSWORD", kP12Password},
                {"CARTA_APDU_TRACE", trace_.string()},
                {"XDG_CACHE_HOME", (card_->dir() / "cache").string()}};
    }
    Result carta(const std::vector<std::string>& args) const {
        std::vector<std::string> argv{CARTA_BINARY};
        for (const auto& arg : args) argv.push_back(arg == "FILE" ? input_.string() : arg);
        return run(argv, environment());
    }

    Result run_with_fault() {
        Result result;
        {
            OnCommand trigger(trace_, operation().command, [this] { strike(*card_, fault()); });
            result = carta(operation().args);
            // A short command may be answered before the trigger saw it: then only
            // success (and the new state) is right.
            EXPECT_TRUE(trigger.fired() || (operation().may_finish_first && result.exit_code == 0))
                << "carta ended before " << operation().command
                << " reached the card: the fault did not strike mid-flight; the trace ends with:"
                << trigger.trace_tail();
            EXPECT_EQ(trigger.error(), "");
        }
        recover(*card_, fault());
        return result;
    }

    Expected expected() const { return {operation().change, short_digest(certificate_), kNewPin}; }

    std::unique_ptr<SimCard> card_;
    fs::path trace_, input_;
    Bytes certificate_;
    CardView before_;

  private:
    // input.p12 for p12 import: a key made off the card (P-256: made at once) and its
    // certificate, as a CA hands them out; input.pem for cert import: a new certificate
    // for the card's RSA key.
    void write_inputs() {
        const auto ca = ready_card_ca(kCards);
        if (operation().change == Change::CertificateStored) {
            certificate_ = pkcs11::test::issue_certificate(ca, ready_card_rsa_spki(kCards),
                                                           "Jan Testowy (fault)", "jan@example.com");
            input_ = card_->dir() / "input.pem";
            std::ofstream(input_) << pkcs11::test::pem_of_certificate(
                ossl::parse_certificate_der(certificate_).get());
            return;
        }
        ossl::PKey key(EVP_EC_gen("P-256"));
        ASSERT_TRUE(key);
        certificate_ = pkcs11::test::issue_certificate(ca, ossl::spki_der(key.get()), "Anna Importowa",
                                                       "anna@example.com");
        const auto x509 = ossl::parse_certificate_der(certificate_);
        input_ = card_->dir() / "input.p12";
        std::unique_ptr<PKCS12, Pkcs12Deleter> p12(PKCS12_create(
            kP12Password.c_str(), "Anna Importowa", key.get(), x509.get(), nullptr, 0, 0, 0, 0, 0));
        ASSERT_TRUE(p12);
        unsigned char* der = nullptr;
        const int length = i2d_PKCS12(p12.get(), &der);
        ASSERT_GT(length, 0);
        std::ofstream(input_, std::ios::binary).write(reinterpret_cast<const char*>(der), length);
        OPENSSL_free(der);
    }
};

TEST_P(CliFaults, CartaSaysFailedOrUnknownWorksNextTimeAndLeavesNothingHalfDoneUnreported) {
    const Result result = run_with_fault();
    const auto after = view();
    const Outcome outcome = judge(before_, after, expected());
    if (operation().may_finish_first && result.exit_code == 0) {
        EXPECT_EQ(outcome, Outcome::New) << "carta succeeded: " << difference(before_, after);
    } else {
        EXPECT_TRUE(result.exit_code == kCommunicationFailure || result.exit_code == kOutcomeUnknown)
            << "exit " << result.exit_code << ": " << result.err;
    }
    std::cerr << "cell: exit " << result.exit_code << "; card " << outcome_name(outcome) << " ("
              << difference(before_, after) << ")\n";
    RecordProperty("card", outcome_name(outcome));
    if (operation().failure_means_old && result.exit_code == kCommunicationFailure) {
        EXPECT_EQ(outcome, Outcome::Old)
            << "carta reported a failure, yet the card changed: " << difference(before_, after);
    }
    if (outcome == Outcome::InBetween) {
        // Only as the parts of an import the CLI marks, after saying it does not know.
        EXPECT_EQ(result.exit_code, kOutcomeUnknown) << difference(before_, after);
        for (const auto& line : added(before_, after))
            EXPECT_NE(line.find(kPendingMark), std::string::npos) << "unmarked leftover: " << line;
    }

    const Result next = carta({"list"});
    EXPECT_EQ(next.exit_code, 0) << next.err;
    if (outcome != Outcome::InBetween) return;
    EXPECT_NE(next.err.find("an import was interrupted"), std::string::npos)
        << "the next run does not report what was left: " << next.err;
    const Result again = carta(operation().args);
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(judge(before_, view(), expected()), Outcome::New)
        << "running the import again did not complete it";
}

const Operation kP12Import{
    "P12Import", {"p12", "import", "FILE"}, "XX DB 3F FF", Change::KeyAndCertificate, true, false};
const Operation kCertImport{
    "CertImport", {"cert", "import", "FILE"}, "00 DB 3F FF", Change::CertificateStored, true, true};
const Operation kPinChange{"PinChange", {"pin", "change"}, "XX 24 00 83", Change::PinChanged, false, true};

const std::vector<Operation> kOperations{kP12Import, kCertImport, kPinChange};

INSTANTIATE_TEST_SUITE_P(Matrix, CliFaults, ::testing::ValuesIn(cells(kOperations, {}, false)),
                         cell_name<Operation>);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(CliFaults);

}  // namespace
}  // namespace carta::test::fault
