// The simulator's card in a reader of this process, for the PKCS#11 tests that
// need no pcscd: the module's code is linked into the test executable and gets
// its readers from here (pkcs11/src/reader_system.hpp) instead of PC/SC.
// The same surface as carta::test::SimCard for what those tests use.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "carta/apdu/transport.hpp"
#include "support/simcard.hpp"

namespace carta::pkcs11::test {

class InProcessCard {
  public:
    // A copy of `initial_state` in a fresh directory, in reader "carta in-process 00 00";
    // the module's next C_Initialize finds it there. At most one at a time.
    using Latency = carta::test::SimCard::Latency;
    explicit InProcessCard(const std::filesystem::path& initial_state, Latency latency = Latency::None);
    ~InProcessCard();  // the module's next C_Initialize uses PC/SC again
    InProcessCard(const InProcessCard&) = delete;
    InProcessCard& operator=(const InProcessCard&) = delete;

    const std::filesystem::path& dir() const { return dir_; }
    const std::string& reader() const;
    std::filesystem::path state_file() const { return dir_ / "card.state"; }

    void pull();    // the card leaves the reader: connections to it fail as removed
    void insert();  // back in (powered up afresh)
    // Another application's connection to the card (as SCardConnect): its
    // transaction holds off the module's commands until it ends.
    std::unique_ptr<apdu::Transport> connect();

    class System;

  private:
    std::filesystem::path dir_;
    std::shared_ptr<System> system_;
};

}  // namespace carta::pkcs11::test
