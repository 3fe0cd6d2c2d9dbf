// The simulator's card in a reader of this process, for the PKCS#11 and CLI tests
// that need no pcscd: the client's code is linked into the test executable and
// gets its readers from system() (carta/apdu/reader_system.hpp) instead of PC/SC.
// The same surface as carta::test::SimCard for what those tests use.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "carta/apdu/reader_system.hpp"
#include "support/simcard.hpp"

namespace carta::test {

class InProcessCard {
  public:
    // A copy of `initial_state` in a fresh directory, in reader "carta in-process 00 00"
    // of system(). The card's state file is kept up to date as carta-sim keeps it.
    using Latency = SimCard::Latency;
    explicit InProcessCard(const std::filesystem::path& initial_state, Latency latency = Latency::None);
    virtual ~InProcessCard();
    InProcessCard(const InProcessCard&) = delete;
    InProcessCard& operator=(const InProcessCard&) = delete;

    const std::filesystem::path& dir() const { return dir_; }
    const std::string& reader() const;
    std::filesystem::path state_file() const { return dir_ / "card.state"; }
    // The one reader with the card, for the client under test.
    std::shared_ptr<apdu::ReaderSystem> system() const;

    void pull();    // the card leaves the reader: connections to it fail as removed
    void insert();  // back in (powered up afresh)
    // Another application's connection to the card (as SCardConnect): its
    // transaction holds off the client's commands until it ends.
    std::unique_ptr<apdu::Transport> connect();
    // The command APDUs the card received (from any connection) since the last call.
    std::vector<Bytes> take_commands();

    class System;

  private:
    std::filesystem::path dir_;
    std::shared_ptr<System> system_;
};

}  // namespace carta::test
