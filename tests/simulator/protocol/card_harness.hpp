// One card under test and the transport that reaches it. The protocol suite runs
// over every kind of harness: in-process (VirtualCard + InProcessTransport) and
// through a private pcscd (carta-sim in a vpcd reader + PcscTransport).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "carta/apdu/transport.hpp"

namespace carta::sim::testing {

class CardHarness {
  public:
    virtual ~CardHarness() = default;
    virtual apdu::Transport& transport() = 0;
    virtual std::filesystem::path state_file() const = 0;
    // Stops the card and starts it again from its state file; the transport is
    // usable afterwards (the card's session state is gone).
    virtual void restart_card() = 0;
};

// Makes a harness whose card starts from a copy of `initial_state`.
struct HarnessKind {
    std::string name;  // used in the test names: "InProcess", "Pcscd"
    std::function<std::unique_ptr<CardHarness>(const std::filesystem::path& initial_state)> make;
};

inline void PrintTo(const HarnessKind& kind, std::ostream* out) {
    *out << kind.name;
}

// The template card of this build (made by `carta-sim init` at build time):
// card number kTemplateCardNumber, secure profile PUK kTemplateSecurePuk.
std::filesystem::path template_state();
inline constexpr const char* kTemplateCardNumber = "1625834976919804";
inline constexpr const char* kTemplateSecurePuk = "87654321";

// A fresh directory, removed with everything in it at the end of the test.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

  private:
    std::filesystem::path path_;
};

// The in-process harness (also used by unit tests that want a card quickly).
HarnessKind in_process_harness();

}  // namespace carta::sim::testing
