// The fault matrix's parts (docs/fault-matrix.md): the three faults, a trigger that
// strikes one while a given command is on the card, and a view of what the card has
// stored, to tell its old state, its new state and anything in between apart.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "carta/apdu/bytes.hpp"
#include "support/simcard.hpp"
#include "test_pki.hpp"

namespace carta::test::fault {

enum class Fault { PcscdRestart, CardPulled, SimKilled };

std::string fault_name(Fault fault);  // "PcscdRestart", fit for a test name
inline void PrintTo(Fault fault, std::ostream* out) {
    *out << fault_name(fault);
}
// The fault's instant: one signal to pcscd or carta-sim, nothing waited for.
void strike(const SimCard& card, Fault fault);
// What an admin or user does next: pcscd started again, the card put back, carta-sim
// started again. Returns once PC/SC shows the card.
void recover(SimCard& card, Fault fault);
// The fault and its recovery, each step waited for until PC/SC shows it (for an idle
// session, where no timing matters but the client must not miss the fault).
void strike_and_recover(SimCard& card, Fault fault);

inline const Fault kFaults[] = {Fault::PcscdRestart, Fault::CardPulled, Fault::SimKilled};

// The matrix: every fault with every operation, named "CardPulled_CSign"; with
// `awaiting_fix`, only the cells named in `awaiting` (the cells that fail today
// for a product defect being fixed elsewhere), else all others.
template <typename Operation>
std::vector<std::tuple<Fault, Operation>> cells(const std::vector<Operation>& operations,
                                                const std::map<std::string, std::string>& awaiting,
                                                bool awaiting_fix) {
    std::vector<std::tuple<Fault, Operation>> out;
    for (const Fault fault : kFaults)
        for (const auto& operation : operations)
            if (awaiting.count(fault_name(fault) + "_" + operation.name) == (awaiting_fix ? 1u : 0u))
                out.emplace_back(fault, operation);
    return out;
}
template <typename Operation>
std::string cell_name(const ::testing::TestParamInfo<std::tuple<Fault, Operation>>& info) {
    return fault_name(std::get<Fault>(info.param)) + "_" + std::get<Operation>(info.param).name;
}

// Calls `action` once, from its own thread, as soon as the APDU trace file `trace`
// (CARTA_APDU_TRACE of the client) shows a command whose header matches `header`
// ("XX 2A 9E 9A": X matches any digit, here any CLA; "00 DB 3F FF": only the last
// part of a chain, the one the card acts on): the client has sent it and waits for
// the card's answer. The trace is written before the command goes out, and the file
// is polled every millisecond, so the fault lands within a few ms of the command
// reaching the card.
class OnCommand {
  public:
    OnCommand(std::filesystem::path trace, std::string header, std::function<void()> action);
    ~OnCommand();
    OnCommand(const OnCommand&) = delete;
    OnCommand& operator=(const OnCommand&) = delete;

    bool fired() const { return fired_.load(); }
    // What `action` threw, if it did ("" otherwise).
    std::string error() const;
    // The trace's last lines, for the message of a cell whose command never showed.
    std::string trace_tail() const;

  private:
    void watch(std::uintmax_t offset);
    bool matches(const std::string& line) const;

    std::filesystem::path trace_;
    std::string header_;
    std::function<void()> action_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> fired_{false};
    mutable std::mutex mutex_;
    std::string error_;   // guarded by mutex_
    std::thread thread_;  // last: it starts once the members above exist
};

// The ready card's test CA and its RSA key's public key (tests/pkcs11/make_test_cards.cpp,
// in `cards_dir`): loading the CA is much faster than making one.
pkcs11::test::TestCa ready_card_ca(const std::filesystem::path& cards_dir);
Bytes ready_card_rsa_spki(const std::filesystem::path& cards_dir);

// What the card's common profile has stored, read from a copy of its state file
// through the card library (so that looking costs no PIN try and needs no reader).
struct CardView {
    std::set<std::string> objects;  // a line per key and certificate (see object lines in fault.cpp)
    std::string pin;                // the one of the candidate PINs that verifies, "" if none
    bool operator==(const CardView&) const = default;
};
CardView read_card(const SimCard& card, const std::vector<std::string>& candidate_pins);
// Lines of `after` that `before` lacks.
std::vector<std::string> added(const CardView& before, const CardView& after);
std::vector<std::string> removed(const CardView& before, const CardView& after);
// The first 8 hex digits of the SHA-256 of `der`, as object lines show a certificate.
std::string short_digest(ByteView der);

// What an operation changes on the card when it completes.
enum class Change {
    None,               // idle session, C_Sign
    KeyGenerated,       // one key labelled kNewKeyLabel, no certificate
    CertificateStored,  // one certificate, the one imported
    KeyAndCertificate,  // an imported key and its certificate (PKCS#12)
    PinChanged,         // nothing but the PIN
};
inline const std::string kNewKeyLabel = "fault key";

struct Expected {
    Change change = Change::None;
    std::string certificate_digest;  // short_digest of the certificate imported, if any
    std::string new_pin;
};

enum class Outcome { Old, New, InBetween };
// Old if nothing changed, New if exactly `expected` happened, else InBetween.
Outcome judge(const CardView& before, const CardView& after, const Expected& expected);
std::string outcome_name(Outcome outcome);
inline void PrintTo(Outcome outcome, std::ostream* out) {
    *out << outcome_name(outcome);
}
// before -> after, for assertion messages: "+key 22 ... / -cert 1 ... / PIN 123456 -> 654321".
std::string difference(const CardView& before, const CardView& after);

}  // namespace carta::test::fault
