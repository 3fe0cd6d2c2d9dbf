// Fixtures for the carta CLI tests: run carta (and `openssl`) as a user would. Two
// builds of the same fixture: the built `carta` binary against a carta-sim card
// behind a private pcscd (SimCard); or, with CARTA_CLI_IN_PROCESS, carta::cli::run
// in the test process against the simulator's card in a reader of this process
// (InProcessCard), seen by the test exactly as the binary's run would be.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "carta/apdu/bytes.hpp"
#include "carta/apdu/reader_system.hpp"
#include "json_reader.hpp"
#include "process.hpp"
#include "support/simcard.hpp"
#ifdef CARTA_CLI_IN_PROCESS
#include "support/in_process_card.hpp"
#endif

namespace carta::test {

inline constexpr const char* kPin = "271828";
inline constexpr const char* kPuk = "31415926";
inline constexpr const char* kEmail = "joedoe@yourdomain.com";

std::string read_text(const std::filesystem::path& path);
void write_text(const std::filesystem::path& path, const std::string& text);
std::string describe(const Result& result);  // for assertion messages

#ifdef CARTA_CLI_IN_PROCESS
using TestCard = InProcessCard;
#else
using TestCard = SimCard;
#endif

// A temporary directory (removed afterwards), carta and openssl; no card.
class CliTest : public ::testing::Test {
  protected:
    void SetUp() override;
    void TearDown() override;

    std::filesystem::path path(const std::string& name) const { return dir_ / name; }

    // carta with `args`; XDG_CACHE_HOME points into the test's directory.
    Result carta(const std::vector<std::string>& args, Environment environment = {}) const;
#ifndef CARTA_CLI_IN_PROCESS
    // The binary, running while the test goes on.
    std::unique_ptr<Process> start_carta(const std::vector<std::string>& args,
                                         Environment environment = {}) const;
#endif
    // Where carta's readers come from: PC/SC unless a card says otherwise.
    virtual std::shared_ptr<apdu::ReaderSystem> readers() const {
        return apdu::pcsc_reader_system();
    }
    // carta with --json appended; fails the test unless it exits 0 and prints valid JSON.
    JsonValue carta_json(const std::vector<std::string>& args, const Environment& environment = {}) const;
    // openssl; fails the test unless it exits 0.
    Result openssl(const std::vector<std::string>& args) const;

    // A test CA (RSA-2048, CA:TRUE) in ca.key / ca.pem, made once per test.
    void make_ca();
    // The CA signs `csr` as an S/MIME certificate (extensions copied); returns the PEM's path.
    std::filesystem::path sign(const std::filesystem::path& csr, const std::string& name);
    // A key pair made by openssl (not on the card) and its CA-signed certificate: NAME.key, NAME.pem.
    std::filesystem::path foreign_certificate(const std::string& name,
                                              const std::vector<std::string>& key_options = {"-newkey",
                                                                                             "rsa:2048"});
    // A PEM file converted to DER (`openssl x509 -outform DER`).
    std::filesystem::path to_der(const std::filesystem::path& pem, const std::string& name);

  private:
    std::filesystem::path dir_;
};

// CliTest with a fresh simulated card (uninitialised common profile).
class CardTest : public CliTest {
  protected:
    void SetUp() override;
    void TearDown() override;
    virtual SimCard::Latency latency() const { return SimCard::Latency::None; }

    TestCard& card() { return *card_; }
    Environment pin() const { return {{"CARTA_PIN", kPin}}; }
    std::shared_ptr<apdu::ReaderSystem> readers() const override;
    // A connection to the card from the test itself, as another tool would have.
    std::unique_ptr<apdu::Transport> connect() const;

    // `carta init` with kPin / kPuk; fails the test if it does not succeed.
    void init_card();
    // `carta key generate`; returns the new key's ID.
    std::string generate_key(const std::string& algorithm = "rsa2048");
    // `carta csr` for `key` into NAME (PEM).
    std::filesystem::path make_csr(const std::string& key, const std::string& name);
    // Everything `carta status --json` says (the card's state, to compare before/after).
    std::string status_snapshot();
    // The public key of `key_id` as the card library reads it (DER SubjectPublicKeyInfo).
    Bytes card_public_key(const std::string& key_id);

  private:
    std::unique_ptr<TestCard> card_;
};

}  // namespace carta::test
